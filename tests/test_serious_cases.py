"""Serious cases reported up to the district: a school files its 首报, 续报 and 结案报告 on its own site
(de-identified, gated, immutable, hash-chained); the district's register shows each case's flags
(迟报, 漏报, 续报逾期, 瞒报) from the server clock at the moment of reading; district appeals are
recorded, decided with reasons and answered by the school. Time moves with `server_clock`."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from oversight.appeals import actions as appeals
from oversight.appeals.models import DistrictAppeal
from oversight.serious_cases import actions as district
from oversight.serious_cases import selectors
from oversight.serious_cases.models import ExternalReport, SeriousCase, SeriousCaseReport
from oversight.verify import verify_serious_reports
from schools.actions import incidents, serious_reports
from schools.models import Incident, IncidentParty
from tenants.models import School, User
from tests.campaign_helpers import SHANGHAI, server_clock
from tests.conftest import host
from tests.oversight_helpers import handle_for_closing

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI)
ACCOUNT = "课间在操场发生肢体冲突，一名学生受伤，已送医并通知家长，学校已启动调查。"
PUPIL = "欧阳晓雯"


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


def serious_incident(school, *, at=T0, severity="serious", username="alpha_admin"):
    """An incident recorded at `at` and determined serious an hour later, by the server clock."""
    admin = user(username)
    with tenant_context(school):
        with server_clock(at):
            incident = incidents.record_incident(acting_user=admin, source="teacher", occurred_at=at - dt.timedelta(hours=2),
                                                 place="操场", summary="推搡致伤")  # fmt: skip
            IncidentParty.objects.create(incident=incident, student_name=PUPIL, grade="五年级", class_name="五年级2班",
                                         role="victim")  # fmt: skip
        with server_clock(at + dt.timedelta(hours=1)):
            incident = incidents.open_investigation(
                acting_user=admin, incident=incident, opened_on=at.date(), expected_version=incident.version
            )
            incident = incidents.determine(acting_user=admin, incident=incident, determination="bullying", kinds=["physical"],
                                           severity=severity, determined_on=at.date(), findings="致伤",
                                           expected_version=incident.version)  # fmt: skip
        return Incident.objects.get(pk=incident.pk)


def file(school, incident, kind="first", at=None, account=ACCOUNT, **extra):
    with tenant_context(school), server_clock(at or T0 + dt.timedelta(hours=3)):
        return serious_reports.file_report(acting_user=user("alpha_admin"), incident=incident, kind=kind,
                                           place_category="playground", account=account, **extra)  # fmt: skip


def flags_at(moment, school=None):
    views = selectors.register(viewer=user("bureau_staff"), now=moment)
    return {(view.case.case_code if view.case else "external"): view.flag_codes for view in views
            if school is None or (view.case or view.external[0]).school_id == school.pk}  # fmt: skip


def test_a_serious_case_reaches_the_register_when_it_is_determined_and_its_deadline_counts_from_first_knowledge(
    alpha,
):
    incident = serious_incident(alpha)
    case = SeriousCase.objects.get(school=alpha, incident_id=incident.pk)
    assert case.case_code == incident.code and case.first_known_at == T0
    assert case.report_due_at == T0 + dt.timedelta(hours=24)
    assert incident.upward_report_due_at == case.report_due_at
    assert any("新的严重欺凌事件待报" in m.subject for m in mail.outbox) or not User.objects.filter(
        district_memberships__isnull=False).exclude(email="").exists()  # fmt: skip


def test_missing_shows_the_moment_the_deadline_passes_without_any_write(alpha):
    incident = serious_incident(alpha)
    assert flags_at(T0 + dt.timedelta(hours=23, minutes=59), alpha)[incident.code] == []
    late = flags_at(T0 + dt.timedelta(hours=24, minutes=1), alpha)[incident.code]
    assert late == ["missing"]
    view = selectors.register(viewer=user("bureau_staff"), now=T0 + dt.timedelta(hours=30))[0]
    assert "至今未报" in view.flags[0].reason and "6 小时" in view.flags[0].reason


def test_a_late_first_report_is_flagged_with_how_late_and_an_on_time_one_is_not(alpha):
    incident = serious_incident(alpha)
    report = file(alpha, incident, at=T0 + dt.timedelta(hours=30, minutes=15))
    assert report.is_late and report.due_at == T0 + dt.timedelta(hours=24)
    view = selectors.register(viewer=user("bureau_staff"), now=T0 + dt.timedelta(days=2))[0]
    assert view.flag_codes == ["late"]
    assert "迟报 6 小时 15 分钟" in view.flags[0].reason
    with tenant_context(alpha):
        assert Incident.objects.get(pk=incident.pk).upward_reported_at == T0 + dt.timedelta(
            hours=30, minutes=15
        )


def test_a_change_after_the_first_report_asks_for_a_follow_up_which_goes_overdue(alpha):
    incident = serious_incident(alpha)
    file(alpha, incident, at=T0 + dt.timedelta(hours=3))
    changed = T0 + dt.timedelta(days=2)
    with tenant_context(alpha), server_clock(changed):
        party = IncidentParty.objects.get(incident=incident)
        incidents.add_measure(acting_user=user("alpha_admin"), party=party, kind="police_admonition",
                              decided_on=changed.date())  # fmt: skip
    case = SeriousCase.objects.get(incident_id=incident.pk, school=alpha)
    assert case.follow_up_due_at == changed + dt.timedelta(hours=24)
    assert flags_at(changed + dt.timedelta(hours=23), alpha)[incident.code] == []
    assert flags_at(changed + dt.timedelta(hours=25), alpha)[incident.code] == ["follow_up_overdue"]
    # The school may not close the incident while the 续报 is due.
    with (
        tenant_context(alpha),
        server_clock(changed + dt.timedelta(hours=2)),
        pytest.raises(ValidationError) as refused,
    ):
        incidents.close(
            acting_user=user("alpha_admin"),
            incident=(current := Incident.objects.get(pk=incident.pk)),
            closing_summary="结案",
            expected_version=current.version,
        )
    assert "续报" in refused.value.messages[0]
    follow_up = file(alpha, incident, "follow_up", at=changed + dt.timedelta(hours=5),
                     account="公安机关已对实施者予以训诫，学校继续跟踪。")  # fmt: skip
    assert follow_up.police_involved and "police_admonition" in follow_up.measures and not follow_up.is_late
    assert flags_at(changed + dt.timedelta(hours=30), alpha)[incident.code] == []


def test_first_follow_up_and_closing_reports_chain_and_verify(alpha):
    incident = serious_incident(alpha)
    with tenant_context(alpha), server_clock(T0 + dt.timedelta(hours=2)):
        handle_for_closing(user("alpha_admin"), incident)
    first = file(alpha, incident, at=T0 + dt.timedelta(hours=3))
    follow_up = file(
        alpha,
        incident,
        "follow_up",
        at=T0 + dt.timedelta(hours=20),
        account="受害学生已返校，心理老师跟进辅导。",
    )
    with tenant_context(alpha), server_clock(T0 + dt.timedelta(days=3)):
        incidents.close(
            acting_user=user("alpha_admin"),
            incident=(current := Incident.objects.get(pk=incident.pk)),
            closing_summary="已处理",
            expected_version=current.version,
            follow_up_waiver="双方已毕业离校",
        )
    closing = file(
        alpha, incident, "closing", at=T0 + dt.timedelta(days=3, hours=2), account="事件处置完毕，已结案。"
    )
    assert follow_up.prev_hash == first.content_hash and closing.prev_hash == follow_up.content_hash
    assert [r.kind for r in SeriousCase.objects.get(pk=first.case_id).reports.order_by("number")] == [
        "first", "follow_up", "closing"]  # fmt: skip
    checked, problems = verify_serious_reports()
    assert checked >= 3 and problems == []
    SeriousCaseReport.objects.filter(pk=follow_up.pk).update(account="事后改写的内容")
    _checked, problems = verify_serious_reports()
    assert any("内容哈希不符" in problem for problem in problems)


def test_suspected_concealment_when_the_district_learned_first_and_the_school_knew_earlier(alpha):
    incident = serious_incident(alpha)
    learned = T0 + dt.timedelta(hours=10)
    with server_clock(learned + dt.timedelta(minutes=5)):
        district.record_external(acting_user=user("bureau_staff"), school=alpha, source="police", learned_at=learned,
                                 occurred_on=incident.occurred_at.astimezone(SHANGHAI).date(), source_detail="派出所通报")  # fmt: skip
    file(alpha, incident, at=T0 + dt.timedelta(hours=20))
    view = selectors.register(viewer=user("bureau_staff"), now=T0 + dt.timedelta(days=2))[0]
    assert view.flag_codes == ["concealed"]
    assert "公安机关" in view.flags[0].reason and "首报于" in view.flags[0].reason


def test_a_case_learned_elsewhere_that_the_school_never_registered_is_missing_after_the_limit(alpha):
    learned = T0
    with server_clock(T0 + dt.timedelta(minutes=1)):
        district.record_external(acting_user=user("bureau_staff"), school=alpha, source="media", learned_at=learned,
                                 occurred_on=T0.date(), source_detail="本地公众号")  # fmt: skip
    assert flags_at(T0 + dt.timedelta(hours=23), alpha) == {"external": []}
    assert flags_at(T0 + dt.timedelta(hours=25), alpha) == {"external": ["missing"]}


# --- bad input: a clear translated error, nothing changed ----------------------------------------


def _counts():
    return SeriousCaseReport.objects.count(), ExternalReport.objects.count(), DistrictAppeal.objects.count()


def test_a_report_with_a_name_is_refused_and_nothing_is_filed(alpha):
    incident = serious_incident(alpha)
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        file(alpha, incident, account=f"受害学生{PUPIL}在操场被推倒。")
    assert "本校已知的学生姓名" in refused.value.message_dict["account"][0] and PUPIL not in str(
        refused.value
    )
    # Staff names are refused in case texts too (a 班主任 points to the class).
    with pytest.raises(ValidationError):
        file(alpha, incident, account="班主任alpha_head_teacher已处理。")
    assert _counts() == before


def test_reports_out_of_order_or_for_a_case_that_is_not_serious_are_refused(alpha):
    minor = serious_incident(alpha, severity="minor")
    with pytest.raises(ValidationError) as refused:
        file(alpha, minor)
    assert "不属于须上报的事件" in refused.value.messages[0]
    incident = serious_incident(alpha, at=T0 + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        file(alpha, incident, "follow_up", at=T0 + dt.timedelta(days=1, hours=3))
    assert "尚未报送首报" in refused.value.message_dict["kind"][0]
    file(alpha, incident, at=T0 + dt.timedelta(days=1, hours=3))
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        file(alpha, incident, at=T0 + dt.timedelta(days=1, hours=4))
    assert "已报送首报" in refused.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as refused:
        file(alpha, incident, "closing", at=T0 + dt.timedelta(days=1, hours=4))
    assert "结案后" in refused.value.message_dict["kind"][0]
    assert _counts() == before


def test_a_school_may_not_close_an_incident_whose_first_report_is_missing(alpha):
    incident = serious_incident(alpha)
    with (
        tenant_context(alpha),
        server_clock(T0 + dt.timedelta(hours=5)),
        pytest.raises(ValidationError) as refused,
    ):
        incidents.close(
            acting_user=user("alpha_admin"),
            incident=incident,
            closing_summary="结案",
            expected_version=incident.version,
        )
    assert "首报" in refused.value.messages[0]
    with tenant_context(alpha):
        assert Incident.objects.get(pk=incident.pk).stage != "closed"


def test_a_record_of_a_case_learned_elsewhere_needs_a_source():
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        district.record_external(acting_user=user("bureau_staff"), school=School.objects.get(slug="alpha"), source="",
                                 learned_at=T0, occurred_on=T0.date())  # fmt: skip
    assert "信息来源" in refused.value.message_dict["source"][0]
    with pytest.raises(ValidationError):
        district.record_external(acting_user=user("alpha_admin"), school=School.objects.get(slug="alpha"),
                                 source="police", learned_at=T0, occurred_on=T0.date())  # fmt: skip
    assert _counts() == before


# --- pages and API -----------------------------------------------------------------------------


def test_the_school_files_through_its_page_and_the_district_sees_the_register_timeline_and_export(
    alpha, client_for
):
    incident = serious_incident(alpha)
    school = client_for("alpha_admin", "alpha")
    page = school.get(f"/incidents/{incident.pk}/").content.decode()
    assert "报送区教育局" in page
    bad = school.post(f"/incidents/{incident.pk}/serious-reports/", {"kind": "first", "place_category": "playground",
                      "public_attention": "none", "account": f"{PUPIL}受伤"})  # fmt: skip
    assert bad.status_code == 400 and "本校已知的学生姓名" in bad.content.decode()
    assert not SeriousCaseReport.objects.exists()
    wide = school.post(f"/incidents/{incident.pk}/serious-reports/", {"kind": "first", "place_category": "playground",
                       "public_attention": "wide", "account": ACCOUNT})  # fmt: skip
    assert wide.status_code == 400 and "舆情渠道" in wide.content.decode()
    ok = school.post(f"/incidents/{incident.pk}/serious-reports/", {"kind": "first", "place_category": "playground",
                     "public_attention": "local", "attention_channel": "家长微信群", "account": ACCOUNT})  # fmt: skip
    assert ok.status_code == 302
    page = school.get(f"/incidents/{incident.pk}/").content.decode()
    assert "首报" in page and "续报" in page  # the timeline, and the next report offered
    bureau = client_for("bureau_staff")
    register = bureau.get("/serious-cases/").content.decode()
    assert incident.code in register and alpha.name in register
    case = SeriousCase.objects.get(school=alpha, incident_id=incident.pk)
    detail = bureau.get(f"/serious-cases/{case.pk}/").content.decode()
    assert "学校知悉" in detail and "家长微信群" in detail and PUPIL not in detail
    assert bureau.get("/serious-cases/?since=2026-06-01&until=2026-05-01").status_code == 400
    export = bureau.get("/serious-cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0][1] == alpha.name and rows[0][2] == incident.code
    assert client_for("alpha_admin", "alpha").get("/serious-cases/", HTTP_HOST=host()).status_code in (
        302,
        403,
        404,
    )


def test_the_api_files_reports_refuses_another_schools_case_and_lists_flags(alpha, client_for):
    incident = serious_incident(alpha)
    school = client_for("alpha_admin", "alpha")
    body = {"kind": "follow_up", "place_category": "playground", "account": ACCOUNT}
    refused = school.post(
        f"/api/v1/incidents/{incident.pk}/serious-reports/", body, content_type="application/json"
    )
    assert refused.status_code == 400 and "尚未报送首报" in refused.json()["errors"]["kind"][0]
    other = client_for("beta_admin", "beta")
    assert other.post(f"/api/v1/incidents/{incident.pk}/serious-reports/", {**body, "kind": "first"},
                      content_type="application/json").status_code == 404  # fmt: skip
    filed = school.post(f"/api/v1/incidents/{incident.pk}/serious-reports/", {**body, "kind": "first"},
                        content_type="application/json")  # fmt: skip
    assert filed.status_code == 200, filed.content
    own = school.get("/api/v1/serious-cases/").json()["results"]
    assert own[0]["case_code"] == incident.code and own[0]["reports"][0]["kind"] == "first"
    assert other.get("/api/v1/serious-cases/").json()["results"] == []
    bureau = client_for("bureau_staff")
    listed = bureau.get("/api/v1/serious-cases/", {"school": alpha.pk}).json()["results"]
    assert listed[0]["case_code"] == incident.code
    missing_source = bureau.post("/api/v1/serious-cases/", {"school": alpha.pk, "learned_at": T0.isoformat(),
                                 "occurred_on": "2026-05-11"}, content_type="application/json")  # fmt: skip
    assert missing_source.status_code == 400 and "信息来源" in missing_source.json()["errors"]["source"][0]
    assert client_for("inspector_alpha").get("/api/v1/serious-cases/").status_code == 403


# --- district appeals --------------------------------------------------------------------------


def test_an_appeal_is_recorded_decided_in_time_and_the_school_records_what_it_changed(alpha, client_for):
    incident = serious_incident(alpha)
    bureau = client_for("bureau_staff")
    made = bureau.post("/appeals/new/", {"school": alpha.pk, "case_code": incident.code, "subject": "determination",
                       "channel": "letter", "received_on": dt.date.today().isoformat(),
                       "grounds": "家长认为认定结论过轻，请求复查。"})  # fmt: skip
    assert made.status_code == 302
    appeal = DistrictAppeal.objects.get(case_code=incident.code)
    assert appeal.due_on == appeal.received_on + dt.timedelta(days=15)
    decided = bureau.post(f"/appeals/{appeal.pk}/decide/", {"state": "changed", "reasons": "认定程序不完整，变更为需补充调查。",
                          "version": appeal.version})  # fmt: skip
    assert decided.status_code == 302
    school = client_for("alpha_admin", "alpha")
    page = school.get("/appeals/").content.decode()
    assert "变更" in page and "登记整改情况" in page
    responded = school.post(
        f"/appeals/{appeal.pk}/respond/", {"response": "已补充调查并重新召开欺凌治理委员会会议。"}
    )
    assert responded.status_code == 302
    appeal.refresh_from_db()
    assert appeal.school_responded_at is not None
    assert client_for("beta_admin", "beta").post(f"/api/v1/appeals/{appeal.pk}/respond/", {"response": "x"},
                                                 content_type="application/json").status_code == 404  # fmt: skip


def test_a_decision_past_the_deadline_needs_a_reason_for_the_delay(alpha, client_for):
    incident = serious_incident(alpha)
    received = dt.date(2026, 5, 12)
    with server_clock(T0 + dt.timedelta(days=1)):
        appeal = appeals.record_appeal(acting_user=user("bureau_staff"), school=alpha, case_code=incident.code,
                                       subject="handling", channel="visit", received_on=received, grounds="对处分有异议。")  # fmt: skip
    with server_clock(T0 + dt.timedelta(days=20)):
        assert selectors_overdue(appeal)
        with pytest.raises(ValidationError) as refused:
            appeals.decide(
                acting_user=user("bureau_staff"), appeal=appeal, state="upheld", reasons="处分适当。"
            )
        assert "逾期原因" in refused.value.message_dict["delay_reason"][0]
        appeal.refresh_from_db()
        assert appeal.state == "pending"
        decided = appeals.decide(acting_user=user("bureau_staff"), appeal=appeal, state="upheld", reasons="处分适当。",
                                 delay_reason="需等待公安机关调查结论。")  # fmt: skip
    assert decided.state == "upheld" and decided.delay_reason
    api = client_for("bureau_staff").post(f"/api/v1/appeals/{appeal.pk}/decide/", {"state": "changed", "reasons": "x",
                                          "version": decided.version}, content_type="application/json")  # fmt: skip
    assert api.status_code == 400


def selectors_overdue(appeal):
    from oversight.appeals.selectors import is_overdue

    return is_overdue(appeal)


def test_an_appeal_for_an_unknown_case_is_refused(alpha):
    with pytest.raises(ValidationError) as refused:
        appeals.record_appeal(acting_user=user("bureau_staff"), school=alpha, case_code="NOPE-1", subject="handling",
                              channel="visit", received_on=dt.date(2026, 5, 1), grounds="异议")  # fmt: skip
    assert "没有编号" in refused.value.message_dict["case_code"][0]
    assert not DistrictAppeal.objects.exists()


def test_bureau_staff_are_told_once_when_a_deadline_passes(alpha, django_capture_on_commit_callbacks):
    from oversight.serious_cases.tasks import notify_passed_deadlines

    User.objects.filter(username="bureau_staff").update(email="staff@bureau.example.cn")
    incident = serious_incident(alpha)
    mail.outbox.clear()
    with server_clock(T0 + dt.timedelta(hours=23)), django_capture_on_commit_callbacks(execute=True):
        assert notify_passed_deadlines() == 0
    with server_clock(T0 + dt.timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True):
        assert notify_passed_deadlines() == 1
    assert len(mail.outbox) == 1 and incident.code in mail.outbox[0].body and "首报" in mail.outbox[0].body
    with server_clock(T0 + dt.timedelta(hours=26)), django_capture_on_commit_callbacks(execute=True):
        assert notify_passed_deadlines() == 0
    assert len(mail.outbox) == 1
