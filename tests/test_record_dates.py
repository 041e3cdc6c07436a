"""Incident, hazard and activity dates lie between 2000-01-01 and today, through the pages and the
API alike (the rule is in the actions)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import Activity, Hazard, Incident
from tests.campaign_helpers import school

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


def _counts():
    with tenant_context(school("alpha")):
        return Incident.objects.count(), Hazard.objects.count(), Activity.objects.count()


def _hazard(found_on):
    return {"found_on": found_on, "place": "toilet", "risk_kind": "监控盲区", "method": "site_check",
            "found_by": "政教处", "description": "无监控", "responsible": "总务处",
            "deadline": (TODAY + dt.timedelta(days=30)).isoformat()}  # fmt: skip


def _activity(held_on):
    return {"held_on": held_on, "kind": "class_meeting", "title": "主题班会", "participants": 40}


@pytest.mark.parametrize("occurred_at, message", [
    ("1831-11-19T06:30", "发生时间不能早于 2000-01-01"),
    ("1900-01-01T08:00", "发生时间不能早于 2000-01-01"),
    (f"{TOMORROW.isoformat()}T08:00", "发生时间不能晚于现在"),
])  # fmt: skip
def test_an_incident_date_out_of_range_is_refused_on_the_page_and_in_the_api(
    client_for, occurred_at, message
):
    client = client_for("alpha_admin", "alpha")
    before = _counts()
    page = client.post("/incidents/new/", {"source": "teacher", "occurred_at": occurred_at, "place": "操场",
                                           "summary": "推搡"})  # fmt: skip
    assert page.status_code == 400 and message in page.content.decode()
    api = client.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": occurred_at + ":00+08:00",
                                             "place": "操场", "summary": "推搡"}, content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and message in api.json()["errors"]["occurred_at"][0]
    assert _counts() == before


@pytest.mark.parametrize("day, message", [
    ("1999-12-31", "不能早于 2000-01-01"), ("1900-06-01", "不能早于 2000-01-01"), (TOMORROW.isoformat(), "不能晚于今天"),
])  # fmt: skip
def test_hazard_and_activity_dates_out_of_range_are_refused_on_the_page_and_in_the_api(
    client_for, day, message
):
    client = client_for("alpha_admin", "alpha")
    before = _counts()
    for page_path, api_path, data, field in (
        ("/ledger/new/", "/api/v1/ledger/", _hazard(day), "found_on"),
        ("/activities/new/", "/api/v1/activities/", _activity(day), "held_on"),
    ):
        page = client.post(page_path, data)
        assert page.status_code == 400 and message in page.content.decode()
        api = client.post(api_path, data, content_type="application/json")
        assert api.status_code == 400 and message in api.json()["errors"][field][0]
    assert _counts() == before


def test_the_first_day_allowed_is_accepted(client_for):
    client = client_for("alpha_admin", "alpha")
    assert (
        client.post(
            "/api/v1/activities/", _activity("2000-01-01"), content_type="application/json"
        ).status_code
        == 201
    )
