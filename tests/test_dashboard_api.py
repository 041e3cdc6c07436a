"""The dashboard over the API (the same figures as the page), the dashboard's filter errors (400 in
the API, an alert on the page, nothing changed), and the public figures page and API: district
totals only, counts of 1 and 2 shown as "<3", no school and no student named, no login needed."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from oversight import dashboard, public_figures, rollups
from oversight.dashboard_filters import public_campaigns, public_filters, validate_query
from schools.models import Activity, Hazard
from tests.campaign_helpers import school
from tests.dashboard_helpers import STUDENT, seed_district

pytestmark = pytest.mark.django_db

SCHOOL_NAMES = ["阿尔法小学", "贝塔中学", "伽马学校"]


@pytest.fixture
def district():
    """tests/test_dashboard.py's district, with a fixed hazard and some activities."""
    seeded = seed_district()
    with tenant_context(school("alpha")):
        Hazard.objects.create(found_on=dt.date(2022, 4, 1), place="toilet", risk_kind="x", method="talk", found_by="x",
                              description="x", responsible="x", deadline=dt.date(2022, 4, 20), status="fixed",
                              fixed_on=dt.date(2022, 4, 10))  # fmt: skip
        for day in (3, 10, 17):
            Activity.objects.create(
                held_on=dt.date(2022, 4, day), kind="lecture", title="讲座", participants=40
            )
    with tenant_context(school("beta")):
        Activity.objects.create(
            held_on=dt.date(2022, 5, 6), kind="class_meeting", title="班会", participants=2
        )
    rollups.reconcile()
    return seeded


def period(district, **extra):
    return {"campaign": str(district["main"].pk), "from": "2022-01", "to": "2022-12", **extra}


def as_json(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


# --- the dashboard API ------------------------------------------------------------------------------


def test_the_api_gives_the_same_figures_as_the_page(district, client_for):
    client = client_for("bureau_staff")
    query = period(district)
    page = client.get("/dashboard/", {**query, "view": "table"})  # the table view has every row
    api = client.get("/api/v1/dashboard/", query)
    assert page.status_code == 200 and api.status_code == 200, api.content
    body = api.json()
    assert body["tiles"] == page.context["board"].tiles
    assert set(body["charts"]) == set(dashboard.CHARTS)
    for chart, (title, header, rows) in page.context["tables"].items():
        assert body["charts"][chart] == as_json({"title": title, "columns": header, "rows": rows}), chart
    assert [f["school"] for f in body["flags"]] == [f.school.slug for f in page.context["board"].flags]
    alpha = next(f for f in body["flags"] if f["school"] == "alpha")
    assert (
        alpha["name"] == "阿尔法小学"
        and alpha["score"] == 4
        and any("严重欺凌事件 2 件" in r for r in alpha["reasons"])
    )
    assert body["filters"] == {"campaign": district["main"].pk, "campaign_name": district["main"].name,
                               "from": "2022-01", "to": "2022-12", "kind": "", "area": ""}  # fmt: skip
    assert body["tiles"]["schools"] == 2 and body["tiles"]["open_incidents"] == 4
    assert STUDENT not in api.content.decode()


def test_the_api_filters_apply(district, client_for):
    client = client_for("bureau_staff")

    def ranking(**extra):
        body = client.get("/api/v1/dashboard/", period(district, **extra)).json()
        return [row[0] for row in body["charts"]["ranking"]["rows"]], body

    assert ranking()[0] == ["阿尔法小学", "贝塔中学"]
    assert ranking(kind="junior")[0] == ["贝塔中学"]
    assert ranking(area="东区")[0] == ["阿尔法小学"]
    assert ranking(campaign=str(district["alpha_only"].pk))[0] == ["阿尔法小学"]
    names, body = ranking(campaign="")  # no campaign: every school, gamma included
    assert sorted(names) == sorted(SCHOOL_NAMES) and body["filters"]["campaign"] is None
    _, spring = ranking(to="2022-06")
    months = [row[0] for row in spring["charts"]["over_time"]["rows"]]
    assert months[0] == "2022-01" and months[-1] == "2022-06"
    severity = dict(map(tuple, spring["charts"]["severity"]["rows"]))
    assert "屡教不改或情节恶劣" not in severity  # beta's November case is outside the period


def test_the_school_api_gives_the_school_page_figures(district, client_for):
    client = client_for("bureau_staff")
    query = {"campaign": str(district["main"].pk)}
    page = client.get("/dashboard/schools/alpha/", query)
    response = client.get("/api/v1/dashboard/schools/alpha/", query)
    assert response.status_code == 200, response.content
    body = response.json()
    figures = page.context["figures"]
    assert body["school"]["slug"] == "alpha" and body["school"]["name"] == "阿尔法小学"
    assert body["kinds"] == [str(k) for k in figures.kinds]
    assert [(m["month"], m["total"], m["per_kind"]) for m in body["incidents_by_month"]] == [
        (m.strftime("%Y-%m"), total, per_kind) for m, total, per_kind in figures.incidents_by_month
    ]
    assert [[s["label"], s["count"]] for s in body["by_severity"]] == as_json(figures.by_severity)
    assert [[s["label"], s["count"]] for s in body["by_stage"]] == as_json(figures.by_stage)
    assert body["hazards"] == figures.hazards == {"found": 2, "fixed": 1, "open": 1, "overdue": 1}
    assert [[a["label"], a["count"], a["participants"]] for a in body["activities"]] == as_json(
        figures.activities
    )
    assert body["flag"]["score"] == page.context["flag"].score
    assert [p["label"] for p in body["phases"]] == [str(c.label) for _p, c in page.context["cells"]]
    text = response.content.decode()
    assert STUDENT not in text and "四年级2班" not in text


def test_an_inspector_sees_only_assigned_schools(district, client_for):
    client = client_for("inspector_alpha")
    body = client.get("/api/v1/dashboard/", period(district)).json()
    assert [row[0] for row in body["charts"]["ranking"]["rows"]] == ["阿尔法小学"]
    assert {f["school"] for f in body["flags"]} <= {"alpha"} and body["tiles"]["schools"] == 1
    assert "贝塔中学" not in json.dumps(body, ensure_ascii=False)
    assert client.get("/api/v1/dashboard/schools/alpha/").status_code == 200
    hidden = client.get("/api/v1/dashboard/schools/beta/")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found" and hidden.json()["errors"] == {}
    assert client.get("/api/v1/dashboard/schools/no-such-school/").status_code == 404


def test_anonymous_and_school_users_may_not_use_the_dashboard_api(district, client_for):
    for path in ("/api/v1/dashboard/", "/api/v1/dashboard/schools/alpha/"):
        anonymous = client_for(None).get(path)
        assert anonymous.status_code in (401, 403), path
        assert set(anonymous.json()) >= {"code", "message", "errors"}
        assert client_for("alpha_admin").get(path).status_code == 403, path


# --- filter errors: 400 in the API, an alert on the page, nothing applied ---------------------------------


BAD_QUERIES = [
    ({"from": "2022-13"}, "起始月份格式应为 YYYY-MM。"),
    ({"to": "July"}, "截止月份格式应为 YYYY-MM。"),
    ({"campaign": "999999"}, "找不到该专项行动。"),
    ({"campaign": "abc"}, "找不到该专项行动。"),
    ({"kind": "college"}, "学段类型无法识别。"),
    ({"from": "2022-06", "to": "2022-01"}, "起始月份不能晚于截止月份。"),
]


@pytest.mark.parametrize("query, message", BAD_QUERIES)
def test_a_bad_filter_is_a_400_in_the_api_and_an_alert_on_the_page(district, client_for, query, message):
    client = client_for("bureau_staff")
    response = client.get("/api/v1/dashboard/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and message in body["message"] and body["errors"] == {}
    page = client.get("/dashboard/", query)
    assert page.status_code == 200  # still shown, with the default filters
    html = page.content.decode()
    assert 'id="filter-errors"' in html and message in html
    default = dashboard.Filters.from_query({})
    shown = page.context["filters"]
    assert (shown.campaign, shown.start, shown.end, shown.kind) == (
        default.campaign, default.start, default.end, default.kind,
    )  # fmt: skip
    school_query = {k: v for k, v in query.items() if k != "kind"}
    if school_query:  # a school's page takes the campaign and the period only
        assert client.get("/api/v1/dashboard/schools/alpha/", school_query).status_code == 400
        assert message in client.get("/dashboard/schools/alpha/", school_query).content.decode()


def test_a_good_query_has_no_errors_and_the_page_no_alert(district, client_for):
    assert validate_query(period(district, kind="primary", area="东区")) == []
    assert validate_query({"campaign": "", "from": "", "to": ""}) == []  # an empty form
    html = client_for("bureau_staff").get("/dashboard/", period(district)).content.decode()
    assert 'id="filter-errors"' not in html


def test_every_error_is_reported_and_odd_input_does_not_crash(district, client_for):
    errors = validate_query({"from": "x", "to": "y", "campaign": "nope", "kind": "?"})
    assert len(errors) == 4
    assert validate_query({"campaign": "9" * 30}) == ["找不到该专项行动。"]  # beyond PostgreSQL's integer
    assert validate_query({"area": "北区"}) == ["找不到该片区。"]
    assert validate_query({"area": "东\x00区"}) == ["找不到该片区。"]
    assert validate_query({"from": "9999-12"}) == ["月份应在 2000-01 至 2100-12 之间。"]
    # Only one end given: checked against the other end the filters would fill in (the campaign's July).
    assert validate_query({"campaign": str(district["main"].pk), "from": "2022-09"}) == [
        "起始月份不能晚于截止月份。"
    ]
    client = client_for("bureau_staff")
    for query in ({"campaign": "9" * 30}, {"to": "9999-12"}, {"area": "\x00"}):
        assert client.get("/api/v1/dashboard/", query).status_code == 400
        assert client.get("/dashboard/", query).status_code == 200
    assert client.get("/dashboard/export/severity.xlsx", {"from": "2022-13"}).status_code == 400


# --- the public figures --------------------------------------------------------------------------------


def test_the_public_page_works_without_login_and_suppresses_small_counts(district, client_for):
    page = client_for(None).get("/gongkai/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "全区防治学生欺凌工作数据公开" in html
    assert 'id="suppression-note"' in html and "&lt;3" in html
    figures = page.context["figures"]
    assert figures.filters.campaign == district["main"]  # the latest campaign the public may see
    assert (figures.filters.start, figures.filters.end) == (dt.date(2022, 1, 1), dt.date(2022, 7, 1))
    # In Jan–Jul 2022, alpha and beta: 4 incidents, 1 closed; 2 hazards found, 1 fixed; 4 activities.
    assert figures.incidents == 4 and figures.closed == "<3" and figures.closed_share is None
    assert figures.schools == "<3"
    months = dict(figures.incidents_by_month)
    assert months["2022-01"] == 0 and months["2022-03"] == "<3" and months["2022-04"] == "<3"
    assert {k: n for k, _label, n in figures.by_kind} == {
        "physical": "<3", "verbal": "<3", "property": 0, "social": "<3", "cyber": 0,
    }  # fmt: skip
    severity = {s: n for s, _label, n in figures.by_severity}
    assert severity["serious"] == "<3" and severity["minor"] == "<3" and severity["egregious"] == 0
    assert figures.hazards == {"found": "<3", "fixed": "<3"}
    activities = {k: (n, p) for k, _label, n, p in figures.activities}
    # 4 activities − 3 lectures would give the one class meeting away: the lectures are withheld.
    assert activities["lecture"] == ("—", 120) and activities["class_meeting"] == ("<3", "<3")
    assert activities["survey"] == (0, 0) and figures.activities_total == 4
    for name in [*SCHOOL_NAMES, STUDENT, "四年级2班", "阿尔法"]:
        assert name not in html, name


def test_every_public_count_is_suppressed_and_never_1_or_2(district):
    filters, errors = public_filters({})
    data = public_figures.compute(filters).as_dict()
    assert errors == []

    def counts(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("filters", "closed_share"):
                    yield from counts(item)
        elif isinstance(value, list):
            for item in value:
                yield from counts(item)
        elif isinstance(value, int):
            yield value

    found = list(counts(data))
    assert found and not {1, 2} & set(found)


def test_the_public_api_gives_the_same_suppressed_figures(district, client_for):
    client = client_for(None)
    response = client.get("/api/v1/public/figures/")
    assert response.status_code == 200, response.content
    body = response.json()
    page = client.get("/gongkai/")
    assert body == as_json(page.context["figures"].as_dict())
    assert body["incidents"] == 4 and body["closed"] == "<3" and body["closed_share"] is None
    assert body["filters"]["campaign"] == district["main"].pk
    text = response.content.decode()
    for name in [*SCHOOL_NAMES, STUDENT, "四年级2班", "阿尔法"]:
        assert name not in text, name
    # A campaign of one chosen school is not public: it would be that school's figures.
    assert district["alpha_only"] not in public_campaigns()
    refused = client.get("/api/v1/public/figures/", {"campaign": str(district["alpha_only"].pk)})
    assert refused.status_code == 400 and "找不到该专项行动。" in refused.json()["message"]
    page = client.get("/gongkai/", {"campaign": str(district["alpha_only"].pk)})
    assert page.status_code == 200 and "找不到该专项行动。" in page.content.decode()
    assert "阿尔法" not in page.content.decode()


def test_the_public_figures_follow_the_period_and_take_no_school_filters(district, client_for):
    client = client_for(None)
    spring = client.get("/api/v1/public/figures/", {"from": "2022-03", "to": "2022-03"}).json()
    assert spring["incidents_by_month"] == [{"month": "2022-03", "count": "<3"}]
    assert spring["incidents"] == "<3"
    whole = client.get("/api/v1/public/figures/", {"campaign": "", "from": "2022-01", "to": "2022-12"}).json()
    assert whole["filters"]["campaign"] is None
    assert whole["incidents"] == 6 and whole["schools"] == 3  # every school, gamma included
    # kind and area are not public filters: they are ignored, not applied.
    same = client.get("/api/v1/public/figures/", {"campaign": "", "from": "2022-01", "to": "2022-12",
                                                  "kind": "junior", "area": "西区"}).json()  # fmt: skip
    assert same == whole
    reversed_ = client.get("/api/v1/public/figures/", {"from": "2022-06", "to": "2022-01"})
    assert reversed_.status_code == 400 and "起始月份不能晚于截止月份。" in reversed_.json()["message"]
    assert (
        "起始月份不能晚于截止月份。"
        in client.get("/gongkai/", {"from": "2022-06", "to": "2022-01"}).content.decode()
    )


def test_the_public_figures_read_roll_ups_only(district, client_for):
    with CaptureQueriesContext(connection) as queries:
        assert client_for(None).get("/gongkai/").status_code == 200
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert "schools_incident" not in touched and "school_alpha" not in touched


def test_the_district_login_page_links_to_the_public_figures(client_for):
    html = client_for(None).get("/accounts/login/").content.decode()
    assert 'href="/gongkai/"' in html
