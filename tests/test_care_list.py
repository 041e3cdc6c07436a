"""The care list (重点关注学生) through the pages: who may see it, each change with its history,
and every refusal changing nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import AuditEvent, CareEntry, CareTalk, GovernanceMember, Notice
from tenants.models import School, User

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OWN_CLASS = "三年级1班"  # alpha_head_teacher's class


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


def entry_data(**overrides):
    return {"student_name": "李小明", "grade": "三年级", "class_name": OWN_CLASS,
            "signs": ["grades_drop", "emotional"], "notes": "近两周成绩下滑，课间独处。",
            "next_review_on": day(7), **overrides}  # fmt: skip


def add(client, **overrides):
    return client.post("/care/new/", entry_data(**overrides))


def in_school(alpha, fn):
    with tenant_context(alpha):
        return fn()


def latest(alpha) -> CareEntry:
    return in_school(alpha, lambda: CareEntry.objects.order_by("-id").first())


def count(alpha) -> int:
    return in_school(alpha, lambda: CareEntry.objects.count())


def test_an_entry_is_listed_talked_about_edited_and_closed_in_the_pages(admin, alpha):
    response = add(admin)
    entry = latest(alpha)
    assert response.status_code == 302 and response["Location"] == f"/care/{entry.pk}/"
    assert (entry.student_name, entry.class_name, entry.signs) == (
        "李小明",
        OWN_CLASS,
        ["emotional", "grades_drop"],
    )
    listing = admin.get("/care/").content.decode()
    assert "李小明" in listing and "成绩突然下滑" in listing and "情绪反常" in listing

    assert admin.post(f"/care/{entry.pk}/talks/", {"held_on": day(0), "talked_by": "王老师",
                                                   "outcome": "愿意说出同桌的排挤，约定每周再谈。"}).status_code == 302  # fmt: skip
    page = admin.get(f"/care/{entry.pk}/").content.decode()
    assert "愿意说出同桌的排挤" in page and "王老师" in page

    response = admin.post(f"/care/{entry.pk}/edit/", entry_data(signs=["grades_drop", "isolated"],
                                                                next_review_on=day(3), version=1))  # fmt: skip
    assert response.status_code == 302
    entry = latest(alpha)
    assert entry.signs == ["grades_drop", "isolated"] and entry.version == 2
    edited = in_school(
        alpha, lambda: AuditEvent.objects.get(action="care.entry_edited", object_id=str(entry.pk))
    )
    assert edited.changes["signs"] == {
        "old": ["emotional", "grades_drop"],
        "new": ["grades_drop", "isolated"],
    }
    assert edited.changes["next_review_on"] == {"old": day(7), "new": day(3)}
    assert edited.actor.username == "alpha_admin"
    page = admin.get(f"/care/{entry.pk}/").content.decode()
    assert "情绪反常、成绩突然下滑 → 成绩突然下滑、被孤立" in page  # the history on the page, old → new

    assert admin.post(f"/care/{entry.pk}/close/", {"closed_on": day(0), "version": 2}).status_code == 302
    entry = latest(alpha)
    assert entry.closed_on == TODAY
    assert "李小明" not in admin.get("/care/").content.decode()
    assert "李小明" in admin.get("/care/?closed=1").content.decode()
    # Closed means closed: no more edits or talks.
    response = admin.post(f"/care/{entry.pk}/edit/", entry_data(version=3))
    assert response.status_code == 400 and "解除关注，记录不能再修改" in response.content.decode()
    actions = in_school(alpha, lambda: list(AuditEvent.objects.filter(object_type="careentry", object_id=str(entry.pk))
                                            .order_by("id").values_list("action", flat=True)))  # fmt: skip
    assert actions == ["care.entry_added", "care.entry_edited", "care.entry_closed"]


def test_entries_due_for_review_stand_out(admin, alpha):
    add(admin, student_name="到期生", next_review_on=day(0))
    add(admin, student_name="逾期生", next_review_on=day(5))
    overdue = latest(alpha)  # a date passed since it was set
    in_school(
        alpha,
        lambda: CareEntry.objects.filter(pk=overdue.pk).update(next_review_on=TODAY - dt.timedelta(days=3)),
    )
    add(admin, student_name="未到期生", next_review_on=day(5))
    page = admin.get("/care/").content.decode()
    rows = {name: page.split(name)[0].rsplit("<tr", 1)[1] for name in ("到期生", "逾期生", "未到期生")}
    assert "table-danger" in rows["到期生"] and "table-danger" in rows["逾期生"]
    assert "table-danger" not in rows["未到期生"]
    assert "2 名待研判" in page


# --- refusals ------------------------------------------------------------------------------------


def test_a_review_date_in_the_past_is_refused_on_create(admin, alpha):
    response = add(admin, next_review_on=day(-1))
    assert response.status_code == 400  # refused, shown again with the reason
    assert "下次研判日期不能早于今天" in response.content.decode()
    assert count(alpha) == 0


def test_empty_warning_signs_are_refused(admin, alpha):
    response = add(admin, signs=[])
    assert "请至少选择一项预警表现" in response.content.decode()
    assert count(alpha) == 0
    add(admin)
    entry = latest(alpha)
    response = admin.post(f"/care/{entry.pk}/edit/", entry_data(signs=[], version=1))
    assert response.status_code == 400 and "请至少选择一项预警表现" in response.content.decode()
    assert latest(alpha).signs == ["emotional", "grades_drop"]


def test_a_talk_in_the_future_is_refused(admin, alpha):
    add(admin)
    entry = latest(alpha)
    response = admin.post(
        f"/care/{entry.pk}/talks/", {"held_on": day(1), "talked_by": "王老师", "outcome": "x"}
    )
    assert response.status_code == 400
    assert "谈话日期不能晚于今天" in response.content.decode()
    assert in_school(alpha, lambda: CareTalk.objects.exists()) is False


def test_a_stale_edit_is_refused_and_changes_nothing(admin, alpha):
    add(admin)
    entry = latest(alpha)
    admin.post(f"/care/{entry.pk}/edit/", entry_data(notes="第一次修改", version=1))
    response = admin.post(f"/care/{entry.pk}/edit/", entry_data(notes="过期的修改", version=1))
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert latest(alpha).notes == "第一次修改"


def test_closing_in_the_future_is_refused(admin, alpha):
    add(admin)
    entry = latest(alpha)
    response = admin.post(f"/care/{entry.pk}/close/", {"closed_on": day(1), "version": 1})
    assert response.status_code == 400 and "解除关注日期不能晚于今天" in response.content.decode()
    assert latest(alpha).closed_on is None


def test_voiding_needs_a_reason_and_keeps_the_entry_for_admins_only(admin, client_for, alpha):
    add(admin)
    entry = latest(alpha)
    assert admin.post(f"/care/{entry.pk}/void/", {"voided_reason": " "}).status_code == 400
    assert latest(alpha).voided_at is None
    assert admin.post(f"/care/{entry.pk}/void/", {"voided_reason": "重复登记"}).status_code == 302
    assert latest(alpha).voided_reason == "重复登记"
    assert admin.get(f"/care/{entry.pk}/").status_code == 200
    teacher = client_for("alpha_head_teacher", "alpha")
    assert teacher.get(f"/care/{entry.pk}/").status_code == 403
    assert "李小明" not in teacher.get("/care/").content.decode()


# --- who may see the list ------------------------------------------------------------------------


def test_the_gate_guard_gets_403_on_every_care_page(admin, client_for, alpha):
    add(admin)
    entry = latest(alpha)
    gate = client_for("alpha_gate", "alpha")
    for path in ("/care/", "/care/new/", f"/care/{entry.pk}/"):
        assert gate.get(path).status_code == 403, path
    assert gate.post("/care/new/", entry_data()).status_code == 403
    assert gate.post(f"/care/{entry.pk}/edit/", entry_data(notes="x", version=1)).status_code == 403
    assert (
        gate.post(
            f"/care/{entry.pk}/talks/", {"held_on": day(0), "talked_by": "门卫", "outcome": "x"}
        ).status_code
        == 403
    )
    assert gate.post(f"/care/{entry.pk}/close/", {"closed_on": day(0), "version": 1}).status_code == 403
    assert gate.post(f"/care/{entry.pk}/void/", {"voided_reason": "x"}).status_code == 403
    assert count(alpha) == 1 and latest(alpha).version == 1
    assert "重点关注" not in gate.get("/").content.decode()  # not in the gate's nav either


def test_a_counsellor_who_is_not_on_the_committee_gets_403(admin, client_for, alpha):
    add(admin)
    counsellor = client_for("alpha_counsellor", "alpha")
    assert counsellor.get("/care/").status_code == 403
    assert counsellor.get(f"/care/{latest(alpha).pk}/").status_code == 403


def test_a_committee_member_linked_to_their_account_sees_every_class(admin, client_for, alpha):
    add(admin, student_name="一班生")
    add(admin, student_name="五班生", grade="五年级", class_name="五年级2班")
    user = User.objects.get(username="alpha_counsellor")
    in_school(alpha, lambda: GovernanceMember.objects.create(name="周静", group_role="member", user=user))
    counsellor = client_for("alpha_counsellor", "alpha")
    listing = counsellor.get("/care/").content.decode()
    assert "一班生" in listing and "五班生" in listing
    assert counsellor.get(f"/care/{latest(alpha).pk}/").status_code == 200
    assert "重点关注" in counsellor.get("/").content.decode()


def test_a_head_teacher_sees_and_edits_only_their_own_class(admin, client_for, alpha):
    add(admin, student_name="本班生")
    own = latest(alpha)
    add(admin, student_name="外班生", grade="四年级", class_name="四年级2班")
    other = latest(alpha)
    teacher = client_for("alpha_head_teacher", "alpha")

    listing = teacher.get("/care/").content.decode()
    assert "本班生" in listing and "外班生" not in listing
    assert teacher.get(f"/care/{own.pk}/").status_code == 200
    assert teacher.get(f"/care/{other.pk}/").status_code == 403
    assert (
        teacher.post(f"/care/{other.pk}/edit/", entry_data(class_name="四年级2班", version=1)).status_code
        == 403
    )
    assert (
        teacher.post(
            f"/care/{other.pk}/talks/", {"held_on": day(0), "talked_by": "x", "outcome": "x"}
        ).status_code
        == 403
    )

    # Their own pupil: a talk and an edit go through.
    assert teacher.post(f"/care/{own.pk}/talks/", {"held_on": day(0), "talked_by": "班主任",
                                                   "outcome": "情绪好转"}).status_code == 302  # fmt: skip
    assert (
        teacher.post(
            f"/care/{own.pk}/edit/", entry_data(student_name="本班生", notes="好转", version=1)
        ).status_code
        == 302
    )
    # ...but an entry cannot be moved into, or created in, someone else's class.
    response = teacher.post(
        f"/care/{own.pk}/edit/", entry_data(student_name="本班生", class_name="四年级2班", version=2)
    )
    assert response.status_code == 400
    assert latest_class(alpha, own.pk) == OWN_CLASS
    before = count(alpha)
    assert (
        teacher.post("/care/new/", entry_data(class_name="四年级2班")).status_code == 400
    )  # refused, shown again with the reason
    assert count(alpha) == before
    assert teacher.post("/care/new/", entry_data(student_name="新关注生")).status_code == 302
    assert count(alpha) == before + 1


def latest_class(alpha, pk) -> str:
    return in_school(alpha, lambda: CareEntry.objects.get(pk=pk).class_name)


def test_a_user_of_another_school_gets_403(admin, client_for, alpha):
    add(admin)
    beta_admin = client_for("beta_admin", "alpha")
    assert beta_admin.get("/care/").status_code == 403
    assert beta_admin.get(f"/care/{latest(alpha).pk}/").status_code == 403


def test_the_head_teacher_is_told_when_a_pupil_of_theirs_is_added(admin, alpha):
    add(admin)
    entry = latest(alpha)
    teacher = User.objects.get(username="alpha_head_teacher")
    notice = in_school(alpha, lambda: Notice.objects.get(recipient=teacher))
    assert notice.link == f"/care/{entry.pk}/"
    assert "李小明" not in notice.title + notice.body  # the notice is e-mailed: no name in it
