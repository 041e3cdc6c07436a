"""Every error the API answers is in its one JSON shape ({"code", "message", "errors"}) and in
Chinese by default — an unexpected failure (500) included."""

import datetime as dt
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


def _post(client, path, body, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def test_malformed_json_is_answered_in_chinese(client_for):
    response = _post(client_for("alpha_admin", "alpha"), "/api/v1/incidents/", '{"source": "teacher",')
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error" and "有效的 JSON" in body["message"]
    assert "Expecting" not in body["message"] and "JSON parse error" not in body["message"]


def test_field_errors_are_plain_chinese_sentences_never_a_python_repr(client_for):
    nested = _post(client_for("alpha_admin", "alpha"), "/api/v1/incidents/", json.dumps({
        "source": "teacher", "occurred_at": timezone.now().isoformat(), "place": ["操场"], "summary": {"a": 1}}))  # fmt: skip
    errors = nested.json()["errors"]
    assert set(errors) == {"place", "summary"}
    for messages in errors.values():
        assert all(isinstance(m, str) and "ErrorDetail" not in m and "{" not in m for m in messages)


def test_a_nested_dict_field_error_has_a_dotted_path(client_for):
    from oversight import actions as district
    from schools.actions import reports
    from tests.campaign_helpers import user

    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="路径测试", year=2026)
    today = timezone.localdate()
    phase = district.add_phase(acting_user=user("bureau_admin"), campaign=campaign, name="本月",
                               starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5),
                               report_due_on=today + dt.timedelta(days=10))  # fmt: skip
    with tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phase)
    response = _post(client_for("alpha_admin", "alpha"), f"/api/v1/reports/{report.pk}/save/",
                     json.dumps({"sections": {"work": ["a", "b"]}, "version": report.version}))  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["sections.work"] and errors["sections.work"] == ["不是有效的字符串。"]


def test_a_nul_byte_is_refused_with_a_correct_chinese_message(client_for):
    response = _post(client_for("alpha_admin", "alpha"), "/api/v1/incidents/", json.dumps({
        "source": "teacher", "occurred_at": timezone.now().isoformat(), "place": "操场", "summary": "推\x00搡"}))  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["summary"] == ["不能包含空字符（\\x00）。"]


def test_a_csrf_failure_is_answered_in_chinese(client_for):
    from django.test import Client

    from tenants.models import User
    from tests.conftest import host

    client = Client(HTTP_HOST=host("alpha"), enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="alpha_admin"))
    response = _post(client, "/api/v1/incidents/", json.dumps({"source": "teacher"}))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed" and "CSRF 校验失败" in body["message"]
    assert "Failed" not in body["message"] and "Referer" not in body["message"]


@pytest.mark.parametrize("slug", [None, "alpha"])
def test_an_unknown_path_with_a_newline_is_a_json_404(client_for, slug):
    response = client_for("bureau_staff" if slug is None else "alpha_admin", slug).get(
        "/api/v1/nothing/a%0Ab/"
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["code"] == "not_found"
