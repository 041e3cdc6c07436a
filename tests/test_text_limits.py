"""Free text has a size limit on the model (tenants.fields.LimitedTextField), so a 100 KB summary,
note or report section is refused with the same clear message through the page and the API — also
where an action saves without full_clean (closing a case)."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight import actions as district
from schools.actions import incidents as incident_actions
from schools.actions import reports
from schools.models import Hazard, Incident, PhaseReport
from tenants.fields import LimitedTextField
from tests.campaign_helpers import school, user

pytestmark = pytest.mark.django_db

HUGE = "很长的文字" * 20_000  # 100,000 characters
TODAY = timezone.localdate()
LIMIT_MESSAGE = "最多 5000 个字（现为 100000 个字）"


def _json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_every_free_text_field_of_the_app_has_a_limit():
    text_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in ("schools", "oversight", "inspections")
        for field in model._meta.get_fields()
        if getattr(field, "get_internal_type", lambda: "")() == "TextField" and not isinstance(field, LimitedTextField)
    ]  # fmt: skip
    assert text_fields == []


def test_a_100_kb_incident_summary_is_refused_on_the_page_and_in_the_api(client_for):
    client = client_for("alpha_admin", "alpha")
    page = client.post("/incidents/new/", {"source": "teacher", "occurred_at": timezone.localtime().strftime(
        "%Y-%m-%dT%H:%M"), "place": "操场", "summary": HUGE})  # fmt: skip
    assert page.status_code == 400 and LIMIT_MESSAGE in page.content.decode()
    api = _json(client, "/api/v1/incidents/", {"source": "teacher", "occurred_at": timezone.now().isoformat(),
                                               "place": "操场", "summary": HUGE})  # fmt: skip
    assert api.status_code == 400 and LIMIT_MESSAGE in api.json()["errors"]["summary"][0]
    with tenant_context(school("alpha")):
        assert not Incident.objects.exists()


def test_a_100_kb_hazard_description_is_refused_on_the_page_and_in_the_api(client_for):
    client = client_for("alpha_admin", "alpha")
    data = {"found_on": TODAY.isoformat(), "place": "toilet", "risk_kind": "监控盲区", "method": "site_check",
            "found_by": "政教处", "description": HUGE, "responsible": "总务处",
            "deadline": (TODAY + dt.timedelta(days=7)).isoformat()}  # fmt: skip
    page = client.post("/ledger/new/", data)
    assert page.status_code == 400 and LIMIT_MESSAGE in page.content.decode()
    api = _json(client, "/api/v1/ledger/", data)
    assert api.status_code == 400 and LIMIT_MESSAGE in api.json()["errors"]["description"][0]
    with tenant_context(school("alpha")):
        assert not Hazard.objects.exists()


def test_a_100_kb_closing_note_is_refused_where_the_action_saves_without_full_clean(client_for):
    admin = user("alpha_admin")
    with tenant_context(school("alpha")):
        incident = incident_actions.record_incident(acting_user=admin, source="teacher", place="走廊", summary="打闹",
                                                    occurred_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip
        incident = incident_actions.open_investigation(acting_user=admin, incident=incident, opened_on=TODAY,
                                                       expected_version=incident.version)  # fmt: skip
        incident_actions.determine(acting_user=admin, incident=incident, determination="not_bullying",
                                   determined_on=TODAY, findings="打闹嬉戏。",
                                   expected_version=incident.version)  # fmt: skip
        version = Incident.objects.get(pk=incident.pk).version
    client = client_for("alpha_admin", "alpha")
    page = client.post(f"/incidents/{incident.pk}/close/", {"closing_summary": HUGE, "confirmed": "on",
                                                            "version": version})  # fmt: skip
    assert page.status_code == 400 and LIMIT_MESSAGE in page.content.decode()
    api = _json(
        client, f"/api/v1/incidents/{incident.pk}/close/", {"closing_summary": HUGE, "version": version}
    )
    assert api.status_code == 400 and LIMIT_MESSAGE in api.json()["errors"]["closing_summary"][0]
    with tenant_context(school("alpha")):
        assert Incident.objects.get(pk=incident.pk).stage == "determined"


def test_a_100_kb_report_section_is_refused_on_the_page_and_in_the_api(client_for):
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="长度测试", year=TODAY.year)
    phase = district.add_phase(acting_user=user("bureau_admin"), campaign=campaign, name="本阶段",
                               starts_on=TODAY - dt.timedelta(days=5), ends_on=TODAY + dt.timedelta(days=5),
                               report_due_on=TODAY + dt.timedelta(days=10))  # fmt: skip
    with tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phase)
        from schools.views.reports import _bound_form

        data = dict(_bound_form(report).data)
    client = client_for("alpha_admin", "alpha")
    page = client.post(f"/reports/{report.pk}/save/", {**data, "section_work": HUGE})
    assert page.status_code == 400 and "最多 20000 个字（现为 100000 个字）" in page.content.decode()
    api = _json(
        client, f"/api/v1/reports/{report.pk}/save/", {"sections": {"work": HUGE}, "version": report.version}
    )
    assert api.status_code == 400 and "最多 20000 个字" in api.json()["errors"]["section_work"][0]
    with tenant_context(school("alpha")):
        assert PhaseReport.objects.get(pk=report.pk).sections == {}


def test_a_100_kb_anonymous_tip_is_refused_on_the_page_and_in_the_api(client_for):
    public = client_for(None, "alpha")
    page = public.post("/xinxiang/", {"body": HUGE, "happened_where": "宿舍"})
    assert page.status_code == 400
    api = _json(public, "/api/v1/public/tips/", {"body": HUGE, "happened_where": "宿舍"})
    assert api.status_code == 400 and "body" in api.json()["errors"]
