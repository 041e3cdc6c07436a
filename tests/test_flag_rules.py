"""Bureau staff set the 问题突出学校 rules on a page and through the API: changes are audited, bad
input and stale edits are refused with a clear message and change nothing, and the dashboard
flags by the new rules."""

import datetime as dt
from decimal import Decimal

import pytest

from oversight import dashboard, rollups
from oversight.models import DistrictSettings
from tenants.models import AuditEvent
from tests.dashboard_helpers import seed_district

pytestmark = pytest.mark.django_db


def form_data(**changes):
    rules = DistrictSettings.current()
    data = {name: getattr(rules, name) for name in dashboard_fields()}
    data["updated_at"] = rules.updated_at.isoformat()
    return {**data, **changes}


def dashboard_fields():
    from oversight.actions import FLAG_RULE_FIELDS

    return FLAG_RULE_FIELDS


def test_bureau_staff_change_the_rules_on_the_page_and_the_dashboard_follows(client_for):
    district = seed_district()
    rollups.reconcile()
    client = client_for("bureau_staff")
    assert "flag-rules-form" in client.get("/dashboard/rules/").content.decode()
    response = client.post("/dashboard/rules/", form_data(flag_serious_cases=5, flag_min_score=1))
    assert response.status_code == 302
    rules = DistrictSettings.current()
    assert (rules.flag_serious_cases, rules.flag_min_score) == (5, 1)
    event = AuditEvent.objects.get(action="settings.flag_rules_changed")
    assert (
        event.changes["flag_serious_cases"] == {"old": "2", "new": "5"}
        and event.actor.username == "bureau_staff"
    )
    filters = dashboard.Filters.from_query(
        {"campaign": str(district["main"].pk), "from": "2022-01", "to": "2022-12"}
    )
    board = dashboard.build(None, filters, today=dt.date(2022, 12, 1))
    assert not any("严重欺凌事件" in reason for flag in board.flags for reason in flag.reasons)


def test_bad_input_and_a_stale_edit_are_refused_and_change_nothing(client_for):
    client = client_for("bureau_staff")
    before = DistrictSettings.current()
    for bad in ({"flag_rate_sigma": "abc"}, {"flag_min_score": 0}, {"flag_serious_weight": -1},
                {"flag_overdue_fixes": ""}):  # fmt: skip
        response = client.post("/dashboard/rules/", form_data(**bad))
        assert response.status_code == 400, bad
        assert "text-danger" in response.content.decode()
    stale = form_data(flag_min_score=3)
    client.post("/dashboard/rules/", form_data(flag_min_score=4))  # someone else saves first
    response = client.post("/dashboard/rules/", stale)
    assert response.status_code == 400 and "规则已被其他人修改" in response.content.decode()
    after = DistrictSettings.current()
    assert after.flag_min_score == 4 and after.flag_rate_sigma == before.flag_rate_sigma
    assert AuditEvent.objects.filter(action="settings.flag_rules_changed").count() == 1


def test_the_api_reads_and_replaces_the_rules(client_for):
    client = client_for("bureau_staff")
    rules = client.get("/api/v1/dashboard/rules/").json()
    assert rules["flag_min_score"] == 2
    changed = {**rules, "flag_rate_sigma": "1.5", "flag_overdue_notices": 0}
    response = client.put("/api/v1/dashboard/rules/", changed, content_type="application/json")
    assert response.status_code == 200, response.content
    assert DistrictSettings.current().flag_rate_sigma == Decimal("1.5")
    assert client.put("/api/v1/dashboard/rules/", changed, content_type="application/json").status_code == 409
    bad = client.put("/api/v1/dashboard/rules/", {**changed, "flag_min_score": "x", "updated_at": None},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"]["flag_min_score"]


def test_inspectors_and_schools_cannot_change_the_rules(client_for):
    assert (
        client_for("inspector_alpha").post("/dashboard/rules/", form_data(flag_min_score=9)).status_code
        == 403
    )
    assert client_for("inspector_alpha").get("/api/v1/dashboard/rules/").status_code == 403
    assert DistrictSettings.current().flag_min_score == 2
