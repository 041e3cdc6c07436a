"""The district dashboard: real data from the roll-ups, filters that change every chart, tables,
XLSX exports, the de-identified school page, 问题突出学校 flags, and small-count suppression."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from oversight import dashboard, rollups
from oversight.models import DistrictSettings
from tests.broker import drain_refreshes
from tests.campaign_helpers import school
from tests.dashboard_helpers import seed_district

pytestmark = pytest.mark.django_db

CHARTS = ["over_time", "severity", "heatmap", "ranking"]


@pytest.fixture
def district():
    seeded = seed_district()
    rollups.reconcile()
    return seeded


def tables(user, **query):
    board = dashboard.build(user, dashboard.Filters.from_query(query, today=dt.date(2022, 12, 1)),
                            today=dt.date(2022, 12, 1))  # fmt: skip
    return board, {chart: board.table(chart)[2] for chart in CHARTS}


def test_every_filter_changes_every_charts_data(district):
    from tests.campaign_helpers import user

    staff = user("bureau_staff")
    base_query = {"campaign": str(district["main"].pk), "from": "2022-01", "to": "2022-12"}
    board, base = tables(staff, **base_query)
    assert all(base[chart] for chart in CHARTS), base
    changes = {
        "campaign": {"campaign": str(district["alpha_only"].pk)},
        "period": {"to": "2022-06"},
        "school kind": {"kind": "primary"},
        "area": {"area": "西区"},
    }
    for name, change in changes.items():
        _board, filtered = tables(staff, **{**base_query, **change})
        unchanged = [chart for chart in CHARTS if filtered[chart] == base[chart]]
        assert unchanged == [], f"the {name} filter did not change {unchanged}"


def test_figures_match_the_data(district):
    from tests.campaign_helpers import user

    board, _ = tables(
        user("bureau_staff"), campaign=str(district["main"].pk), **{"from": "2022-01", "to": "2022-12"}
    )
    assert board.tiles["schools"] == 2  # the campaign's scope: active schools (gamma is suspended)
    assert board.tiles["open_incidents"] == 4  # all but the closed one
    assert board.tiles["serious_this_term"] == 1  # autumn 2022: beta's egregious case in November
    spring, _ = tables(
        user("bureau_staff"), campaign=str(district["main"].pk), **{"from": "2022-01", "to": "2022-06"}
    )
    assert spring.term == (dt.date(2022, 2, 1), dt.date(2022, 7, 31))  # a past period: the term it ends in
    assert spring.tiles["serious_this_term"] == 2  # alpha's two serious cases in March
    assert board.tiles["overdue_fixes"] == 1
    assert board.tiles["overdue_reports"] == 7  # 2 schools × 4 phases, alpha reported phase 1
    over_time = board.over_time["counts"]
    assert over_time[(dt.date(2022, 3, 1), "physical")] == 2
    assert over_time[(dt.date(2022, 3, 1), "verbal")] == 1  # the two-kind incident counts under both
    assert dict(board.severity) == {"serious": 2, "minor": 1, "repeated": 1, "egregious": 1}
    board, _ = tables(user("bureau_staff"), campaign="", **{"from": "2022-01", "to": "2022-12"})
    assert board.tiles["schools"] == 3 and dict(board.severity)[""] == 1  # no campaign: every school
    alpha = next(r for r in board.ranking if r["school"].slug == "alpha")
    assert (alpha["incidents"], alpha["rate"]) == (3, 3.75)  # 3 per 800 students


def test_the_dashboard_page_renders_real_data_as_charts_tables_and_xlsx(district, client_for):
    client = client_for("bureau_staff")
    query = f"campaign={district['main'].pk}&from=2022-01&to=2022-12"
    page = client.get(f"/dashboard/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("chart-over_time", "chart-severity", "progress-heatmap", "chart-ranking", "dashboard-data"):
        assert chart in html
    assert "<script>" not in html  # data only in application/json blocks (CSP)
    table = client.get(f"/dashboard/?{query}&view=table").content.decode()
    for chart in ("table-over_time", "table-severity", "table-heatmap", "table-ranking", "table-flags"):
        assert chart in table
    assert "阿尔法小学" in table and "3.75" in table
    for chart in ("over_time", "severity", "heatmap", "ranking", "flags"):
        response = client.get(f"/dashboard/export/{chart}.xlsx?{query}")
        assert response.status_code == 200, chart
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row >= 3
    ranking = load_workbook(io.BytesIO(client.get(f"/dashboard/export/ranking.xlsx?{query}").content)).active
    assert [c.value for c in ranking[4]][:1] == ["阿尔法小学"]


def test_the_page_reads_roll_ups_only(district, client_for):
    client = client_for("bureau_staff")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert "schools_incident" not in touched and "school_alpha" not in touched


def test_the_school_page_shows_figures_and_no_names(district, client_for):
    page = client_for("bureau_staff").get(f"/dashboard/schools/alpha/?campaign={district['main'].pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "阿尔法小学" in html and "张三丰" not in html and "四年级2班" not in html
    assert 'id="school-months"' in html


def test_an_inspector_sees_only_assigned_schools(district, client_for):
    from tests.campaign_helpers import user

    board, _ = tables(user("inspector_alpha"), campaign=str(district["main"].pk))
    assert [s.slug for s in board.schools] == ["alpha"]
    client = client_for("inspector_alpha")
    assert client.get("/dashboard/schools/alpha/").status_code == 200
    assert client.get("/dashboard/schools/beta/").status_code == 404


def test_flags_say_why_and_follow_the_district_settings(district):
    from tests.campaign_helpers import user

    staff = user("bureau_staff")
    query = {"campaign": str(district["main"].pk), "from": "2022-01", "to": "2022-12"}
    board, _ = tables(staff, **query)
    alpha = next(f for f in board.flags if f.school.slug == "alpha")
    # 2 serious cases (+2), 3 missing reports (+1), 1 overdue fix (+1); the rate rule is not met at 2σ.
    assert alpha.score == 4
    assert any("严重欺凌事件 2 件" in r for r in alpha.reasons)
    assert any("隐患逾期未整改 1 项" in r for r in alpha.reasons)
    assert not any("每千名学生" in r for r in alpha.reasons)
    rules = DistrictSettings.current()
    rules.flag_rate_sigma = Decimal("0.5")  # 2 schools: rates 3.75 and 2.5, mean 3.125, σ 0.625
    rules.flag_serious_cases = 5
    rules.flag_min_score = 3
    rules.save()
    board, _ = tables(staff, **query)
    alpha = next(f for f in board.flags if f.school.slug == "alpha")
    assert any("每千名学生事件数 3.75" in r for r in alpha.reasons)
    assert not any("严重欺凌" in r for r in alpha.reasons)
    assert {f.school.slug for f in board.flags} == {"alpha"}  # beta scores 1 (missing reports) < 3


def test_counts_of_one_or_two_are_suppressed_for_the_public():
    assert [dashboard.suppress_small(n) for n in (0, 1, 2, 3, 40, None)] == [0, "<3", "<3", 3, 40, None]


def test_the_district_cubes_give_the_same_figures_as_summing_the_schools(district):
    from tests.campaign_helpers import user

    staff = user("bureau_staff")
    main = str(district["main"].pk)
    for query in ({"campaign": ""}, {"campaign": main}, {"campaign": "", "kind": "primary"},
                  {"campaign": main, "area": "东区"}, {"campaign": "", "from": "2022-03", "to": "2022-04"}):  # fmt: skip
        filters = dashboard.Filters.from_query({"from": "2022-01", "to": "2022-12", **query})
        board = dashboard.build(staff, filters, today=dt.date(2022, 12, 1))
        assert board.cube is not None, query
        from_cubes = (board.over_time, board.severity, board.tiles["serious_this_term"])
        board.cube = None  # the path for a set of schools the cubes cannot express
        assert (board._over_time(), board._severity(), board._serious_this_term()) == from_cubes, query


def test_a_school_moved_to_another_area_moves_its_figures_with_it(
    district, django_capture_on_commit_callbacks
):
    from tests.campaign_helpers import user

    staff = user("bureau_staff")
    east = {"campaign": "", "from": "2022-01", "to": "2022-12", "area": "东区"}
    before = dict(tables(staff, **east)[0].severity)
    beta = school("beta")
    beta.area = "东区"
    drain_refreshes()
    with django_capture_on_commit_callbacks(execute=True):
        beta.save()
    assert drain_refreshes() == [beta.schema_name]  # after the commit, a refresh of beta is sent
    with tenant_context(beta):
        rollups.refresh_school_rollups()  # what the worker then runs
    after = dict(tables(staff, **east)[0].severity)
    assert after == {k: before.get(k, 0) + {"repeated": 1, "egregious": 1}.get(k, 0)
                     for k in set(before) | {"repeated", "egregious"}}  # fmt: skip
    assert rollups.district_differences() == []


def test_visits_and_overdue_notices_reach_the_tiles_and_the_flags(district):
    from inspections.models import RectificationNotice, Visit
    from tests.campaign_helpers import user

    today = dt.date(2022, 12, 1)
    inspector = user("inspector_alpha")
    query = {"campaign": str(district["main"].pk), "from": "2022-01", "to": "2022-12"}
    before, _ = tables(user("bureau_staff"), **query)
    assert before.tiles["not_visited"] == 2 and before.tiles["open_notices"] == 0

    old = Visit.objects.create(inspector=inspector, school=school("beta"), visited_on=today - dt.timedelta(days=31),
                               summary="检查了食堂和宿舍")  # fmt: skip
    recent = Visit.objects.create(inspector=inspector, school=school("alpha"), visited_on=today - dt.timedelta(days=30),
                                  summary="检查了厕所和走廊监控")  # fmt: skip
    RectificationNotice.objects.create(visit=recent, school=recent.school, issued_by=inspector,
                                       issued_on=dt.date(2022, 10, 1), due_on=dt.date(2022, 10, 31), items="加装监控")  # fmt: skip
    RectificationNotice.objects.create(visit=old, school=old.school, issued_by=inspector,
                                       issued_on=today, due_on=today + dt.timedelta(days=30), items="完善巡查")  # fmt: skip
    after, _ = tables(user("bureau_staff"), **query)
    assert after.tiles["not_visited"] == 1  # alpha's visit 30 days ago counts; beta's 31 days ago does not
    assert (after.tiles["open_notices"], after.tiles["overdue_notices"]) == (2, 1)
    alpha = next(f for f in after.flags if f.school.slug == "alpha")
    assert any("整改通知书逾期未销号 1 份" in reason for reason in alpha.reasons)
    assert alpha.score == next(f for f in before.flags if f.school.slug == "alpha").score + 1
