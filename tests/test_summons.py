"""Summons (约谈): issued only for reasons the records bear out, the notice as a DOCX on both sites,
the school's acknowledgement and report, the meeting record with commitments, the district's
review; what is overdue stands out; 通报 reach every school's site. Bad input changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from oversight.summons import actions, selectors
from oversight.summons.models import Circular, Commitment, Summons
from schools.models import Notice
from tenants.models import AuditEvent
from tests.campaign_helpers import server_clock, submit
from tests.oversight_helpers import PUPIL, alpha, closed_serious_case, docx_text, missing_report, soon, user

pytestmark = pytest.mark.django_db
JSON = "application/json"


def issue(phase, *, meeting_at=None, **extra):
    data = {"school": alpha(), "reasons": [{"kind": "phase_missing", "phase": phase.pk}], "meeting_at": meeting_at or soon(),
            "place": "区教育局会议室", "summoned_posts": ["校长"], "interviewers": "安监科"}  # fmt: skip
    data.update(extra)
    return actions.issue(acting_user=user("bureau_staff"), **data)


def meeting_data(due_on):
    return {"attendees": [{"post": "校长", "name": ""}], "problems_raised": "报告未报", "school_statement": "立即整改",
            "commitments": [{"text": "补报", "owner_post": "校长", "due_on": due_on}]}  # fmt: skip


def test_a_summons_without_a_reason_is_refused_on_the_page_and_the_api(client_for):
    missing_report()
    before = Summons.objects.count(), AuditEvent.objects.filter(action="summons.issued").count()
    staff = client_for("bureau_staff")
    answer = staff.post("/api/v1/summons/", {"school": alpha().pk, "reasons": [], "meeting_at": soon().isoformat(),
                                             "place": "会议室", "summoned_posts": ["校长"], "interviewers": "安监科"},
                        content_type=JSON)  # fmt: skip
    assert answer.status_code == 400 and "至少关联一项事由" in answer.json()["errors"]["reasons"][0]
    page = staff.post("/summons/new/", {"school": alpha().pk, "meeting_at": soon().strftime("%Y-%m-%dT%H:%M"),
                                        "place": "会议室", "summoned_posts": "校长", "interviewers": "安监科"})  # fmt: skip
    assert page.status_code == 400 and "至少关联一项事由" in page.content.decode()
    assert (Summons.objects.count(), AuditEvent.objects.filter(action="summons.issued").count()) == before


def test_a_reason_the_records_do_not_bear_out_is_refused(client_for):
    campaign, phase = missing_report()
    submit("alpha", phase, dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC))  # on time
    before = Summons.objects.count()
    with pytest.raises(Exception) as refused:
        issue(phase)
    assert "不是“阶段报告未报”" in str(refused.value)
    assert Summons.objects.count() == before


def test_the_page_offers_the_schools_reasons_and_issues_with_numbering_per_year(client_for):
    _campaign, phase = missing_report()
    staff = client_for("bureau_staff")
    page = staff.get(f"/summons/new/?school={alpha().pk}").content.decode()
    assert f"phase_missing:{phase.pk}" in page and "问题突出学校" in page
    answer = staff.post("/summons/new/", {"school": alpha().pk, "reasons": [f"phase_missing:{phase.pk}"],
                                          "meeting_at": soon().strftime("%Y-%m-%dT%H:%M"), "place": "会议室",
                                          "summoned_posts": "校长、政教主任", "interviewers": "安监科"})  # fmt: skip
    assert answer.status_code == 302
    first = Summons.objects.latest("id")
    assert first.summoned_posts == ["校长", "政教主任"]
    second = issue(phase)
    assert second.year == first.year and second.sequence == first.sequence + 1
    assert second.number.endswith(f"{second.sequence}号")
    detail = staff.get(f"/summons/{first.pk}/").content.decode()
    assert "阶段报告未报" in detail and "已逾期" in detail
    # The school's admins were told on their own site.
    from django_tenants.utils import tenant_context

    with tenant_context(alpha()):
        assert Notice.objects.filter(recipient=user("alpha_admin"), link=f"/summons/{first.pk}/").exists()


def test_the_notice_docx_opens_on_both_sites_and_carries_its_fields(client_for):
    _campaign, phase = missing_report()
    summons = issue(phase, documents="专项行动台账")
    for client, url in ((client_for("bureau_staff"), f"/summons/{summons.pk}/notice.docx"),
                        (client_for("alpha_admin", "alpha"), f"/summons/{summons.pk}/notice.docx")):  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxml")
        text = docx_text(answer.content)
        for expected in (
            "约谈通知书",
            summons.number,
            alpha().name,
            "区教育局会议室",
            "校长",
            "专项行动台账",
            "（盖章）",
        ):
            assert expected in text
    assert client_for("beta_admin", "beta").get(f"/summons/{summons.pk}/notice.docx").status_code == 404


def test_only_the_schools_admin_acknowledges_and_an_overdue_acknowledgement_stands_out(client_for):
    _campaign, phase = missing_report()
    summons = issue(phase)
    staff_answer = client_for("alpha_moral", "alpha").post(f"/api/v1/summons/{summons.pk}/acknowledge/")
    assert staff_answer.status_code == 403 and "学校管理员" in staff_answer.json()["message"]
    with pytest.raises(ValidationError) as refused:  # the action checks its actor for every door
        actions.acknowledge(acting_user=user("alpha_moral"), summons=summons)
    assert "学校管理员" in refused.value.messages[0]
    before = selectors.overdue_count()
    with server_clock(summons.ack_due_at + dt.timedelta(hours=1)):
        assert selectors.overdue_count() == before + 1
        assert "逾期未签收" in client_for("alpha_admin", "alpha").get("/summons/").content.decode()
        assert "逾期未签收" in client_for("bureau_staff").get("/summons/").content.decode()
        page = client_for("alpha_admin", "alpha").post(f"/summons/{summons.pk}/acknowledge/")
    assert page.status_code == 302
    summons.refresh_from_db()
    assert summons.state == "acknowledged" and summons.acknowledged_by == user("alpha_admin")
    event = AuditEvent.objects.get(action="summons.acknowledged")
    assert event.changes["late"] is True


def test_a_meeting_record_before_the_meeting_or_a_commitment_without_deadline_is_refused(client_for):
    _campaign, phase = missing_report()
    meeting_at = soon(48)
    summons = issue(phase, meeting_at=meeting_at)
    staff = client_for("bureau_staff")
    early = staff.post(f"/api/v1/summons/{summons.pk}/meeting/", {
        **meeting_data((meeting_at + dt.timedelta(days=10)).date().isoformat())}, content_type=JSON)  # fmt: skip
    assert early.status_code == 400 and "不能早于约谈时间" in early.json()["message"]
    with server_clock(meeting_at + dt.timedelta(hours=1)):
        no_deadline = staff.post(f"/summons/{summons.pk}/meeting/", {
            "attendees": "校长 张三", "problems_raised": "报告未报", "commitments": "补报 | 校长 |"})  # fmt: skip
        assert no_deadline.status_code == 400 and "没有完成期限" in no_deadline.content.decode()
        no_post = staff.post(f"/api/v1/summons/{summons.pk}/meeting/", {
            **meeting_data((meeting_at + dt.timedelta(days=10)).date().isoformat()),
            "attendees": [{"name": "某人", "post": ""}]}, content_type=JSON)  # fmt: skip
        assert no_post.status_code == 400 and "职务" in no_post.json()["message"]
    summons.refresh_from_db()
    assert summons.state == "issued" and not Commitment.objects.filter(summons=summons).exists()
    assert not summons.recorded_at


def test_a_returned_report_is_answered_again_and_overdue_commitments_stand_out(client_for):
    _campaign, phase = missing_report()
    meeting_at = soon(2)
    summons = issue(phase, meeting_at=meeting_at)
    after = meeting_at + dt.timedelta(hours=1)
    with server_clock(after):
        actions.record_meeting(acting_user=user("bureau_staff"), summons=summons,
                               **meeting_data(after.date() + dt.timedelta(days=5)))  # fmt: skip
        school = client_for("alpha_admin", "alpha")
        empty = school.post(f"/summons/{summons.pk}/report/", {"report_text": "", "evidence": ""})
        assert empty.status_code == 400 and "请填写整改报告" in empty.content.decode()
        assert (
            school.post(
                f"/summons/{summons.pk}/report/", {"report_text": "已整改", "evidence": "制度"}
            ).status_code
            == 302
        )
        staff = client_for("bureau_staff")
        returned = staff.post(f"/summons/{summons.pk}/review/", {"accept": "0", "comment": "佐证不足"})
        assert returned.status_code == 302
    summons.refresh_from_db()
    assert summons.state == "returned"
    with server_clock(after + dt.timedelta(days=6)):
        assert any("逾期未完成" in item for item in selectors.overdue(summons))
        again = client_for("alpha_admin", "alpha").post(f"/api/v1/summons/{summons.pk}/report/", {
            "report_text": "补充整改", "evidence": "会议记录", "done": [summons.commitments.get().pk]}, content_type=JSON)  # fmt: skip
        assert again.status_code == 200 and again.json()["state"] == "reported"
        closed = client_for("bureau_staff").post(f"/api/v1/summons/{summons.pk}/review/", {"accept": True, "comment": "到位"},
                                                 content_type=JSON)  # fmt: skip
        assert closed.json()["state"] == "closed" and closed.json()["overdue"] == []
    twice = client_for("bureau_staff").post(f"/api/v1/summons/{summons.pk}/review/", {"accept": True, "comment": "到位"},
                                            content_type=JSON)  # fmt: skip
    assert twice.status_code == 400 and "不能进行此操作" in twice.json()["message"]


def test_a_serious_case_flag_is_a_reason_with_its_figure():
    from oversight.serious_cases.models import ExternalReport

    case = closed_serious_case()
    ExternalReport.objects.create(school=case.school, source="police", learned_at=case.first_known_at + dt.timedelta(hours=1),
                                  occurred_on=case.occurred_on, case_code=case.case_code,
                                  report_due_at=case.first_known_at + dt.timedelta(hours=25))  # fmt: skip
    summons = actions.issue(acting_user=user("bureau_staff"), school=case.school, meeting_at=soon(), place="会议室",
                            summoned_posts=["校长"], interviewers="安监科",
                            reasons=[{"kind": "serious_concealed", "serious_case": case.pk}])  # fmt: skip
    assert summons.reasons.get().serious_case == case and "公安机关" in summons.reasons.get().figure


def test_a_circular_reaches_every_schools_site_and_a_pupils_name_is_refused(client_for):
    closed_serious_case()  # alpha now knows the pupil by name
    before = Circular.objects.count()
    staff = client_for("bureau_staff")
    refused = staff.post("/api/v1/circulars/", {"title": "通报", "body": f"{PUPIL}被欺凌"}, content_type=JSON)
    assert refused.status_code == 400 and PUPIL not in refused.content.decode()
    assert Circular.objects.count() == before
    page = staff.post("/circulars/", {"title": "", "body": "内容"})
    assert page.status_code == 400 and "请填写通报标题" in page.content.decode()
    _campaign, phase = missing_report()
    summons = issue(phase)
    assert summons.number in staff.get("/circulars/").content.decode()
    answer = staff.post("/circulars/", {"title": "关于阶段报告逾期情况的通报", "body": "部分学校阶段报告逾期未报。",
                                        "summons": summons.pk})  # fmt: skip
    assert answer.status_code == 302 and Circular.objects.latest("id").summons == summons
    for slug in ("alpha", "beta"):
        assert (
            "关于阶段报告逾期情况的通报"
            in client_for(f"{slug}_admin", slug).get("/circulars/").content.decode()
        )
    assert (
        client_for("beta_admin", "beta").get("/api/v1/circulars/").json()[0]["title"]
        == "关于阶段报告逾期情况的通报"
    )
    assert Circular.objects.count() == before + 1
