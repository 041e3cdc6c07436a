"""An incident from intake to closure through the pages, and every refusal along the way."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import AuditEvent, Incident, IncidentParty, Notice
from tenants.models import School

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def local(days_ago=0, hour=10):
    moment = timezone.localtime() - dt.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


def record(client, **overrides):
    data = {"source": "teacher", "reporter": "王老师", "occurred_at": local(2), "place": "操场",
            "summary": "课间推搡并辱骂。", **overrides}  # fmt: skip
    return client.post("/incidents/new/", data)


def latest(alpha) -> Incident:
    with tenant_context(alpha):
        return Incident.objects.order_by("-id").first()


def step(client, incident, path, **data):
    if path == "close":
        data.setdefault("confirmed", "on")  # the page asks the user to confirm the checklist
    return client.post(f"/incidents/{incident.pk}/{path}/", data)


def test_an_incident_goes_from_intake_to_closure_in_the_browser_pages(admin, alpha):
    assert record(admin).status_code == 302
    incident = latest(alpha)
    assert incident.stage == "intake" and incident.code.startswith(f"{TODAY.year}-")

    assert step(admin, incident, "parties", student_name="张三", grade="三年级", class_name="1班",
                role="perpetrator").status_code == 302  # fmt: skip
    assert step(admin, incident, "parties", student_name="李四", grade="三年级", class_name="1班", role="victim",
                family_notified_at=local(1)).status_code == 302  # fmt: skip
    assert step(admin, incident, "open", opened_on=(TODAY - dt.timedelta(days=1)).isoformat(),
                version=1).status_code == 302  # fmt: skip
    incident = latest(alpha)
    assert incident.stage == "investigating"
    assert incident.investigation_due_on == TODAY - dt.timedelta(days=1) + dt.timedelta(days=10)

    assert step(admin, incident, "determine", determination="bullying", kinds=["physical", "verbal"],
                severity="minor", determined_on=TODAY.isoformat(), findings="多次推搡、辱骂，情节轻微。",
                version=incident.version).status_code == 302  # fmt: skip
    incident = latest(alpha)
    assert (incident.stage, incident.kinds, incident.severity) == (
        "determined",
        ["physical", "verbal"],
        "minor",
    )

    with tenant_context(alpha):
        perpetrator = IncidentParty.objects.get(incident=incident, role="perpetrator")
        victim = IncidentParty.objects.get(incident=incident, role="victim")
    assert step(admin, incident, "measures", party=perpetrator.pk, kind="criticism",
                decided_on=TODAY.isoformat()).status_code == 302  # fmt: skip
    assert latest(alpha).stage == "handling"
    assert step(admin, incident, "support", party=victim.pk, kind="counselling", held_on=TODAY.isoformat(),
                provided_by="心理老师", notes="情绪平稳").status_code == 302  # fmt: skip
    assert step(admin, incident, "follow-ups", due_on=TODAY.isoformat()).status_code == 302
    assert latest(alpha).stage == "follow_up"

    # Closing with a follow-up still open is refused, with the reason on the page.
    response = step(admin, incident, "close", closing_summary="处理完毕", version=latest(alpha).version)
    assert response.status_code == 400
    assert "还有未完成的追踪辅导" in response.content.decode()

    # The perpetrator's family is told later: the party stays editable until the case closes.
    assert step(admin, incident, "parties/edit", party=perpetrator.pk, grade="三年级", class_name="1班",
                family_notified_at=local(0, hour=0), version=perpetrator.version).status_code == 302  # fmt: skip
    with tenant_context(alpha):
        follow_up = incident.follow_ups.get()
    assert step(admin, incident, "follow-ups/done", follow_up=follow_up.pk, done_on=TODAY.isoformat(),
                notes="关系改善").status_code == 302  # fmt: skip
    assert step(admin, incident, "close", closing_summary="双方和解，持续关注。",
                version=latest(alpha).version).status_code == 302  # fmt: skip
    incident = latest(alpha)
    assert incident.stage == "closed" and incident.closed_on == TODAY

    with tenant_context(alpha):
        actions = list(AuditEvent.objects.filter(object_type="incident", object_id=str(incident.pk))
                       .order_by("id").values_list("action", flat=True))  # fmt: skip
        stage_change = AuditEvent.objects.get(object_id=str(incident.pk), action="incident.investigating")
    assert actions == ["incident.recorded", "incident.investigating", "incident.determined", "incident.handling",
                       "incident.follow_up", "incident.closed"]  # fmt: skip
    assert step(admin, incident, "parties/edit", party=perpetrator.pk, grade="三年级", class_name="2班",
                version=perpetrator.version + 1).status_code == 400  # closed: the parties are final  # fmt: skip
    assert stage_change.changes["stage"] == {"old": "intake", "new": "investigating"}
    assert stage_change.actor.username == "alpha_admin"

    page = admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert "已结案" in page and "张三" in page


def test_a_transition_out_of_order_is_refused_and_changes_nothing(admin, alpha):
    record(admin)
    incident = latest(alpha)
    response = step(admin, incident, "determine", determination="not_bullying", determined_on=TODAY.isoformat(),
                    findings="打闹", version=incident.version)  # fmt: skip
    assert response.status_code == 400
    assert "不能直接进入" in response.content.decode()
    assert latest(alpha).stage == "intake"


def test_a_second_determination_is_refused(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)
    data = {"determination": "not_bullying", "determined_on": TODAY.isoformat(), "findings": "打闹嬉戏"}
    assert step(admin, incident, "determine", version=2, **data).status_code == 302
    response = step(admin, incident, "determine", version=3, **data)
    assert response.status_code == 400
    assert "不能重复认定" in response.content.decode()


def test_bullying_needs_a_kind_and_a_severity(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)
    response = step(admin, incident, "determine", determination="bullying", determined_on=TODAY.isoformat(),
                    findings="x", version=2)  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "请至少选择一种欺凌类型" in body and "请选择严重程度" in body
    assert latest(alpha).determination == ""


def test_an_incident_in_the_future_is_refused(admin, alpha):
    with tenant_context(alpha):
        count = Incident.objects.count()
    response = record(
        admin, occurred_at=(timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == 400  # refused, shown again with the reason
    assert "发生时间不能晚于现在" in response.content.decode()
    with tenant_context(alpha):
        assert Incident.objects.count() == count


def test_a_stale_edit_is_refused(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)  # now version 2
    response = step(admin, incident, "close", closing_summary="x", version=1)
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()


def test_a_party_from_another_incident_is_refused(admin, alpha):
    record(admin)
    first = latest(alpha)
    step(admin, first, "parties", student_name="甲", grade="三年级", class_name="1班", role="perpetrator")
    record(admin)
    second = latest(alpha)
    with tenant_context(alpha):
        foreign = IncidentParty.objects.get(incident=first)
    step(admin, second, "open", opened_on=TODAY.isoformat(), version=1)
    step(admin, second, "determine", determination="bullying", kinds=["verbal"], severity="minor",
         determined_on=TODAY.isoformat(), findings="x", version=2)  # fmt: skip
    response = step(
        admin, second, "measures", party=foreign.pk, kind="criticism", decided_on=TODAY.isoformat()
    )
    assert response.status_code == 400
    assert "不属于此事件" in response.content.decode()


def test_voiding_keeps_the_record_for_admins_only(admin, client_for, alpha):
    record(admin)
    incident = latest(alpha)
    assert step(admin, incident, "void", voided_reason="").status_code == 400
    assert step(admin, incident, "void", voided_reason="重复登记").status_code == 302
    with tenant_context(alpha):
        assert Incident.objects.filter(pk=incident.pk, voided_reason="重复登记").exists()
    assert admin.get(f"/incidents/{incident.pk}/").status_code == 200
    assert client_for("alpha_moral", "alpha").get(f"/incidents/{incident.pk}/").status_code == 403


def test_a_serious_case_shows_its_report_deadline_and_notifies_admins(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)
    step(admin, incident, "determine", determination="bullying", kinds=["physical"], severity="serious",
         determined_on=TODAY.isoformat(), findings="致伤", version=2)  # fmt: skip
    incident = latest(alpha)
    assert incident.upward_report_due_at is not None
    hours = (incident.upward_report_due_at - timezone.now()).total_seconds() / 3600
    assert 23 < hours <= 24
    page = admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert "该事件须在规定时限内向区教育局报送首报" in page and "报送区教育局" in page
    with tenant_context(alpha):
        assert Notice.objects.filter(title__contains=incident.code).exists()
    assert step(admin, incident, "close", closing_summary="x", version=3).status_code == 400
    first = step(admin, incident, "serious-reports", kind="first", place_category="playground",
                 public_attention="none", account="课间在操场发生肢体冲突，一名学生受伤，已送医并通知家长。")  # fmt: skip
    assert first.status_code == 302
    assert latest(alpha).upward_reported_at is not None


def test_the_gate_guard_can_log_but_cannot_see_parties(client_for, admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "parties", student_name="王五", grade="三年级", class_name="2班", role="victim")
    gate = client_for("alpha_gate", "alpha")
    assert gate.get(f"/incidents/{incident.pk}/").status_code == 403
    assert record(gate).status_code == 302
    own = latest(alpha)
    page = gate.get(f"/incidents/{own.pk}/").content.decode()
    assert "您的岗位无权查看当事学生信息" in page
    assert step(gate, own, "open", opened_on=TODAY.isoformat(), version=1).status_code == 403


def test_a_head_teacher_sees_parties_of_incidents_in_their_own_class_only(client_for, admin, alpha):
    record(admin)
    own_class = latest(alpha)
    step(
        admin,
        own_class,
        "parties",
        student_name="赵六",
        grade="三年级",
        class_name="三年级1班",
        role="victim",
    )
    record(admin)
    other_class = latest(alpha)
    step(
        admin,
        other_class,
        "parties",
        student_name="钱七",
        grade="四年级",
        class_name="四年级2班",
        role="victim",
    )
    teacher = client_for("alpha_head_teacher", "alpha")
    assert "赵六" in teacher.get(f"/incidents/{own_class.pk}/").content.decode()
    assert teacher.get(f"/incidents/{other_class.pk}/").status_code == 403


def test_counselling_notes_are_for_the_counsellor_and_admins(client_for, admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(
        admin, incident, "parties", student_name="孙八", grade="三年级", class_name="三年级1班", role="victim"
    )
    step(
        admin,
        incident,
        "parties",
        student_name="周九",
        grade="三年级",
        class_name="三年级1班",
        role="perpetrator",
    )
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)
    step(admin, incident, "determine", determination="bullying", kinds=["social"], severity="minor",
         determined_on=TODAY.isoformat(), findings="孤立", version=2)  # fmt: skip
    with tenant_context(alpha):
        victim = IncidentParty.objects.get(incident=incident, role="victim")
    step(admin, incident, "support", party=victim.pk, kind="counselling", held_on=TODAY.isoformat(),
         provided_by="alpha_counsellor", notes="保密记录XYZ")  # fmt: skip
    assert (
        "保密记录XYZ"
        in client_for("alpha_counsellor", "alpha").get(f"/incidents/{incident.pk}/").content.decode()
    )
    assert "保密记录XYZ" in admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert (
        "保密记录XYZ"
        not in client_for("alpha_head_teacher", "alpha").get(f"/incidents/{incident.pk}/").content.decode()
    )


def test_a_family_appeal_is_recorded_with_its_own_deadline(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=1)
    step(admin, incident, "determine", determination="not_bullying", determined_on=TODAY.isoformat(),
         findings="打闹", version=2)  # fmt: skip
    assert step(admin, incident, "appeals", subject="determination", filed_on=TODAY.isoformat(), filed_by="李四家长",
                grounds="认为构成欺凌").status_code == 302  # fmt: skip
    with tenant_context(alpha):
        appeal = incident.appeals.get()
    assert appeal.due_on == TODAY + dt.timedelta(days=15)
    assert (
        step(admin, incident, "close", closing_summary="x", version=latest(alpha).version).status_code == 400
    )
    assert step(admin, incident, "appeals/decide", appeal=appeal.pk, status="upheld",
                outcome="维持原认定").status_code == 302  # fmt: skip
    assert step(admin, incident, "close", closing_summary="申诉已答复，结案。",
                version=latest(alpha).version).status_code == 302  # fmt: skip


def test_a_discipline_appeal_is_due_in_working_days_and_needs_a_discipline(admin, alpha):
    from schools.actions.incidents import add_working_days

    record(admin)
    incident = latest(alpha)
    step(
        admin, incident, "parties", student_name="王五", grade="三年级", class_name="2班", role="perpetrator"
    )
    step(admin, incident, "open", opened_on=TODAY.isoformat(), version=latest(alpha).version)
    step(admin, incident, "determine", determination="bullying", kinds=["verbal"], severity="minor",
         determined_on=TODAY.isoformat(), findings="辱骂", version=latest(alpha).version)  # fmt: skip
    refused = step(admin, incident, "appeals", subject="discipline", filed_on=TODAY.isoformat(), filed_by="王五家长",
                   grounds="处分过重")  # fmt: skip
    assert refused.status_code == 400 and "尚未登记处分或教育惩戒" in refused.content.decode()
    with tenant_context(alpha):
        party = incident.parties.get()
    step(admin, incident, "measures", party=party.pk, kind="warning", decided_on=TODAY.isoformat())
    assert step(admin, incident, "appeals", subject="discipline", filed_on=TODAY.isoformat(), filed_by="王五家长",
                grounds="处分过重").status_code == 302  # fmt: skip
    with tenant_context(alpha):
        appeal = incident.appeals.get()
    assert appeal.subject == "discipline" and appeal.due_on == add_working_days(TODAY, 15)
    # Fifteen working days span three weekends.
    assert add_working_days(dt.date(2026, 5, 8), 15) == dt.date(2026, 5, 29)


def test_another_schools_user_cannot_touch_an_incident(admin, client_for, alpha):
    record(admin)
    incident = latest(alpha)
    assert (
        client_for("beta_admin", "alpha")
        .post(f"/incidents/{incident.pk}/void/", {"voided_reason": "x"})
        .status_code
        == 403
    )
    assert latest(alpha).voided_at is None


def test_the_dashboard_lists_an_overdue_investigation(admin, alpha):
    record(admin)
    incident = latest(alpha)
    step(admin, incident, "open", opened_on=(TODAY - dt.timedelta(days=1)).isoformat(), version=1)
    with tenant_context(alpha):
        Incident.objects.filter(pk=incident.pk).update(investigation_due_on=TODAY - dt.timedelta(days=1))
    page = admin.get("/").content.decode()
    assert "调查认定逾期" in page and incident.code in page


def test_the_dashboard_shows_this_semesters_duties_done_against_required(admin):
    page = admin.get("/").content.decode()
    assert 'id="duty-summary"' in page
    assert "0 / 1" in page  # no whole-school survey yet this semester
