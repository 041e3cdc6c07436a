"""Every refused phase-report submit through the school's page: the report page again, status 400,
the reason in Chinese, and nothing submitted (it used to be an HTTP 500)."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from oversight.models import Campaign, CampaignScope, PhaseSubmission
from schools.actions import reports
from schools.models import PhaseReport
from schools.views.reports import _bound_form
from tests.campaign_helpers import at, school, seed_campaign, server_clock, submit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def phases():
    return list(seed_campaign().phases.order_by("order"))


def _draft(phase, when, sections=None):
    with server_clock(when), tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phase)
        if sections is not None:
            report = reports.save_draft(
                acting_user=user("alpha_admin"),
                report=report,
                figures={},
                reasons={},
                sections=sections,
                expected_version=report.version,
            )
        return report


def _submit_page(client_for, report, when):
    client = client_for("alpha_admin", "alpha")
    with server_clock(when):
        return client.post(f"/reports/{report.pk}/submit/")


def _page_text(response) -> str:
    return response.content.decode()


def test_a_second_submit_on_the_page_shows_why_with_400(client_for, phases):
    first = submit("alpha", phases[1], at(dt.date(2022, 3, 20)))
    with tenant_context(school("alpha")):
        report = PhaseReport.objects.get(pk=first.report_id)
    response = _submit_page(client_for, report, at(dt.date(2022, 3, 21)))
    assert response.status_code == 400
    assert "不能重复提交" in _page_text(response)
    assert PhaseSubmission.objects.filter(phase=phases[1]).count() == 1


def test_an_empty_required_section_on_the_page_shows_why_with_400(client_for, phases):
    report = _draft(phases[1], at(dt.date(2022, 3, 20)))
    response = _submit_page(client_for, report, at(dt.date(2022, 3, 20)))
    assert response.status_code == 400
    assert "请填写“主要工作及成效”" in _page_text(response)
    assert not PhaseSubmission.objects.exists()


def test_save_then_submit_with_an_empty_required_section_shows_why_with_400(client_for, phases):
    report = _draft(phases[1], at(dt.date(2022, 3, 20)))
    with tenant_context(school("alpha")):
        data = {name: value for name, value in _bound_form(report).data.items()}
    client = client_for("alpha_admin", "alpha")
    with server_clock(at(dt.date(2022, 3, 20))):
        response = client.post(f"/reports/{report.pk}/save/", {**data, "then": "submit"})
    assert response.status_code == 400
    assert "请填写“主要工作及成效”" in _page_text(response)
    assert not PhaseSubmission.objects.exists()


def test_a_closed_window_on_the_page_shows_why_with_400(client_for, phases):
    report = _draft(phases[3], at(dt.date(2022, 7, 20)), sections={"work": "开展了检查总结。"})
    response = _submit_page(client_for, report, at(dt.date(2022, 8, 5)))
    assert response.status_code == 400
    assert "逾期须经区教育局批准延期" in _page_text(response)
    assert not PhaseSubmission.objects.exists()


def test_out_of_scope_on_the_page_shows_why_with_400(client_for, phases):
    report = _draft(phases[1], at(dt.date(2022, 3, 20)), sections={"work": "开展了排查。"})
    campaign = Campaign.objects.get(pk=phases[1].campaign_id)
    campaign.scope = CampaignScope.CHOSEN
    campaign.save()
    campaign.schools.set([school("beta")])
    response = _submit_page(client_for, report, at(dt.date(2022, 3, 21)))
    assert response.status_code == 400
    assert "本校不在该专项行动的范围内" in _page_text(response)
    assert not PhaseSubmission.objects.exists()
