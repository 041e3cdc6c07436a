"""Publicity and education activities (宣传教育) through their pages: recording, editing, evidence
uploads with their limits, voiding, who may write, and this semester's duties as done / required."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import Activity, ActivityEvidence, AuditEvent
from schools.selectors import semester_duties, semester_start
from tenants.models import School, SchoolMembership, User

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


ACTIVITY = {"held_on": day(0), "kind": "class_meeting", "title": "拒绝校园欺凌主题班会", "audience": "三年级1班",
            "participants": 42, "notes": "班主任主持"}  # fmt: skip


def record(client, **overrides):
    return client.post("/activities/new/", {**ACTIVITY, **overrides})


def latest(alpha) -> Activity:
    with tenant_context(alpha):
        return Activity.objects.order_by("-id").first()


def count(alpha, model=Activity) -> int:
    with tenant_context(alpha):
        return model.objects.count()


def events(alpha, activity) -> list[AuditEvent]:
    with tenant_context(alpha):
        return list(
            AuditEvent.objects.filter(object_type="activity", object_id=str(activity.pk)).order_by("id")
        )


def edit(client, activity, **changes):
    data = {**ACTIVITY, "version": activity.version, **changes}
    return client.post(f"/activities/{activity.pk}/edit/", data)


def upload(client, activity, name, content):
    return client.post(f"/activities/{activity.pk}/evidence/", {"file": SimpleUploadedFile(name, content)})


def test_an_activity_is_recorded_edited_evidenced_and_voided_in_the_pages(admin, alpha):
    response = record(admin)
    assert response.status_code == 302
    activity = latest(alpha)
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.kind, activity.participants, activity.created_by.username) == (
        "class_meeting",
        42,
        "alpha_admin",
    )
    assert "拒绝校园欺凌主题班会" in admin.get("/activities/").content.decode()

    assert edit(admin, activity, participants=45, audience="三年级1班,三年级2班").status_code == 302
    activity = latest(alpha)
    assert (activity.participants, activity.version) == (45, 2)

    assert upload(admin, activity, "签到表.pdf", PDF).status_code == 302
    with tenant_context(alpha):
        evidence = ActivityEvidence.objects.get(activity=activity)
    assert evidence.file.name.endswith(".pdf") and f"/{alpha.schema_name}/" in evidence.file.name
    assert evidence.uploaded_by.username == "alpha_admin"
    page = admin.get(f"/activities/{activity.pk}/").content.decode()
    assert "签到表.pdf" in page
    download = admin.get(f"/activities/{activity.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    assert admin.post(f"/activities/{activity.pk}/void/", {"voided_reason": "误登记"}).status_code == 302
    activity = latest(alpha)
    assert activity.voided_reason == "误登记" and activity.voided_at is not None
    assert [e.action for e in events(alpha, activity)] == [
        "activity.recorded", "activity.edited", "activity.evidence_added", "activity.voided",
    ]  # fmt: skip
    # A void activity takes no more evidence and no more edits.
    assert upload(admin, activity, "照片.png", PNG).status_code == 400
    assert edit(admin, activity, title="改了").status_code == 400
    assert latest(alpha).title == "拒绝校园欺凌主题班会"


def test_the_history_holds_old_and_new_values(admin, alpha):
    record(admin)
    activity = latest(alpha)
    edit(admin, activity, title="向欺凌说不", participants=40)
    change = events(alpha, activity)[-1]
    assert change.action == "activity.edited" and change.actor.username == "alpha_admin"
    assert change.changes == {
        "title": {"old": "拒绝校园欺凌主题班会", "new": "向欺凌说不"},
        "participants": {"old": 42, "new": 40},
    }
    page = admin.get(f"/activities/{activity.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "拒绝校园欺凌主题班会" in history and "向欺凌说不" in history


def test_an_activity_in_the_future_is_refused(admin, alpha):
    before = count(alpha)
    response = record(admin, held_on=day(1))
    assert response.status_code == 400  # refused, shown again with the reason
    assert "活动日期不能晚于今天" in response.content.decode()
    assert count(alpha) == before

    record(admin)
    activity = latest(alpha)
    response = edit(admin, activity, held_on=day(3))
    assert response.status_code == 400 and "活动日期不能晚于今天" in response.content.decode()
    assert latest(alpha).held_on == TODAY


def test_a_stale_edit_is_refused_and_changes_nothing(admin, alpha):
    record(admin)
    seen = latest(alpha)
    assert edit(admin, seen, title="第一次修改").status_code == 302
    response = edit(admin, seen, title="第二个人的修改", participants=1)
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    activity = latest(alpha)
    assert (activity.title, activity.participants, activity.version) == ("第一次修改", 42, 2)
    assert len(events(alpha, activity)) == 2


def test_the_form_states_the_upload_limits(admin, alpha):
    record(admin)
    page = admin.get(f"/activities/{latest(alpha).pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "PDF、JPEG、PNG、DOCX、XLSX" in page and "10 MB" in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"' in page


def test_an_upload_that_is_too_large_is_refused_with_the_limit(admin, alpha):
    record(admin)
    activity = latest(alpha)
    response = upload(admin, activity, "大文件.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件过大" in body and "不超过 10 MB" in body
    assert count(alpha, ActivityEvidence) == 0
    assert [e.action for e in events(alpha, activity)] == ["activity.recorded"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64),  # not a document or image
        ("网页.pdf", b"<html><body>not a pdf</body></html>"),  # the extension lies
        ("照片.pdf", PNG),  # an image named as a PDF
        ("表格.docx", b"PK\x03\x04" + b"\x00" * 64),  # a zip, but not a Word document
        ("无扩展名", PDF),
    ],
)
def test_an_upload_that_is_not_a_document_or_image_is_refused(admin, alpha, name, content):
    record(admin)
    activity = latest(alpha)
    response = upload(admin, activity, name, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert "PDF、JPEG、PNG、DOCX、XLSX" in body and "不超过 10 MB" in body
    assert count(alpha, ActivityEvidence) == 0


def test_real_office_files_and_images_are_accepted(admin, alpha):
    record(admin)
    activity = latest(alpha)
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)
    import docx

    document = io.BytesIO()
    docx.Document().save(document)
    for name, content in (("问卷统计.xlsx", workbook.getvalue()), ("讲稿.docx", document.getvalue()),
                          ("现场.png", PNG), ("合影.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64)):  # fmt: skip
        assert upload(admin, activity, name, content).status_code == 302, name
    assert count(alpha, ActivityEvidence) == 4


def test_voiding_needs_a_reason_and_leaves_the_activity_to_admins(admin, client_for, alpha):
    record(admin, title="作废的活动")
    activity = latest(alpha)
    response = admin.post(f"/activities/{activity.pk}/void/", {"voided_reason": ""})
    assert response.status_code == 400 and "作废必须说明原因" in response.content.decode()
    assert latest(alpha).voided_at is None
    upload(admin, activity, "照片.png", PNG)
    admin.post(f"/activities/{activity.pk}/void/", {"voided_reason": "重复登记"})
    with tenant_context(alpha):
        evidence = ActivityEvidence.objects.get(activity=activity)

    assert "作废的活动" in admin.get("/activities/").content.decode()
    assert admin.get(f"/activities/{activity.pk}/").status_code == 200
    moral = client_for("alpha_moral", "alpha")
    assert "作废的活动" not in moral.get("/activities/").content.decode()
    assert moral.get(f"/activities/{activity.pk}/").status_code == 403
    assert moral.get(f"/activities/{activity.pk}/evidence/{evidence.pk}/").status_code == 403


def test_everyone_in_the_school_reads_but_only_record_keepers_write(admin, client_for, alpha):
    record(admin, title="门卫能看到的活动")
    activity = latest(alpha)
    upload(admin, activity, "照片.png", PNG)
    with tenant_context(alpha):
        evidence = ActivityEvidence.objects.get(activity=activity)
    gate = client_for("alpha_gate", "alpha")
    assert "门卫能看到的活动" in gate.get("/activities/").content.decode()
    page = gate.get(f"/activities/{activity.pk}/").content.decode()
    assert "门卫能看到的活动" in page and "修改活动" not in page and 'type="file"' not in page
    assert gate.get(f"/activities/{activity.pk}/evidence/{evidence.pk}/").status_code == 200
    before = count(alpha)
    assert gate.get("/activities/new/").status_code == 403
    assert record(gate).status_code == 403
    assert edit(gate, activity, title="门卫改的").status_code == 403
    assert upload(gate, activity, "照片.png", PNG).status_code == 403
    assert gate.post(f"/activities/{activity.pk}/void/", {"voided_reason": "x"}).status_code == 403
    assert count(alpha) == before and count(alpha, ActivityEvidence) == 1
    assert latest(alpha).version == 1

    other = client_for("beta_admin", "alpha")
    assert other.get("/activities/").status_code == 403
    assert other.get(f"/activities/{activity.pk}/").status_code == 403
    assert other.get(f"/activities/{activity.pk}/evidence/{evidence.pk}/").status_code == 403
    assert record(other).status_code == 403
    assert other.post(f"/activities/{activity.pk}/void/", {"voided_reason": "x"}).status_code == 403
    assert latest(alpha).voided_at is None and count(alpha) == before


def test_the_semester_counters_count_duties_done_against_required(admin, alpha):
    # The school's classes are those of its head teachers: 三年级1班 (alpha_head_teacher) and two more.
    teacher = User.objects.create_user(username="alpha_head_teacher_2", password="x" * 20, full_name="周老师")
    SchoolMembership.objects.create(user=teacher, school=alpha, role="staff", post="head_teacher",
                                    classes="三年级2班，四年级1班")  # fmt: skip
    today = day(0)
    last_semester = (semester_start(TODAY) - dt.timedelta(days=1)).isoformat()
    record(admin, held_on=today, audience="三年级1班，三年级2班")
    record(admin, held_on=today, audience="三年级1班、三年级2班")
    record(admin, held_on=today, audience="三年级1班")  # a third meeting in one class covers no other
    record(admin, held_on=today, audience="四年级1班", title="作废的班会")
    admin.post(f"/activities/{latest(alpha).pk}/void/", {"voided_reason": "录错"})
    record(admin, held_on=last_semester, audience="四年级1班", title="上学期的班会")
    record(admin, held_on=today, kind="survey", title="欺凌问卷", audience="全校")
    record(admin, held_on=today, kind="survey", title="班级问卷", audience="三年级1班")  # not whole-school
    record(admin, held_on=today, kind="staff_training", title="教职工培训", audience="全体教师")

    with tenant_context(alpha):
        duties = semester_duties()
    meetings = duties["class_meetings"]
    assert [(c.label, c.done, c.required) for c in duties["class_meetings_by_class"]] == [
        ("三年级1班", 3, 2), ("三年级2班", 2, 2), ("四年级1班", 0, 2),
    ]  # fmt: skip
    assert (meetings.done, meetings.required, meetings.met) == (4, 6, False)
    assert duties["classes_met"] == 2
    assert (duties["surveys"].done, duties["surveys"].required, duties["surveys"].met) == (1, 1, True)
    by_kind = dict(duties["by_kind"])
    assert (by_kind["主题班会"], by_kind["问卷调查"], by_kind["教职工培训"], by_kind["家长会"]) == (
        3,
        2,
        1,
        0,
    )

    page = admin.get("/activities/").content.decode()
    assert "4 / 6" in page and "2 / 3 个班级已达标" in page and "1 / 1" in page
    assert "四年级1班：0 / 2" in page
    assert "上学期的班会" not in page and "欺凌问卷" in page

    previous = admin.get(
        f"/activities/?semester={semester_start(semester_start(TODAY) - dt.timedelta(days=1))}"
    )
    body = previous.content.decode()
    assert "上学期的班会" in body and "欺凌问卷" not in body
    assert "1 / 6" in body and "0 / 1" in body
