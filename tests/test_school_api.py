"""The school workspace through the API: the same transitions, refusals and role rules as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


@pytest.fixture
def api(client_for):
    def make(username, slug="alpha"):
        client = client_for(username, slug)

        def post(path, data=None):
            return client.post(f"/api/v1/{path}", data or {}, content_type="application/json")

        def get(path):
            return client.get(f"/api/v1/{path}")

        client.api_post, client.api_get = post, get
        return client

    return make


def ago(days):
    return (timezone.now() - dt.timedelta(days=days)).isoformat()


def test_an_anonymous_tip_goes_to_a_closed_incident_through_the_api(api):
    public = api(None)
    submitted = public.api_post("public/tips/", {"body": "有人在宿舍被欺负", "happened_where": "宿舍"})
    assert submitted.status_code == 201
    code = submitted.json()["receipt_code"]
    assert len(code.replace("-", "")) >= 16

    admin = api("alpha_admin")
    tip_id = admin.api_get("tips/").json()["results"][0]["id"]
    created = admin.api_post(
        f"tips/{tip_id}/triage/", {"occurred_at": ago(2), "place": "宿舍", "summary": "宿舍欺负"}
    )
    assert created.status_code == 201
    incident = created.json()
    assert incident["stage"] == "intake" and incident["source"] == "anonymous"
    iid = incident["id"]

    assert admin.api_post(f"incidents/{iid}/parties/", {"student_name": "甲", "grade": "五年级", "class_name": "2班",
                                                        "role": "perpetrator"}).status_code == 200  # fmt: skip
    assert admin.api_post(f"incidents/{iid}/open/", {"opened_on": TODAY, "version": 1}).status_code == 200
    determined = admin.api_post(f"incidents/{iid}/determine/", {
        "determination": "bullying", "kinds": ["verbal"], "severity": "minor", "determined_on": TODAY,
        "findings": "言语欺凌", "version": 2})  # fmt: skip
    assert determined.status_code == 200 and determined.json()["stage"] == "determined"
    party = determined.json()["parties"][0]["id"]
    assert admin.api_post(f"incidents/{iid}/measures/", {"party": party, "kind": "criticism",
                                                         "decided_on": TODAY}).json()["incident"]["stage"] == "handling"  # fmt: skip
    # A bullying case closes only once the family knows and the follow-up is done or waived.
    refused = admin.api_post(f"incidents/{iid}/close/", {"closing_summary": "已教育", "version": 4})
    assert refused.status_code == 400 and "家长均已告知" in refused.json()["message"]
    assert admin.api_post(f"incidents/{iid}/parties/edit/", {
        "party": party, "grade": "五年级", "class_name": "2班", "family_notified_at": ago(0), "version": 1,
    }).status_code == 200  # fmt: skip
    closed = admin.api_post(f"incidents/{iid}/close/", {
        "closing_summary": "已教育", "follow_up_waiver": "已转学，无法追踪", "version": 4})  # fmt: skip
    assert closed.status_code == 200, closed.json()
    assert closed.json()["stage"] == "closed"

    status = public.api_post("public/tips/lookup/", {"code": code}).json()
    assert status["status"] == "in_progress"
    assert "incident" not in str(status) and incident["code"] not in str(status)


def test_errors_have_one_shape_and_an_illegal_step_changes_nothing(api):
    admin = api("alpha_admin")
    iid = admin.api_post("incidents/", {"source": "teacher", "occurred_at": ago(1), "place": "走廊",
                                        "summary": "推搡"}).json()["id"]  # fmt: skip
    response = admin.api_post(f"incidents/{iid}/close/", {"closing_summary": "x", "version": 1})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "不能直接进入" in body["message"]
    assert admin.api_get(f"incidents/{iid}/").json()["stage"] == "intake"

    missing = admin.api_post("incidents/", {"source": "teacher"})
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) >= {"occurred_at", "place", "summary"}

    wrong_type = admin.api_post(f"incidents/{iid}/open/", {"opened_on": "not-a-date", "version": 1})
    assert wrong_type.status_code == 400 and "opened_on" in wrong_type.json()["errors"]


def test_a_stale_edit_gets_409_and_overwrites_nothing(api):
    admin = api("alpha_admin")
    iid = admin.api_post("incidents/", {"source": "teacher", "occurred_at": ago(1), "place": "走廊",
                                        "summary": "推搡"}).json()["id"]  # fmt: skip
    admin.api_post(f"incidents/{iid}/open/", {"opened_on": TODAY, "version": 1})
    response = admin.api_post(f"incidents/{iid}/open/", {"opened_on": TODAY, "version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale" and response.json()["current_version"] == 2


def test_role_rules_hold_in_the_api(api):
    admin = api("alpha_admin")
    iid = admin.api_post("incidents/", {"source": "teacher", "occurred_at": ago(1), "place": "走廊",
                                        "summary": "推搡"}).json()["id"]  # fmt: skip
    admin.api_post(f"incidents/{iid}/parties/", {"student_name": "乙", "grade": "三年级", "class_name": "三年级1班",
                                                 "role": "victim"})  # fmt: skip
    gate = api("alpha_gate")
    assert gate.api_get(f"incidents/{iid}/").status_code == 404
    assert gate.api_post(f"incidents/{iid}/open/", {"opened_on": TODAY}).status_code == 403
    assert gate.api_get("tips/").status_code == 403
    teacher = api("alpha_head_teacher")
    assert teacher.api_get(f"incidents/{iid}/").json()["parties"][0]["student_name"] == "乙"
    assert api("beta_admin", "alpha").api_get(f"incidents/{iid}/").status_code == 403


def test_a_wrong_receipt_code_gets_404_with_nothing_inside(api):
    response = api(None).api_post("public/tips/lookup/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "errors"}


def test_a_retried_create_with_the_same_idempotency_key_creates_nothing_new(client_for):
    from django_tenants.utils import tenant_context

    from schools.models import Incident
    from tenants.models import School

    admin = client_for("alpha_admin", "alpha")
    data = {"source": "teacher", "occurred_at": ago(1), "place": "走廊", "summary": "推搡"}

    def post(path="/api/v1/incidents/", key="retry-1"):
        return admin.post(path, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    first, second = post(), post()
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replay"] == "true"
    with tenant_context(School.objects.get(slug="alpha")):
        assert Incident.objects.filter(pk=first.json()["id"]).count() == 1
        assert Incident.objects.filter(summary="推搡").count() == 1
    assert post("/api/v1/tips/1/close/").status_code == 422  # the same key on another request
    assert post(key="retry-2").json()["id"] != first.json()["id"]
