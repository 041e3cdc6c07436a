"""Phase progress as the district dashboard reads it: every school × phase cell kept in step with
each submission, review, extension and exemption, and missing or pending by the day it is read."""

import datetime as dt

import pytest

from oversight import actions as district
from oversight import dashboard, progress_rollup, rollups
from oversight.models import PhaseSubmission
from oversight.models_rollups import PhaseProgressRollup
from oversight.progress import campaign_progress
from tests.campaign_helpers import at, school, seed_campaign, submit, user

pytestmark = pytest.mark.django_db


def tally(campaign, today):
    phases = list(campaign.phases.order_by("order"))
    by_phase, total = progress_rollup.tallies(phases, campaign.schools_in_scope().values("pk"), today)
    return [by_phase[p.pk].as_dict() for p in phases], total.as_dict()


def test_every_change_keeps_the_cells_equal_to_the_campaign_page():
    campaign = seed_campaign()
    phase1, phase2, phase3 = (campaign.phases.get(order=n) for n in (1, 2, 3))
    assert PhaseProgressRollup.objects.filter(phase__campaign=campaign).count() == 8  # alpha, beta × 4

    submit("alpha", phase1, at(dt.date(2022, 3, 1)))
    district.grant_extension(acting_user=user("bureau_staff"), phase=phase2, school=school("beta"),
                             due_on=dt.date(2022, 4, 20), reason="校舍维修")  # fmt: skip
    district.grant_exemption(
        acting_user=user("bureau_staff"), phase=phase3, school=school("alpha"), reason="停课"
    )
    district.return_submission(acting_user=user("bureau_staff"), submission=PhaseSubmission.objects.get(
        phase=phase1, school=school("alpha")), comment="请补充排查数据")  # fmt: skip
    assert rollups.district_differences() == []  # no reconcile needed

    for today in (dt.date(2022, 3, 10), dt.date(2022, 4, 10), dt.date(2022, 12, 1)):
        page = campaign_progress(campaign, today=today)
        phases, total = tally(campaign, today)
        assert phases == [page.by_phase[p.pk].as_dict() for p in page.phases], today
        assert total == page.total.as_dict(), today


def test_a_due_date_passing_turns_pending_into_missing_without_any_write():
    campaign = seed_campaign()
    _phases, before = tally(campaign, dt.date(2022, 3, 5))  # phase 1 is due today
    _phases, after = tally(campaign, dt.date(2022, 3, 6))
    assert (before["missing"], before["pending"]) == (0, 8)
    assert (after["missing"], after["pending"]) == (2, 6)


def test_the_heatmap_chart_shows_the_schools_furthest_behind_and_the_table_shows_all(monkeypatch):
    campaign = seed_campaign()
    submit("alpha", campaign.phases.get(order=1), at(dt.date(2022, 3, 1)))
    monkeypatch.setattr(dashboard, "HEATMAP_ROWS", 1)
    filters = dashboard.Filters.from_query({"campaign": str(campaign.pk), "from": "2022-01", "to": "2022-12"})
    board = dashboard.build(user("bureau_staff"), filters, today=dt.date(2022, 12, 1))
    assert [s.slug for s, _cells in board.heatmap.rows()] == ["beta"]  # 4 missing against alpha's 3
    assert [row[0] for row in board.table("heatmap")[2]] == ["贝塔中学", "阿尔法小学"]
    assert board.tiles["overdue_reports"] == 7
