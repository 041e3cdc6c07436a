"""A campaign's periods are unique (one by one or generated, in any language); generated monthly
phases are named in the reader's language; the generator takes the late window; bureau staff
correct a phase on the page and through the API, audited, never turning an on-time report late."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from oversight import actions as district
from oversight.models import Phase, PhaseSubmission
from tenants.models import AuditEvent
from tests.campaign_helpers import at, seed_campaign, submit, user

pytestmark = pytest.mark.django_db


def _api(client_for, username="bureau_staff"):
    client = client_for(username)

    def call(method, path, data=None, lang="zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang  # the reader's chosen language
        return getattr(client, method)(f"/api/v1/{path}", json.dumps(data) if data is not None else None,
                                       content_type="application/json")  # fmt: skip

    return call


@pytest.fixture
def campaign():
    return district.create_campaign(acting_user=user("bureau_admin"), name="月报测试", year=2026)


def test_the_one_by_one_endpoint_refuses_an_exact_copy_of_a_phase(client_for, campaign):
    api = _api(client_for)
    phase = {
        "name": "一月",
        "starts_on": "2026-01-01",
        "ends_on": "2026-01-31",
        "report_due_on": "2026-02-10",
    }
    assert api("post", f"campaigns/{campaign.pk}/phases/", phase).status_code == 201
    again = api("post", f"campaigns/{campaign.pk}/phases/", {**phase, "name": "一月（重复）"})
    assert again.status_code == 400 and "同一时段不能重复设置" in again.json()["message"]
    page = client_for("bureau_staff").post(f"/campaigns/{campaign.pk}/phases/", {**phase, "grace_days": 0})
    assert page.status_code == 400 and "同一时段不能重复设置" in page.content.decode()
    assert campaign.phases.count() == 1


def test_the_database_holds_one_phase_per_period(campaign):
    district.add_phase(acting_user=user("bureau_admin"), campaign=campaign, name="一月", starts_on=dt.date(2026, 1, 1),
                       ends_on=dt.date(2026, 1, 31), report_due_on=dt.date(2026, 2, 10))  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(campaign=campaign, order=9, title="一月副本", starts_on=dt.date(2026, 1, 1),
                             ends_on=dt.date(2026, 1, 31), report_due_on=dt.date(2026, 2, 10))  # fmt: skip


def test_a_month_generated_in_english_is_the_same_month_and_is_named_in_each_readers_language(
    client_for, campaign
):
    api = _api(client_for)
    created = api(
        "post", f"campaigns/{campaign.pk}/monthly/", {"first_month": "2026-12-01", "months": 1}, lang="en"
    )
    assert created.status_code == 201
    assert created.json()[0]["name"] == "Monthly report 2026-12"
    again = api("post", f"campaigns/{campaign.pk}/monthly/", {"first_month": "2026-12-01", "months": 1})
    assert again.status_code == 400 and "2026年12月月报" in again.json()["message"]
    page = client_for("bureau_staff").post(f"/campaigns/{campaign.pk}/monthly/", {
        "first_month": "2026-12-05", "months": 1, "due_day": 10, "grace_days": 0, "accepts_days_after_due": 0})  # fmt: skip
    assert page.status_code == 400
    assert campaign.phases.count() == 1
    phase = campaign.phases.get()
    assert phase.title == "2026-12"  # stored language-neutrally
    assert api("get", f"phases/{phase.pk}/").json()["name"] == "2026年12月月报"
    assert api("get", f"phases/{phase.pk}/", lang="en").json()["name"] == "Monthly report 2026-12"


def test_the_generator_takes_the_late_window_through_the_api_and_the_page(client_for, campaign):
    api = _api(client_for)
    created = api("post", f"campaigns/{campaign.pk}/monthly/", {
        "first_month": "2026-01-01", "months": 2, "due_day": 10, "accepts_days_after_due": 15})  # fmt: skip
    assert created.status_code == 201
    assert [p["accepts_until"] for p in created.json()] == ["2026-02-25", "2026-03-25"]
    page = client_for("bureau_staff").post(f"/campaigns/{campaign.pk}/monthly/", {
        "first_month": "2026-03-01", "months": 1, "due_day": 10, "grace_days": 0, "accepts_days_after_due": 5})  # fmt: skip
    assert page.status_code == 302
    assert campaign.phases.get(starts_on=dt.date(2026, 3, 1)).accepts_until == dt.date(2026, 4, 15)


def test_bureau_staff_correct_a_phase_through_put_and_patch_audited(client_for, campaign):
    api = _api(client_for)
    phase = api(
        "post", f"campaigns/{campaign.pk}/monthly/", {"first_month": "2026-01-01", "months": 1}
    ).json()[0]
    patched = api("patch", f"phases/{phase['id']}/", {"accepts_until": "2026-02-28", "grace_days": 2})
    assert patched.status_code == 200, patched.json()
    assert patched.json()["accepts_until"] == "2026-02-28" and patched.json()["grace_days"] == 2
    full = {**patched.json(), "report_due_on": "2026-02-12"}
    put = api("put", f"phases/{phase['id']}/", {k: full[k] for k in (
        "name", "goals", "starts_on", "ends_on", "report_due_on", "grace_days", "accepts_until")})  # fmt: skip
    assert put.status_code == 200, put.json()
    assert put.json()["report_due_on"] == "2026-02-12"
    audits = AuditEvent.objects.filter(action="phase.corrected", object_id=str(phase["id"])).order_by("id")
    assert [set(a.changes) for a in audits] == [{"accepts_until", "grace_days"}, {"report_due_on"}]
    assert audits[0].changes["accepts_until"] == {"old": None, "new": "2026-02-28"}
    # Inspectors and schools cannot correct phases.
    assert (
        _api(client_for, "inspector_alpha")("patch", f"phases/{phase['id']}/", {"grace_days": 9}).status_code
        == 403
    )


def test_once_a_school_reported_on_time_a_correction_may_not_make_it_late(client_for):
    phases = list(seed_campaign().phases.order_by("order"))
    phase = phases[1]  # 排查摸底: due 2022-04-05
    submit("alpha", phase, at(dt.date(2022, 4, 4)))
    api = _api(client_for)
    refused = api("patch", f"phases/{phase.pk}/", {"report_due_on": "2022-04-01"})
    assert refused.status_code == 400 and "变为逾期" in refused.json()["message"]
    page = client_for("bureau_staff").post(f"/phases/{phase.pk}/correct/", {
        "name": phase.title, "starts_on": "2022-03-01", "ends_on": "2022-03-31", "report_due_on": "2022-04-01",
        "grace_days": 0, "accepts_until": ""})  # fmt: skip
    assert page.status_code == 400 and "变为逾期" in page.content.decode()
    # Two days' grace keeps the report on time: accepted.
    page = client_for("bureau_staff").post(f"/phases/{phase.pk}/correct/", {
        "name": phase.title, "starts_on": "2022-03-01", "ends_on": "2022-03-31", "report_due_on": "2022-04-02",
        "grace_days": 2, "accepts_until": "2022-04-30"})  # fmt: skip
    assert page.status_code == 302
    phase.refresh_from_db()
    assert (phase.report_due_on, phase.grace_days, phase.accepts_until) == (
        dt.date(2022, 4, 2),
        2,
        dt.date(2022, 4, 30),
    )
    # Moving the start past a report already received is refused too.
    with pytest.raises(ValidationError, match="开始日期不能晚于该日"):
        district.correct_phase(acting_user=user("bureau_staff"), phase=phase, starts_on=dt.date(2022, 4, 5),
                               ends_on=dt.date(2022, 4, 30), report_due_on=dt.date(2022, 5, 5),
                               accepts_until=None)  # fmt: skip
    assert PhaseSubmission.objects.get(phase=phase).submitted_at == at(dt.date(2022, 4, 4))
