"""Every error the API answers is in its one JSON shape ({"code", "message", "errors"}) and in
Chinese by default — an unexpected failure (500) included."""

import json

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.campaign_helpers import school

pytestmark = pytest.mark.django_db


def test_an_unexpected_failure_is_a_500_in_the_api_error_shape(client_for):
    # A real fault below the application: the database refuses every new incident.
    with tenant_context(school("alpha")), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_incident() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_incident BEFORE INSERT ON schools_incident "
            "FOR EACH ROW EXECUTE FUNCTION refuse_incident()"
        )
    api = client_for("alpha_admin", "alpha")
    api.raise_request_exception = False
    response = api.post("/api/v1/incidents/", json.dumps({
        "source": "teacher", "occurred_at": timezone.now().isoformat(), "place": "走廊", "summary": "推搡"}),
        content_type="application/json")  # fmt: skip
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and body["errors"] == {}
    assert "服务器内部错误" in body["message"] and "disk on fire" not in body["message"]
