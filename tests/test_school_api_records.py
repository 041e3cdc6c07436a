"""Care list and governance through the API: the same role rules and refusals as the pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

pytestmark = pytest.mark.django_db

NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


@pytest.fixture
def as_user(client_for):
    def make(username):
        client = client_for(username, "alpha")
        client.json_post = lambda path, data: client.post(
            f"/api/v1/{path}", data, content_type="application/json"
        )
        return client

    return make


def entry(**overrides):
    return {"student_name": "小明", "grade": "三年级", "class_name": "三年级1班", "signs": ["dazed"],
            "next_review_on": NEXT_WEEK, **overrides}  # fmt: skip


def test_a_head_teacher_keeps_care_entries_for_their_own_class_only(as_user):
    teacher = as_user("alpha_head_teacher")
    created = teacher.json_post("care/", entry())
    assert created.status_code == 201
    refused = teacher.json_post("care/", entry(class_name="四年级2班"))
    assert refused.status_code == 400 and "class_name" in refused.json()["errors"]

    admin = as_user("alpha_admin")
    admin.json_post("care/", entry(student_name="小红", class_name="四年级2班"))
    names = {row["student_name"] for row in teacher.get("/api/v1/care/").json()["results"]}
    assert names == {"小明"}
    assert {row["student_name"] for row in admin.get("/api/v1/care/").json()["results"]} == {"小明", "小红"}


def test_the_gate_guard_and_the_counsellor_get_403_on_the_care_list(as_user):
    assert as_user("alpha_gate").get("/api/v1/care/").status_code == 403
    assert as_user("alpha_counsellor").get("/api/v1/care/").status_code == 403


def test_care_edits_are_versioned_and_validated(as_user):
    admin = as_user("alpha_admin")
    entry_id = admin.json_post("care/", entry()).json()["id"]
    assert admin.json_post("care/", entry(signs=[])).status_code == 400
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert admin.json_post("care/", entry(next_review_on=past)).status_code == 400
    edited = admin.json_post(f"care/{entry_id}/edit/", entry(notes="近期情绪低落", version=1))
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = admin.json_post(f"care/{entry_id}/edit/", entry(notes="覆盖", version=1))
    assert stale.status_code == 409
    assert admin.get(f"/api/v1/care/{entry_id}/").json()["notes"] == "近期情绪低落"
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert (
        admin.json_post(
            f"care/{entry_id}/talks/", {"held_on": future, "talked_by": "班主任", "outcome": "x"}
        ).status_code
        == 400
    )
    assert admin.json_post(f"care/{entry_id}/talks/", {"held_on": timezone.localdate().isoformat(),
                                                       "talked_by": "班主任", "outcome": "谈心"}).status_code == 201  # fmt: skip


def test_governance_is_read_by_members_and_written_by_managers(as_user):
    admin, gate = as_user("alpha_admin"), as_user("alpha_gate")
    created = admin.json_post(
        "governance/members/", {"name": "王校长", "group_role": "leader", "post": "校长"}
    )
    assert created.status_code == 201
    assert gate.get("/api/v1/governance/members/").status_code == 200
    assert gate.json_post("governance/members/", {"name": "x", "group_role": "member"}).status_code == 403
    duplicate = admin.json_post("governance/members/", {"name": "王校长", "group_role": "leader"})
    assert duplicate.status_code == 400


def test_documents_are_versioned_and_uploads_are_checked(as_user):
    admin = as_user("alpha_admin")

    def upload(content, name="制度.pdf"):
        return admin.post("/api/v1/governance/documents/", {
            "kind": "rules", "title": "防欺凌工作制度", "file": SimpleUploadedFile(name, content)})  # fmt: skip

    assert upload(b"%PDF-1.4 first").json()["version_no"] == 1
    assert upload(b"%PDF-1.4 second").json()["version_no"] == 2
    wrong = upload(b"MZ not a pdf", name="virus.exe")
    assert wrong.status_code == 400 and "10 MB" in wrong.json()["message"] + str(wrong.json()["errors"])
    versions = [row["version_no"] for row in admin.get("/api/v1/governance/documents/").json()["results"]]
    assert sorted(versions) == [1, 2]


def test_published_contacts_change_through_the_api_and_show_publicly(as_user, client_for):
    admin = as_user("alpha_admin")
    changed = admin.json_post("governance/published/", {"principal": "李校长", "hotline": "0519-88886666"})
    assert changed.status_code == 200 and changed.json()["hotline"] == "0519-88886666"
    assert "0519-88886666" in client_for(None, "alpha").get("/gongshi/").content.decode()
