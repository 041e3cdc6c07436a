"""The district's time limits and break-glass mode: one page and one API endpoint for bureau
admins, built from DistrictSettings' own fields (a field added there appears without a change),
audited, and refusing a change made over someone else's."""

import pytest
from django.db import models

from oversight import actions
from oversight.models import FLAG_RULE_FIELDS, DistrictSettings
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(page):
    return page.context["form"]


def test_the_page_shows_every_setting_of_the_model_except_the_flag_rules(client_for):
    page = client_for("bureau_admin").get("/settings/")
    assert page.status_code == 200
    shown = set(_form(page).fields) - {"updated_at"}
    expected = {f.name for f in DistrictSettings._meta.concrete_fields
                if not f.auto_created and f.name not in (*FLAG_RULE_FIELDS, "updated_at")}  # fmt: skip
    assert shown == expected
    limits = {f.name for f in DistrictSettings._meta.concrete_fields if isinstance(f, models.PositiveSmallIntegerField)
              and f.name.endswith(("_days", "_hours"))}  # fmt: skip
    assert (
        limits <= shown
        and {"serious_report_hours", "appeal_review_days", "break_glass_delay_hours"} <= limits
    )
    body = page.content.decode()
    assert "严重欺凌上报时限（小时）" in body and "紧急调阅的批准方式" in body


def _post(client, **changes):
    current = DistrictSettings.current()
    data = {name: getattr(current, name) for name in actions.settings_page_fields()}
    data.update(changes)
    data.setdefault("updated_at", current.updated_at.isoformat())
    return client.post("/settings/", data)


def test_a_bureau_admin_changes_a_limit_it_is_audited_and_a_stale_edit_is_refused(client_for):
    admin = client_for("bureau_admin")
    seen = DistrictSettings.current().updated_at.isoformat()
    assert _post(admin, serious_report_hours=12).status_code == 302
    row = DistrictSettings.current()
    assert row.serious_report_hours == 12
    event = AuditEvent.objects.get(action="settings.changed")
    assert event.changes["serious_report_hours"] == {"old": "24", "new": "12"}
    stale = _post(admin, appeal_review_days=20, updated_at=seen)
    assert stale.status_code == 400 and "已被其他人修改" in stale.content.decode()
    assert DistrictSettings.current().appeal_review_days == 15


def test_bad_values_and_other_roles_are_refused(client_for):
    admin = client_for("bureau_admin")
    bad = _post(admin, break_glass_delay_hours=0)
    assert bad.status_code == 400 and DistrictSettings.current().break_glass_delay_hours == 4
    staff = _post(client_for("bureau_staff"), serious_report_hours=1)
    assert staff.status_code == 400 and "只有教育局管理员" in staff.content.decode()
    assert DistrictSettings.current().serious_report_hours == 24
    assert client_for("alpha_admin", "alpha").get("/settings/").status_code == 404


def test_the_api_reads_and_replaces_the_settings_with_409_on_a_stale_edit(client_for):
    admin = client_for("bureau_admin")
    current = admin.get("/api/v1/settings/").json()
    assert current["serious_report_hours"] == 24 and current["break_glass_mode"] == "second_approver"
    changed = admin.put(
        "/api/v1/settings/", {**current, "appeal_review_days": 10}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["appeal_review_days"] == 10
    stale = admin.put(
        "/api/v1/settings/", {**current, "appeal_review_days": 12}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = admin.put(
        "/api/v1/settings/", {**changed.json(), "break_glass_mode": "nobody"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert DistrictSettings.current().appeal_review_days == 10
