"""The dashboard's default view reads per-school scorecards and the district's sums instead of
working every school out per view: same figures as the per-school path, kept true by each
school's refresh, and checked by check_rollups."""

import datetime as dt

import pytest

from oversight import dashboard, rollups, scorecards
from oversight.models import DistrictSettings
from tests.campaign_helpers import school, user
from tests.dashboard_helpers import incident, seed_district

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 12, 1)


def both_ways(monkeypatch):
    staff = user("bureau_staff")
    filters = dashboard.Filters.from_query({}, today=TODAY)
    from_cards = dashboard.build(staff, filters, today=TODAY)
    with monkeypatch.context() as m:
        m.setattr(scorecards, "current", lambda *args: None)
        per_school = dashboard.build(staff, filters, today=TODAY)
    assert from_cards.cards is not None and per_school.cards is None
    return from_cards, per_school


def figures(board):
    return {
        "tiles": board.tiles,
        "top": [(r["school"].slug, r["incidents"], r["rate"]) for r in board.top],
        "ranking": [(r["school"].slug, r["incidents"], r["serious"], r["rate"]) for r in board.ranking],
        "flags": [(f.school.slug, f.score, f.reasons) for f in board.all_flags],
        "flag_count": board.flag_count,
        "mean and sd": (round(board.rate_mean, 9), round(board.rate_sd, 9)),
    }


def test_the_default_view_from_scorecards_equals_the_per_school_path(monkeypatch):
    seed_district()
    settings = DistrictSettings.current()
    settings.flag_rate_sigma = 0  # every school above the mean is flagged: the rate rule is exercised
    settings.save()
    rollups.reconcile()
    scorecards.rebuild(TODAY)
    from_cards, per_school = both_ways(monkeypatch)
    assert figures(from_cards) == figures(per_school)
    assert from_cards.flag_count >= 1 and from_cards.tiles["schools"] >= 1


def test_a_schools_refresh_moves_its_card_and_the_district_sums(monkeypatch):
    seed_district()
    rollups.reconcile()
    scorecards.rebuild(TODAY)
    for day in (dt.date(2022, 6, 1), dt.date(2022, 6, 2), dt.date(2022, 6, 3)):
        incident("beta", day, ["physical"], "serious")
    rollups.refresh_school(school("beta"))
    scorecards.refresh_school(school("beta"), TODAY)  # as of the cards' day
    assert scorecards.differences() == []
    from_cards, per_school = both_ways(monkeypatch)
    assert figures(from_cards) == figures(per_school)


def test_cards_of_another_day_or_another_view_are_not_used():
    seed_district()
    rollups.reconcile()
    scorecards.rebuild(TODAY - dt.timedelta(days=1))
    staff = user("bureau_staff")
    assert dashboard.build(staff, dashboard.Filters.from_query({}, today=TODAY), today=TODAY).cards is None
    scorecards.rebuild(TODAY)
    assert (
        dashboard.build(
            staff, dashboard.Filters.from_query({"kind": "junior"}, today=TODAY), today=TODAY
        ).cards
        is None
    )
    assert (
        dashboard.build(
            user("inspector_alpha"), dashboard.Filters.from_query({}, today=TODAY), today=TODAY
        ).cards
        is None
    )
