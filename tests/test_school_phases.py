"""A school sees only the phases of campaigns that include it: on its home page (current and next
phase), in its own API's list of phases with the state of its report, and a phase closed to it is
refused up front — no draft is started or saved for it."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight import actions as district
from oversight.models import CampaignScope
from schools.actions import reports
from schools.models import PhaseReport
from tests.campaign_helpers import school, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _campaign(name, phase_name, due_in, **scope):
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name=name, year=TODAY.year, **scope)
    return district.add_phase(
        acting_user=user("bureau_admin"), campaign=campaign, name=phase_name,
        starts_on=TODAY - dt.timedelta(days=5), ends_on=TODAY + dt.timedelta(days=5),
        report_due_on=TODAY + dt.timedelta(days=due_in),
    )  # fmt: skip


def test_the_home_page_shows_the_current_phase_of_the_schools_own_campaigns_only(client_for):
    _campaign("只含阿尔法", "阿尔法专项", 6, scope=CampaignScope.CHOSEN, schools=[school("alpha")])
    _campaign("全区月报", "全区月报阶段", 20)
    beta_home = client_for("beta_admin", "beta").get("/").content.decode()
    assert "全区月报阶段" in beta_home and "阿尔法专项" not in beta_home
    alpha_home = client_for("alpha_admin", "alpha").get("/").content.decode()
    assert "阿尔法专项" in alpha_home  # due first, and alpha is in it


def test_the_next_phase_comes_from_the_schools_own_campaigns_only(client_for):
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="初中专项", year=TODAY.year,
                                        scope=CampaignScope.KINDS, kinds=["junior"])  # fmt: skip
    district.add_phase(acting_user=user("bureau_admin"), campaign=campaign, name="初中下一阶段",
                       starts_on=TODAY + dt.timedelta(days=3), ends_on=TODAY + dt.timedelta(days=30),
                       report_due_on=TODAY + dt.timedelta(days=35))  # fmt: skip
    assert (
        "初中下一阶段" not in client_for("alpha_admin", "alpha").get("/").content.decode()
    )  # a primary school
    assert "初中下一阶段" in client_for("beta_admin", "beta").get("/").content.decode()  # a junior school


def _closed_phase():
    """A phase whose window (and late window) closed yesterday."""
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="已截止", year=TODAY.year)
    return district.add_phase(
        acting_user=user("bureau_admin"), campaign=campaign, name="已截止阶段",
        starts_on=TODAY - dt.timedelta(days=40), ends_on=TODAY - dt.timedelta(days=10),
        report_due_on=TODAY - dt.timedelta(days=5), accepts_until=TODAY - dt.timedelta(days=1),
    )  # fmt: skip


def _drafts(phase):
    with tenant_context(school("alpha")):
        return PhaseReport.objects.filter(phase_id=phase.pk).count()


def test_a_closed_phase_is_refused_up_front_on_the_page_and_in_the_api(client_for):
    phase = _closed_phase()
    page = client_for("alpha_admin", "alpha")
    listing = page.get("/reports/").content.decode()
    assert "逾期须经区教育局批准延期" in listing and f'action="/reports/phase/{phase.pk}/"' in listing
    refused = page.post(f"/reports/phase/{phase.pk}/")
    assert refused.status_code == 400 and "逾期须经区教育局批准延期" in refused.content.decode()
    api = page.post("/api/v1/reports/", {"phase": phase.pk}, content_type="application/json")
    assert api.status_code == 400 and "逾期须经区教育局批准延期" in api.json()["message"]
    assert _drafts(phase) == 0


def test_a_draft_started_in_time_cannot_be_saved_once_the_phase_closed(client_for):
    phase = _closed_phase()
    with tenant_context(school("alpha")):
        # Started while the window was open (the demo seeds history the same way).
        report = PhaseReport.objects.create(phase_id=phase.pk, number=1, sections={}, overrides={},
                                            created_by=user("alpha_admin"))  # fmt: skip
    with tenant_context(school("alpha")), pytest.raises(Exception, match="逾期须经区教育局批准延期"):
        reports.save_draft(acting_user=user("alpha_admin"), report=report, figures={}, reasons={},
                           sections={"work": "补写"}, expected_version=report.version)  # fmt: skip
    api = client_for("alpha_admin", "alpha")
    saved = api.post(f"/api/v1/reports/{report.pk}/save/", {"sections": {"work": "补写"}, "version": 1},
                     content_type="application/json")  # fmt: skip
    assert saved.status_code == 400 and "逾期须经区教育局批准延期" in saved.json()["message"]
    with tenant_context(school("alpha")):
        assert PhaseReport.objects.get(pk=report.pk).sections == {}


def test_the_school_api_lists_its_own_phases_with_the_state_of_its_report(client_for):
    mine = _campaign("全区月报", "全区月报阶段", 20)
    other = _campaign("只含贝塔", "贝塔专项", 6, scope=CampaignScope.CHOSEN, schools=[school("beta")])
    closed = _closed_phase()
    api = client_for("alpha_admin", "alpha")
    with tenant_context(school("alpha")):
        draft = reports.start_report(acting_user=user("alpha_admin"), phase=mine)
    response = api.get("/api/v1/phases/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()}
    assert other.pk not in rows and {mine.pk, closed.pk} <= set(rows)
    assert rows[mine.pk]["state"] == "pending" and rows[mine.pk]["open"] is True
    assert rows[mine.pk]["report"] == draft.pk and rows[mine.pk]["version"] == 0
    assert rows[closed.pk]["state"] == "missing" and rows[closed.pk]["open"] is False
    assert "逾期须经区教育局批准延期" in rows[closed.pk]["closed_reason"]
    assert api.get(f"/api/v1/phases/{mine.pk}/").json()["name"] == "全区月报阶段"
    missing = api.get(f"/api/v1/phases/{other.pk}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    # Read-only, and only for staff who keep the school's records.
    assert api.post("/api/v1/phases/", {}, content_type="application/json").status_code == 405
    assert client_for("alpha_gate", "alpha").get("/api/v1/phases/").status_code == 403
