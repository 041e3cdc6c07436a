"""Accountability (问责): a record rests on linked records and names a person only with a post; the
statement and a challenge within 30 days (later only with a reason); repeat and concealment hints
suggest, never apply; names are for bureau admins only; the annual evaluation sheet and its XLSX."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from oversight.accountability import actions, selectors
from oversight.accountability.models import AccountabilityRecord
from oversight.models import DistrictSettings
from oversight.serious_cases.models import ExternalReport
from tenants.models import AuditEvent, School
from tests.campaign_helpers import server_clock
from tests.oversight_helpers import alpha, closed_serious_case, missing_report, user

pytestmark = pytest.mark.django_db
JSON = "application/json"
NAME = "王建国"


def payload(**extra):
    data = {"school": alpha().pk, "target": "person", "measure": "admonition", "person_post": "校长", "person_name": NAME,
            "facts": "阶段报告逾期未报。", "basis": "《问责办法》第七条", "decided_on": timezone.localdate().isoformat(),
            "deciding_body": "区教育局"}  # fmt: skip
    data.update(extra)
    return data


def record(links, school=None, **extra):
    data = payload(**extra)
    data["school"] = school or alpha()
    data["decided_on"] = dt.date.fromisoformat(data["decided_on"])
    return actions.record(acting_user=user("bureau_admin"), links=links, **data)


def test_a_record_without_a_linked_basis_or_a_person_without_a_post_is_refused(client_for):
    _campaign, phase = missing_report()
    before = (
        AccountabilityRecord.objects.count(),
        AuditEvent.objects.filter(action="accountability.recorded").count(),
    )
    admin = client_for("bureau_admin")
    no_basis = admin.post("/api/v1/accountability/", payload(links=[]), content_type=JSON)
    assert no_basis.status_code == 400 and "至少一项依据记录" in no_basis.json()["errors"]["links"][0]
    no_post = admin.post("/api/v1/accountability/", payload(person_post="", links=[{"kind": "phase_report", "id": phase.pk}]),
                         content_type=JSON)  # fmt: skip
    assert no_post.status_code == 400 and "必须写明其职务" in no_post.json()["errors"]["person_post"][0]
    page = admin.post(
        "/accountability/new/", {**payload(person_post=""), "links": [f"phase_report:{phase.pk}"]}
    )
    assert page.status_code == 400 and "必须写明其职务" in page.content.decode()
    other_school = admin.post("/api/v1/accountability/", payload(
                              links=[{"kind": "summons", "id": 999999}]), content_type=JSON)  # fmt: skip
    assert other_school.status_code == 400 and "不存在或不属于该校" in other_school.json()["message"]
    after = (
        AccountabilityRecord.objects.count(),
        AuditEvent.objects.filter(action="accountability.recorded").count(),
    )
    assert after == before


def test_an_institution_record_from_the_page_with_its_statement_and_a_challenge_in_time(client_for):
    _campaign, phase = missing_report()
    admin = client_for("bureau_admin")
    answer = admin.post("/accountability/new/", {**payload(target="institution", measure="criticism", person_post="",
                                                           person_name=""), "links": [f"phase_report:{phase.pk}"]})  # fmt: skip
    assert answer.status_code == 302
    row = AccountabilityRecord.objects.latest("id")
    assert row.challenge_due_on == row.decided_on + dt.timedelta(days=30) and row.links.get().phase == phase
    assert admin.post(f"/accountability/{row.pk}/statement/", {"statement": ""}).status_code == 400
    assert (
        admin.post(f"/accountability/{row.pk}/statement/", {"statement": "学校说明了情况。"}).status_code
        == 302
    )
    challenged = admin.post(f"/accountability/{row.pk}/challenge/", {"filed_on": row.decided_on.isoformat(),
                                                                     "grounds": "申请复核"})  # fmt: skip
    assert challenged.status_code == 302
    row.refresh_from_db()
    assert row.state == "challenged" and row.statement == "学校说明了情况。"


def test_a_challenge_after_30_days_needs_a_reason(client_for):
    _campaign, phase = missing_report()
    row = record([{"kind": "phase_report", "id": phase.pk}])
    late = row.decided_on + dt.timedelta(days=31)
    with server_clock(timezone.now() + dt.timedelta(days=31)):
        refused = client_for("bureau_staff").post(f"/api/v1/accountability/{row.pk}/challenge/", {
            "filed_on": late.isoformat(), "grounds": "申请复核"}, content_type=JSON)  # fmt: skip
        assert (
            refused.status_code == 400 and "逾期申请须说明理由" in refused.json()["errors"]["late_reason"][0]
        )
        row.refresh_from_db()
        assert row.state == "decided" and not row.challenge_filed_on
        accepted = client_for("bureau_staff").post(f"/api/v1/accountability/{row.pk}/challenge/", {
            "filed_on": late.isoformat(), "grounds": "申请复核", "late_reason": "当事人住院"}, content_type=JSON)  # fmt: skip
        assert accepted.status_code == 200 and accepted.json()["challenge_late_reason"] == "当事人住院"


def test_names_are_shown_to_bureau_admins_only(client_for):
    _campaign, phase = missing_report()
    row = record([{"kind": "phase_report", "id": phase.pk}])
    assert client_for("bureau_admin").get(f"/api/v1/accountability/{row.pk}/").json()["person_name"] == NAME
    assert NAME in client_for("bureau_admin").get(f"/accountability/{row.pk}/").content.decode()
    staff_api = client_for("bureau_staff").get(f"/api/v1/accountability/{row.pk}/").content.decode()
    staff_page = client_for("bureau_staff").get(f"/accountability/{row.pk}/").content.decode()
    staff_list = client_for("bureau_staff").get("/accountability/").content.decode()
    assert NAME not in staff_api and NAME not in staff_page and NAME not in staff_list
    assert "仅教育局管理员可见" in staff_page
    assert client_for("inspector_alpha").get(f"/api/v1/accountability/{row.pk}/").status_code == 403
    assert client_for("alpha_admin", "alpha").get(f"/accountability/{row.pk}/").status_code == 404


def test_repeat_and_concealment_hints_state_their_reason_and_change_nothing(client_for):
    case = closed_serious_case(School.objects.get(slug="beta"))
    ExternalReport.objects.create(school=case.school, source="police", learned_at=case.first_known_at + dt.timedelta(hours=1),
                                  occurred_on=case.occurred_on, case_code=case.case_code,
                                  report_due_at=case.first_known_at + dt.timedelta(hours=25))  # fmt: skip
    first = record([{"kind": "serious_case", "id": case.pk}], school=case.school)
    second = record([{"kind": "serious_case", "id": case.pk}], school=case.school, measure="p_criticism")
    hints = {h.code: h.reason for h in selectors.hints(second, viewer=user("bureau_staff"))}
    assert set(hints) == {"repeat_school", "repeat_post", "concealed"}
    assert "已被问责 1 次" in hints["repeat_school"] and "瞒报" in hints["concealed"]
    assert "建议从重处理" in client_for("bureau_admin").get(f"/accountability/{second.pk}/").content.decode()
    second.refresh_from_db()
    assert second.measure == "p_criticism"  # suggested, never applied
    assert {h.code for h in selectors.hints(first, viewer=user("bureau_staff"))} == {"concealed"}


def test_the_evaluation_sheet_counts_the_items_scores_them_by_the_districts_points_and_exports(client_for):
    _campaign, phase = missing_report()
    record([{"kind": "phase_report", "id": phase.pk}], decided_on="2022-05-01")
    admin = client_for("bureau_admin")
    page = admin.get("/evaluation/?year=2022").content.decode()
    assert alpha().name in page
    answer = admin.get("/evaluation/export.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    alpha_row = rows[alpha().name]
    # 4 phases missing (−2 each) and one accountability record (−10) off 100.
    assert alpha_row[1] == 4 and alpha_row[3] == 4 and alpha_row[9] == 1 and alpha_row[10] == 100 - 8 - 10
    refused = client_for("bureau_staff").post("/evaluation/?year=2022", {
        "eval_base_score": 90, "eval_report_points": 1, "eval_serious_points": 5, "eval_notice_points": 2,
        "eval_summons_points": 5, "eval_accountability_points": 10})  # fmt: skip
    assert refused.status_code == 400 and "只有教育局管理员" in refused.content.decode()
    changed = admin.post("/evaluation/?year=2022", {
        "eval_base_score": 90, "eval_report_points": 1, "eval_serious_points": 5, "eval_notice_points": 2,
        "eval_summons_points": 5, "eval_accountability_points": 10})  # fmt: skip
    assert changed.status_code == 302 and DistrictSettings.current().eval_base_score == 90
    sheet = load_workbook(io.BytesIO(admin.get("/evaluation/export.xlsx?year=2022").content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[alpha().name][10] == 90 - 4 - 10
    assert AuditEvent.objects.filter(action="settings.evaluation_scores_changed").count() == 1


def test_only_bureau_staff_record(client_for):
    _campaign, phase = missing_report()
    with pytest.raises(ValidationError):
        actions.record(acting_user=user("inspector_alpha"), school=alpha(), target="institution", measure="criticism",
                       facts="x", basis="y", decided_on=timezone.localdate(), deciding_body="z",
                       links=[{"kind": "phase_report", "id": phase.pk}])  # fmt: skip
