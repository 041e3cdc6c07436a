"""Governance through the pages: the leadership group, the published information on the public 公示
page, the responsibility list and the school's versioned documents — and every refusal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from schools.models import AuditEvent, GovernanceMember, ResponsibilityItem, SchoolDocument
from tenants.models import School, User

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def docx_bytes(text="学生欺凌防治工作制度") -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def member_data(**overrides):
    return {"name": "万莺燕", "group_role": "leader", "post": "校长", "order": 0,
            "duties": "防治校园欺凌和暴力第一责任人。", "user": "", **overrides}  # fmt: skip


def upload(client, name, content, *, kind="rules", title="防校园欺凌工作制度", note=""):
    return client.post(
        "/governance/documents/",
        {"kind": kind, "title": title, "note": note, "file": SimpleUploadedFile(name, content)},
    )


def in_school(alpha, fn):
    with tenant_context(alpha):
        return fn()


# --- the leadership group ------------------------------------------------------------------------


def test_a_member_is_added_edited_and_deactivated_never_deleted(admin, alpha):
    assert admin.post("/governance/members/", member_data()).status_code == 302
    member = in_school(alpha, lambda: GovernanceMember.objects.get(name="万莺燕"))
    assert (member.group_role, member.active, member.version) == ("leader", True, 1)
    page = admin.get("/governance/").content.decode()
    assert "万莺燕" in page and "防治校园欺凌和暴力第一责任人" in page

    response = admin.post(f"/governance/members/{member.pk}/",
                          member_data(duties="全面负责学校防治校园欺凌工作。", version=1))  # fmt: skip
    assert response.status_code == 302
    member = in_school(alpha, lambda: GovernanceMember.objects.get(pk=member.pk))
    assert member.duties == "全面负责学校防治校园欺凌工作。" and member.version == 2
    edit = in_school(
        alpha, lambda: AuditEvent.objects.get(action="governance.member_edited", object_id=str(member.pk))
    )
    assert edit.changes["duties"] == {
        "old": "防治校园欺凌和暴力第一责任人。",
        "new": "全面负责学校防治校园欺凌工作。",
    }
    assert edit.actor.username == "alpha_admin"
    history = admin.get(f"/governance/members/{member.pk}/").content.decode()
    assert "防治校园欺凌和暴力第一责任人。 → 全面负责学校防治校园欺凌工作。" in history

    assert admin.post(f"/governance/members/{member.pk}/deactivate/", {"version": 2}).status_code == 302
    member = in_school(alpha, lambda: GovernanceMember.objects.get(pk=member.pk))
    assert member.active is False
    assert "万莺燕" not in admin.get("/gongshi/").content.decode()
    assert "已离任成员" in admin.get("/governance/").content.decode()


def test_a_stale_member_edit_is_refused_and_changes_nothing(admin, alpha):
    admin.post("/governance/members/", member_data())
    member = in_school(alpha, lambda: GovernanceMember.objects.get(name="万莺燕"))
    admin.post(f"/governance/members/{member.pk}/", member_data(post="党支部书记", version=1))
    response = admin.post(f"/governance/members/{member.pk}/", member_data(post="副校长", version=1))
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert in_school(alpha, lambda: GovernanceMember.objects.get(pk=member.pk).post) == "党支部书记"


def test_the_same_person_twice_in_the_same_role_is_refused(admin, alpha):
    admin.post("/governance/members/", member_data())
    response = admin.post("/governance/members/", member_data(post="书记"))
    assert response.status_code == 400
    assert "领导小组中已有在任的组长“万莺燕”" in response.content.decode()
    assert in_school(alpha, lambda: GovernanceMember.objects.filter(name="万莺燕").count()) == 1


def test_a_linked_account_makes_a_committee_member_and_leaving_takes_it_away(admin, client_for, alpha):
    counsellor = client_for("alpha_counsellor", "alpha")
    assert counsellor.get("/care/").status_code == 403
    user = User.objects.get(username="alpha_counsellor")
    admin.post("/governance/members/", member_data(name="周静", group_role="member", user=user.pk))
    assert counsellor.get("/care/").status_code == 200
    member = in_school(alpha, lambda: GovernanceMember.objects.get(name="周静"))
    assert member.user_id == user.pk
    admin.post(f"/governance/members/{member.pk}/deactivate/", {"version": member.version})
    assert counsellor.get("/care/").status_code == 403


def test_an_account_of_another_school_cannot_be_linked(admin, alpha):
    outsider = User.objects.get(username="beta_admin")
    response = admin.post("/governance/members/", member_data(user=outsider.pk))
    assert response.status_code == 400
    assert in_school(alpha, lambda: GovernanceMember.objects.filter(name="万莺燕").exists()) is False


def test_everyone_in_the_school_reads_governance_but_only_managers_change_it(client_for, alpha):
    gate = client_for("alpha_gate", "alpha")
    page = gate.get("/governance/")
    assert page.status_code == 200
    assert "添加成员" not in page.content.decode()
    assert gate.post("/governance/members/", member_data()).status_code == 403
    assert gate.post("/governance/duties/", {"post": "门卫", "duty": "登记"}).status_code == 403
    assert gate.post("/governance/published/", {"principal": "x", "hotline": "110"}).status_code == 403
    assert upload(gate, "a.pdf", PDF).status_code == 403
    assert in_school(alpha, lambda: GovernanceMember.objects.exists()) is False
    assert client_for("beta_admin", "alpha").get("/governance/").status_code == 403
    assert client_for(None, "alpha").get("/governance/").status_code == 302  # to the login page


# --- published responsible person, hotline, mailbox ----------------------------------------------


def published(**overrides):
    return {"principal": "万莺燕", "legal_vice_principal": "湖塘派出所 李警官", "hotline": "0519-86660001",
            "mailbox": "xinxiang@alpha.edu.cn", **overrides}  # fmt: skip


def test_the_edited_hotline_shows_on_the_public_page_without_login(admin, client_for, alpha):
    before = alpha.hotline
    assert admin.post("/governance/published/", published()).status_code == 302
    public = client_for(None, "alpha").get("/gongshi/")
    assert public.status_code == 200
    body = public.content.decode()
    assert "0519-86660001" in body and "万莺燕" in body and "xinxiang@alpha.edu.cn" in body
    school = School.objects.get(pk=alpha.pk)
    assert school.hotline == "0519-86660001"
    event = in_school(alpha, lambda: AuditEvent.objects.get(action="governance.published_info_changed"))
    assert event.changes["hotline"] == {"old": before, "new": "0519-86660001"}
    assert event.actor.username == "alpha_admin"


def test_a_bad_hotline_is_refused_and_the_public_page_is_unchanged(admin, client_for, alpha):
    response = admin.post("/governance/published/", published(hotline="请打电话"))
    assert response.status_code == 400
    assert "请填写有效的电话号码" in response.content.decode()
    response = admin.post("/governance/published/", published(principal=""))
    assert "请填写第一责任人（校长）" in response.content.decode()
    assert School.objects.get(pk=alpha.pk).hotline == alpha.hotline
    assert (
        in_school(
            alpha, lambda: AuditEvent.objects.filter(action="governance.published_info_changed").exists()
        )
        is False
    )


def test_published_info_changed_by_someone_else_meanwhile_is_not_overwritten(admin, alpha):
    page = admin.get("/governance/").content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    assert admin.post("/governance/published/", published(seen=seen)).status_code == 302
    response = admin.post("/governance/published/", published(hotline="0519-80000000", seen=seen))
    assert response.status_code == 400
    assert "公示信息已被他人修改" in response.content.decode()
    assert School.objects.get(pk=alpha.pk).hotline == "0519-86660001"


# --- the responsibility list ---------------------------------------------------------------------


def test_the_responsibility_list_is_kept_per_post(admin, alpha):
    assert (
        admin.post(
            "/governance/duties/", {"post": "班主任", "duty": "每周排查本班学生异常表现。", "order": 1}
        ).status_code
        == 302
    )
    item = in_school(alpha, lambda: ResponsibilityItem.objects.get(post="班主任"))
    assert "每周排查本班学生异常表现。" in admin.get("/governance/").content.decode()

    response = admin.post(f"/governance/duties/{item.pk}/", {"post": "班主任", "duty": "每日关注本班学生情绪变化。",
                                                             "order": 1, "version": 1})  # fmt: skip
    assert response.status_code == 302
    event = in_school(alpha, lambda: AuditEvent.objects.get(action="governance.duty_edited"))
    assert event.changes["duty"] == {"old": "每周排查本班学生异常表现。", "new": "每日关注本班学生情绪变化。"}

    assert admin.post(f"/governance/duties/{item.pk}/deactivate/", {"version": 2}).status_code == 302
    item = in_school(alpha, lambda: ResponsibilityItem.objects.get(pk=item.pk))
    assert item.active is False  # kept, not deleted
    assert "每日关注本班学生情绪变化。" not in admin.get("/governance/").content.decode()
    response = admin.post(f"/governance/duties/{item.pk}/deactivate/", {"version": 3})
    assert response.status_code == 400 and "该条职责已经停用" in response.content.decode()


def test_a_duty_without_text_is_refused(admin, alpha):
    response = admin.post("/governance/duties/", {"post": "门卫", "duty": "  "})
    assert response.status_code == 400
    assert in_school(alpha, lambda: ResponsibilityItem.objects.exists()) is False


# --- documents -----------------------------------------------------------------------------------


def test_the_form_states_the_upload_limits(admin):
    page = admin.get("/governance/").content.decode()
    assert "限 PDF、DOCX、JPEG、PNG 格式，单个文件不超过 10 MB" in page
    assert 'accept=".pdf,.docx,.jpg,.jpeg,.png"' in page


def test_a_new_version_is_added_beside_the_old_one_and_both_download(admin, client_for, alpha, media):
    assert upload(admin, "制度.pdf", PDF, note="首次发布").status_code == 302
    second = docx_bytes()
    assert upload(admin, "制度-修订.docx", second, note="2024 年修订").status_code == 302
    docs = in_school(alpha, lambda: list(SchoolDocument.objects.order_by("version_no")))
    assert [(d.title, d.version_no) for d in docs] == [("防校园欺凌工作制度", 1), ("防校园欺凌工作制度", 2)]
    assert len(stored_files(media)) == 2
    assert all(f"/{alpha.schema_name}/" in f"/{d.file.name}" for d in docs)

    page = admin.get("/governance/").content.decode()
    assert "第 1 版" in page and "第 2 版" in page and "2024 年修订" in page

    gate = client_for("alpha_gate", "alpha")  # any member of the school may read the documents
    first = gate.get(f"/governance/documents/{docs[0].pk}/file/")
    assert first.status_code == 200
    assert b"".join(first.streaming_content) == PDF
    assert first["Content-Type"] == "application/pdf"
    assert "attachment" in first["Content-Disposition"]
    latest = gate.get(f"/governance/documents/{docs[1].pk}/file/")
    assert b"".join(latest.streaming_content) == second

    event = in_school(
        alpha,
        lambda: AuditEvent.objects.get(action="governance.document_uploaded", object_id=str(docs[1].pk)),
    )
    assert event.changes["version_no"] == {"old": None, "new": 2}


def test_documents_are_for_members_only(admin, client_for, alpha, media):
    upload(admin, "制度.pdf", PDF)
    doc = in_school(alpha, lambda: SchoolDocument.objects.get())
    assert client_for(None, "alpha").get(f"/governance/documents/{doc.pk}/file/").status_code == 302
    assert client_for("beta_admin", "alpha").get(f"/governance/documents/{doc.pk}/file/").status_code == 403
    # The other school's site has its own documents: the same number there is not this file.
    assert client_for("beta_admin", "beta").get(f"/governance/documents/{doc.pk}/file/").status_code == 404
    # No public media URL serves the stored file.
    assert client_for(None, "alpha").get(f"/media/{doc.file.name}").status_code == 404


def test_an_upload_too_large_is_refused_with_the_limits_and_nothing_stored(admin, alpha, media):
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(admin, "制度.pdf", big)
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件过大" in body and "单个文件不超过 10 MB" in body
    assert in_school(alpha, lambda: SchoolDocument.objects.exists()) is False
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64),  # not a document at all
        ("制度.pdf", b"<html><body>not a pdf</body></html>"),  # the extension lies
        ("制度.docx", b"PK\x03\x04" + b"\x00" * 64),  # a zip header, not a Word document
        ("photo.png", b"\xff\xd8\xff\xe0" + b"\x00" * 64),  # a JPEG named .png
        ("制度", PDF),  # no extension
    ],
)
def test_an_upload_of_the_wrong_type_is_refused_and_nothing_stored(admin, alpha, media, name, content):
    response = upload(admin, name, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件类型不符合要求" in body and "限 PDF、DOCX、JPEG、PNG 格式，单个文件不超过 10 MB" in body
    assert in_school(alpha, lambda: SchoolDocument.objects.exists()) is False
    assert stored_files(media) == []


def test_images_are_accepted(admin, alpha, media):
    assert upload(admin, "公约.png", PNG, kind="convention", title="反欺凌公约").status_code == 302
    assert upload(admin, "公约.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64, kind="convention",
                  title="反欺凌公约").status_code == 302  # fmt: skip
    versions = in_school(alpha, lambda: list(SchoolDocument.objects.values_list("version_no", "file")))
    assert sorted(v for v, _ in versions) == [1, 2]
    assert sorted(f.rsplit(".", 1)[1] for _, f in versions) == ["jpg", "png"]


def test_an_upload_without_a_file_or_title_is_refused(admin, alpha, media):
    response = admin.post("/governance/documents/", {"kind": "rules", "title": "应急预案"})
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()
    response = upload(admin, "a.pdf", PDF, title="")
    assert response.status_code == 400
    assert in_school(alpha, lambda: SchoolDocument.objects.exists()) is False
    assert stored_files(media) == []
