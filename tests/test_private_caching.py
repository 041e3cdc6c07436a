"""Pages and downloads for a signed-in user are never kept by a browser or proxy cache: a shared
school computer must not show the next user yesterday's list of pupils."""

import datetime as dt

import pytest
from django.utils import timezone

from api.models import ApiToken
from tenants.models import School, User
from tests.conftest import host

pytestmark = pytest.mark.django_db


def _no_store(response):
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


def test_every_signed_in_page_download_and_api_answer_on_a_school_site_is_private_no_store(client_for):
    admin = client_for("alpha_admin", "alpha")
    occurred = (timezone.localtime() - dt.timedelta(days=1)).isoformat()
    incident = admin.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": occurred, "place": "走廊",
                          "summary": "推搡"}, content_type="application/json").json()  # fmt: skip
    for path in ("/", "/incidents/", f"/incidents/{incident['id']}/", "/care/", "/ledger/export.xlsx",
                 "/audit/export.xlsx", "/api/v1/incidents/", f"/api/v1/incidents/{incident['id']}/"):  # fmt: skip
        response = admin.get(path)
        assert response.status_code == 200, path
        assert _no_store(response), (path, response.get("Cache-Control"))


def test_an_api_token_answer_is_private_no_store_too(client):
    _token, key = ApiToken.issue(user=User.objects.get(username="alpha_admin"),
                                 school=School.objects.get(slug="alpha"), name="脚本")  # fmt: skip
    response = client.get("/api/v1/incidents/", HTTP_HOST=host("alpha"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and _no_store(response)
