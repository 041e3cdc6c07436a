"""Irreversible clicks ask first and typed work survives: an attachment upload saves the typed
draft with it (also when the upload is refused); 提交, 结案, 办结 and every 作废 carry a
confirmation (site.js data-confirm, no inline script); every save on the school site says so."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight import actions as district
from schools.actions import reports
from schools.models import PhaseReport
from schools.views.reports import _bound_form
from tests.campaign_helpers import school, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def draft():
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="附件测试", year=TODAY.year)
    phase = district.add_phase(acting_user=user("bureau_admin"), campaign=campaign, name="本阶段",
                               starts_on=TODAY - dt.timedelta(days=5), ends_on=TODAY + dt.timedelta(days=5),
                               report_due_on=TODAY + dt.timedelta(days=10))  # fmt: skip
    with tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phase)
        return report, dict(_bound_form(report).data)


def _saved(report):
    with tenant_context(school("alpha")):
        saved = PhaseReport.objects.get(pk=report.pk)
        return saved.sections.get("work"), list(saved.attachments.values_list("name", flat=True))


def test_uploading_an_attachment_keeps_the_typed_draft(client_for, draft):
    report, data = draft
    client = client_for("alpha_admin", "alpha")
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(f"/reports/{report.pk}/save/", {**data, "section_work": "刚写好的总结", "then": "attach",
                                                            "file": upload})  # fmt: skip
    assert response.status_code == 302
    assert _saved(report) == ("刚写好的总结", ["方案.pdf"])
    page = client.get(response["Location"]).content.decode()
    assert "草稿已保存，附件已上传。" in page and "刚写好的总结" in page


def test_a_refused_upload_still_keeps_the_typed_draft(client_for, draft):
    report, data = draft
    client = client_for("alpha_admin", "alpha")
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/reports/{report.pk}/save/", {**data, "section_work": "不能丢的内容", "then": "attach",
                                                            "file": fake})  # fmt: skip
    assert response.status_code == 400
    assert "不能丢的内容" in response.content.decode()
    assert _saved(report) == ("不能丢的内容", [])


def test_irreversible_buttons_ask_for_confirmation(client_for, draft):
    report, _data = draft
    client = client_for("alpha_admin", "alpha")
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'value="submit" data-confirm="提交后报告即锁定' in page
    assert "<script>" not in page  # the confirmation is site.js's, the CSP forbids inline scripts
    incident = client.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": timezone.now().isoformat(),
                                                  "place": "操场", "summary": "推搡"}, content_type="application/json")  # fmt: skip
    detail = client.get(f"/incidents/{incident.json()['id']}/").content.decode()
    assert 'data-confirm="作废后该事件不再办理' in detail
    hazard = client.post("/api/v1/ledger/", {
        "found_on": TODAY.isoformat(), "place": "toilet", "risk_kind": "盲区", "method": "site_check", "found_by": "政教处",
        "description": "无监控", "responsible": "总务处", "deadline": TODAY.isoformat()}, content_type="application/json")  # fmt: skip
    assert 'data-confirm="作废后该隐患' in client.get(f"/ledger/{hazard.json()['id']}/").content.decode()


def test_every_save_on_the_school_site_says_it_was_saved(client_for):
    client = client_for("alpha_admin", "alpha")
    response = client.post("/ledger/new/", {
        "found_on": TODAY.isoformat(), "place": "toilet", "risk_kind": "盲区", "method": "site_check", "found_by": "政教处",
        "description": "无监控", "responsible": "总务处", "deadline": TODAY.isoformat()}, follow=True)  # fmt: skip
    assert "已保存。" in response.content.decode()
    incident = client.post("/incidents/new/", {"source": "teacher", "place": "操场", "summary": "推搡",
                                               "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
                           follow=True)  # fmt: skip
    assert "已保存。" in incident.content.decode()
    pk = incident.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    step = client.post(f"/incidents/{pk}/parties/", {"student_name": "张三", "grade": "三年级", "class_name": "1班",
                                                     "role": "victim"}, follow=True)  # fmt: skip
    assert "已保存。" in step.content.decode()
