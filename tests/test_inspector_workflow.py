"""The 责任督学's whole loop, through the pages and the API: the checklist (versioned), a visit with
answers, photos and a late reason, a resend that files nothing new, plans, a notice from failed
items that the school sees and answers on its own site, the re-check item by item by the assigned
inspector only, the DOCX notice, assignments and profiles on the bureau's page, the public 挂牌 sign,
and coverage against the district's required frequency with a frozen clock."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from docx import Document
from PIL import Image

from inspections import actions
from inspections.models import (
    ChecklistTemplate,
    InspectorAssignment,
    InspectorProfile,
    NoticeItem,
    RectificationNotice,
    Visit,
    VisitPhoto,
    VisitPlan,
)
from inspections.selectors import coverage, coverage_by_inspector, current_template
from oversight.models import DistrictSettings
from schools.models import Incident, IncidentParty, Notice
from tenants.models import AuditEvent, School, User
from tests.campaign_helpers import at, server_clock

pytestmark = pytest.mark.django_db


def user(username):
    return User.objects.get(username=username)


def school(slug):
    return School.objects.get(slug=slug)


def today():
    return timezone.localdate()


def items():
    return {item.code: item for item in current_template().items.all()}


def jpeg(size=(2400, 1800), name="site.jpg", with_gps=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMakerX"  # Make
    if with_gps:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (31.0, 47.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def page_form(code_answers=None, **fields):
    """The visit form's fields as the page posts them."""
    data = {"school": school("alpha").pk, "visited_on": today().isoformat(), "kind": "routine",
            "duration_minutes": "90", "methods": ["documents", "site"],
            "summary": "查阅排查台账，实地查看厕所、楼梯口等重点部位。", "client_key": "", **fields}  # fmt: skip
    for code, (value, evidence) in (code_answers or {}).items():
        data[f"answer-{items()[code].pk}"] = value
        data[f"evidence-{items()[code].pk}"] = evidence
    return data


ANSWERS = {"leadership": ("yes", "查阅会议记录 3 次"), "video": ("no", "厕所外走廊无监控"),
           "ledger": ("4", "台账有 2 项未核实"), "class_meetings": ("1", "抽查四年级2班")}  # fmt: skip


def file_visit(**fields):
    answers = {items()[c].pk: {"value": v, "evidence": e} for c, (v, e) in ANSWERS.items()}
    return actions.log_visit(acting_user=user("inspector_alpha"), school=school("alpha"), visited_on=today(),
                             kind="routine", summary="例行督导。", answers=answers, **fields)  # fmt: skip


def answer(item, username="alpha_admin", measures="已加装监控 2 台。", evidence="安装验收单存安全办。"):
    return actions.answer_item(acting_user=user(username), item=item, measures=measures, evidence=evidence)


# --- the checklist ---------------------------------------------------------------------------


def test_the_default_checklist_holds_the_duties_the_seeds_name():
    template = current_template()
    assert template.version == 1
    codes = [item.code for item in template.items.all()]
    for code in ["leadership", "published", "ledger", "survey", "class_meetings", "patrols", "video", "dorm_gate",
                 "edu_1530", "convention", "legal_vp", "counselling", "procedure", "serious_reported"]:  # fmt: skip
        assert code in codes
    assert {item.answer_type for item in template.items.all()} == {"yes_no", "score", "number", "text"}


def test_an_inspector_logs_a_visit_with_the_checklist_through_the_page(client_for):
    page = client_for("inspector_alpha")
    form = page.get("/inspections/new/")
    assert form.status_code == 200 and "督导检查表" in form.content.decode()
    response = page.post("/inspections/new/", page_form(ANSWERS))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{visit.pk}/"
    assert (visit.duration_minutes, visit.methods, visit.template.version) == (90, ["documents", "site"], 1)
    answers = {a.item.code: a for a in visit.answers.select_related("item")}
    assert (answers["leadership"].choice, answers["leadership"].failed) == ("yes", False)
    assert (answers["video"].choice, answers["video"].failed) == ("no", True)
    assert (answers["ledger"].points, answers["ledger"].failed) == (4, True)  # 4 of 10 is under the pass line
    assert (answers["class_meetings"].number, answers["class_meetings"].failed) == (1, True)  # at least 2
    # yes 10 + no 0 + score 4 + number below expected 0, out of 10 + 5 + 10 + 5
    assert (visit.score, visit.max_score) == (14, 30)
    assert "厕所外走廊无监控" in page.get(response["Location"]).content.decode()
    event = AuditEvent.objects.get(action="visit.logged", object_id=str(visit.pk))
    assert event.changes["answers"]["video"] == "no" and event.changes["template"] == 1


def test_a_wrong_answer_type_is_refused_through_page_and_api(client_for):
    page = client_for("inspector_alpha")
    for code, value, message in [("leadership", "maybe", "只能是“是”“部分”或“否”"),
                                 ("ledger", "11", "不能超过满分 10 分"), ("class_meetings", "两次", "不小于 0 的整数")]:  # fmt: skip
        response = page.post("/inspections/new/", page_form({code: (value, "")}))
        assert response.status_code == 400 and message in response.content.decode()
        api = page.post("/api/v1/visits/", {"school": school("alpha").pk, "visited_on": today().isoformat(),
                                            "summary": "x", "answers": [{"item": items()[code].pk, "value": value}]},
                        content_type="application/json")  # fmt: skip
        assert api.status_code == 400 and message in api.json()["message"]
    assert not Visit.objects.exists()


def test_a_revised_checklist_is_a_new_version_and_old_visits_keep_theirs(client_for):
    old_visit = file_visit()
    bureau = client_for("bureau_staff")
    added = bureau.post("/inspections/checklist/items/", {"add-code": "canteen", "add-text": "食堂就餐时段有人值守",
                                                          "add-answer_type": "yes_no", "add-points": "5"})  # fmt: skip
    assert added.status_code == 302
    assert current_template().version == 2 and "canteen" in items()
    edited = bureau.post("/inspections/checklist/items/ledger/", {
        "edit-ledger-code": "ledger", "edit-ledger-text": "排查台账建立、逐项核实并按期整改", "edit-ledger-answer_type": "score",
        "edit-ledger-points": "20"})  # fmt: skip
    assert edited.status_code == 302 and current_template().version == 3
    assert (items()["ledger"].text, items()["ledger"].points) == ("排查台账建立、逐项核实并按期整改", 20)
    bad = bureau.post("/inspections/checklist/items/ledger/", {"edit-ledger-code": "ledger", "edit-ledger-text": "",
                                                               "edit-ledger-answer_type": "score", "edit-ledger-points": "5"})  # fmt: skip
    assert bad.status_code == 400 and current_template().version == 3
    removed = bureau.post("/inspections/checklist/items/video/remove/")
    assert removed.status_code == 302 and current_template().version == 4 and "video" not in items()
    old_visit.refresh_from_db()
    assert old_visit.template.version == 1
    assert "video" in {a.item.code for a in old_visit.answers.select_related("item")}
    assert AuditEvent.objects.filter(action="checklist.revised").count() == 3
    assert client_for("inspector_alpha").post("/inspections/checklist/items/video/remove/").status_code == 403
    duplicate = bureau.post("/inspections/checklist/items/", {"add-code": "canteen", "add-text": "x",
                                                              "add-answer_type": "yes_no", "add-points": "5"})  # fmt: skip
    assert duplicate.status_code == 400 and "重复" in duplicate.content.decode()
    assert ChecklistTemplate.objects.count() == 4


# --- refusals of a visit ---------------------------------------------------------------------


def test_a_late_record_needs_a_reason_and_stands_out(client_for):
    page = client_for("inspector_alpha")
    late_day = (today() - dt.timedelta(days=5)).isoformat()
    refused = page.post("/inspections/new/", page_form(visited_on=late_day))
    assert refused.status_code == 400 and "请填写逾期填报原因" in refused.content.decode()
    api = page.post("/api/v1/visits/", {"school": school("alpha").pk, "visited_on": late_day, "summary": "x"},
                    content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "visited_on" in api.json()["errors"]
    assert not Visit.objects.exists()
    done = page.post(
        "/inspections/new/", page_form(visited_on=late_day, late_reason="网络中断，回单位后补录。")
    )
    assert done.status_code == 302
    visit = Visit.objects.get()
    assert visit.filed_late and "逾期填报" in page.get(done["Location"]).content.decode()
    assert "逾期填报" in page.get("/inspections/").content.decode()  # it stands out in the list too
    future = page.post(
        "/inspections/new/", page_form(visited_on=(today() + dt.timedelta(days=1)).isoformat())
    )
    assert future.status_code == 400 and "督导日期不能晚于今天" in future.content.decode()
    assert Visit.objects.count() == 1


def test_a_visit_to_an_unassigned_school_is_refused_through_the_api_with_answers(client_for):
    response = client_for("inspector_alpha").post("/api/v1/visits/", {
        "school": school("beta").pk, "visited_on": today().isoformat(), "summary": "x",
        "answers": [{"item": items()["video"].pk, "value": "no"}]}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "贝塔中学" in response.json()["errors"]["school"][0]
    assert not Visit.objects.exists()


# --- a resend creates nothing new ------------------------------------------------------------


def test_a_resent_page_form_files_the_visit_once(client_for):
    page = client_for("inspector_alpha")
    key = page.get("/inspections/new/").context["form"].initial["client_key"]
    first = page.post("/inspections/new/", page_form(ANSWERS, client_key=key))
    again = page.post("/inspections/new/", page_form(ANSWERS, client_key=key))
    visit = Visit.objects.get()
    assert first["Location"] == again["Location"] == f"/inspections/{visit.pk}/"
    assert visit.answers.count() == len(ANSWERS)
    assert AuditEvent.objects.filter(action="visit.logged").count() == 1
    with tenant_context(school("alpha")):
        assert Notice.objects.filter(title__startswith="责任督学").count() <= 1


def test_a_resent_api_visit_files_nothing_new(client_for):
    api = client_for("inspector_alpha")
    body = {"school": school("alpha").pk, "visited_on": today().isoformat(), "summary": "专项检查。",
            "client_key": "draft-alpha-1", "answers": [{"item": items()["video"].pk, "value": "no"}]}  # fmt: skip
    first = api.post("/api/v1/visits/", body, content_type="application/json")
    again = api.post("/api/v1/visits/", body, content_type="application/json")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    header = {"HTTP_IDEMPOTENCY_KEY": "phone-42"}
    body2 = {**body, "client_key": ""}
    one = api.post("/api/v1/visits/", body2, content_type="application/json", **header)
    two = api.post("/api/v1/visits/", body2, content_type="application/json", **header)
    assert one.json()["id"] == two.json()["id"] and two["Idempotent-Replay"] == "true"
    assert Visit.objects.count() == 2
    assert AuditEvent.objects.filter(action="visit.logged").count() == 2


# --- photos ----------------------------------------------------------------------------------


def test_photos_are_resized_and_stripped_of_their_location(client_for):
    page = client_for("inspector_alpha")
    response = page.post("/inspections/new/", page_form(photos=[jpeg(), jpeg(name="b.jpg", with_gps=False)]))
    assert response.status_code == 302
    photos = list(VisitPhoto.objects.all())
    assert len(photos) == 2
    with photos[0].image.open("rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert max(image.size) == 1600 and image.format == "JPEG"
    assert dict(image.getexif()) == {} and b"CameraMakerX" not in stored
    served = page.get(f"/inspections/{photos[0].visit_id}/photos/{photos[0].pk}/")
    assert served.status_code == 200
    assert (
        client_for("inspector_beta")
        .get(f"/inspections/{photos[0].visit_id}/photos/{photos[0].pk}/")
        .status_code
        == 404
    )


def test_a_photo_too_large_or_not_an_image_is_refused(client_for, settings):
    page = client_for("inspector_alpha")
    fake = SimpleUploadedFile("a.jpg", b"<html>not a picture</html>", content_type="image/jpeg")
    refused = page.post("/inspections/new/", page_form(photos=[fake]))
    assert refused.status_code == 400 and "不是 JPEG 或 PNG 图片" in refused.content.decode()
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"0" * (8 * 1024 * 1024 + 1), content_type="image/jpeg"
    )
    refused = page.post("/inspections/new/", page_form(photos=[big]))
    assert refused.status_code == 400 and "超过 8 MB" in refused.content.decode()
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()
    visit = file_visit()
    api = page.post(f"/api/v1/visits/{visit.pk}/photos/", {"photos": [fake]})
    assert api.status_code == 400 and "不是 JPEG 或 PNG 图片" in api.json()["message"]
    big.seek(0)
    too_big = page.post(f"/api/v1/visits/{visit.pk}/photos/", {"photos": [big]})
    assert too_big.status_code == 400 and "超过 8 MB" in too_big.json()["message"]
    added = page.post(f"/api/v1/visits/{visit.pk}/photos/", {"photos": [jpeg()]})
    assert added.status_code == 201 and added.json()[0]["width"] == 1600
    assert VisitPhoto.objects.count() == 1


# --- plans -----------------------------------------------------------------------------------


def test_a_plan_is_made_filed_against_and_shown_on_the_inspector_home(client_for):
    page = client_for("inspector_alpha")
    day = today() + dt.timedelta(days=3)
    made = page.post("/inspections/plans/new/", {"school": school("alpha").pk, "planned_on": day.isoformat(),
                                                 "kind": "unannounced"})  # fmt: skip
    assert made.status_code == 302
    plan = VisitPlan.objects.get()
    assert "随机督导" in page.get("/inspections/me/").content.decode()
    refused = page.post("/inspections/plans/new/", {"school": school("beta").pk, "planned_on": day.isoformat(),
                                                    "kind": "routine"})  # fmt: skip
    assert refused.status_code == 400 and VisitPlan.objects.count() == 1
    api = page.post("/api/v1/plans/", {"school": school("alpha").pk, "planned_on": (today() - dt.timedelta(days=1))
                                       .isoformat(), "kind": "routine"}, content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "计划日期不能早于今天" in api.json()["message"]
    filed = page.post(f"/inspections/new/?plan={plan.pk}", page_form(plan=plan.pk, kind="unannounced"))
    assert filed.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "done" and plan.visit.kind == "unannounced"


# --- the notice loop, with the school on its own site ----------------------------------------


def test_the_notice_loop_through_the_pages(client_for, django_capture_on_commit_callbacks):
    inspector = client_for("inspector_alpha")
    visit = file_visit()
    failed = list(visit.answers.filter(failed=True).order_by("item__order"))
    with django_capture_on_commit_callbacks(execute=True):
        raised = inspector.post(
            f"/inspections/{visit.pk}/notices/", {"answer_ids": [str(a.pk) for a in failed]}
        )
    assert raised.status_code == 302
    notice = RectificationNotice.objects.get()
    assert notice.due_on == today() + dt.timedelta(days=30)
    assert [i.answer_id for i in notice.notice_items.order_by("order")] == [a.pk for a in failed]

    # the school sees it: inbox, dashboard, notices page
    with tenant_context(school("alpha")):
        inbox = Notice.objects.get(recipient__username="alpha_admin", title__startswith="整改通知书")
    assert inbox.link == f"/zhenggai/{notice.pk}/"
    admin = client_for("alpha_admin", "alpha")
    assert "整改通知书（未销号）" in admin.get("/").content.decode()
    assert f"/zhenggai/{notice.pk}/" in admin.get("/zhenggai/").content.decode()
    detail = admin.get(f"/zhenggai/{notice.pk}/").content.decode()
    assert "重点部位视频监控覆盖" in detail

    first, *rest = list(notice.notice_items.order_by("order"))
    # no close before the school answered
    early = inspector.post(f"/inspections/notice-items/{first.pk}/recheck/",
                           {f"recheck-{first.pk}-passed": "1", f"recheck-{first.pk}-note": "到位"})  # fmt: skip
    assert early.status_code == 400 and "学校尚未答复第 1 项" in early.content.decode()
    # the gate keeper cannot answer; an empty evidence is refused
    assert (
        client_for("alpha_gate", "alpha").post(f"/zhenggai/items/{first.pk}/answer/", {}).status_code == 403
    )
    empty = admin.post(f"/zhenggai/items/{first.pk}/answer/", {f"item-{first.pk}-measures": "已整改",
                                                               f"item-{first.pk}-evidence": ""})  # fmt: skip
    assert empty.status_code == 400
    answered = admin.post(f"/zhenggai/items/{first.pk}/answer/", {
        f"item-{first.pk}-measures": "走廊加装监控 2 台。", f"item-{first.pk}-evidence": "验收单存安全办。"})  # fmt: skip
    assert answered.status_code == 302
    first.refresh_from_db()
    assert first.state == "answered" and first.recheck_due_on == today() + dt.timedelta(days=30)
    for item in rest:
        answer(item)
    notice.refresh_from_db()
    assert notice.status == "answered"

    # only the assigned inspector re-checks
    bureau = client_for("bureau_staff")
    refused = bureau.post(f"/inspections/notice-items/{first.pk}/recheck/",
                          {f"recheck-{first.pk}-passed": "1", f"recheck-{first.pk}-note": "到位"})  # fmt: skip
    assert refused.status_code == 400 and "只有阿尔法小学的责任督学可以复查" in refused.content.decode()
    # re-open the first item: the notice goes back to the school
    reopened = inspector.post(f"/inspections/notice-items/{first.pk}/recheck/",
                              {f"recheck-{first.pk}-passed": "0", f"recheck-{first.pk}-note": "监控未联网。"})  # fmt: skip
    assert reopened.status_code == 302
    notice.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, notice.status) == ("reopened", "open")
    answer(first, measures="监控已接入校园监控平台。")
    for item in notice.notice_items.order_by("order"):
        assert inspector.post(f"/inspections/notice-items/{item.pk}/recheck/",
                              {f"recheck-{item.pk}-passed": "1", f"recheck-{item.pk}-note": "复查到位。"}).status_code == 302  # fmt: skip
    notice.refresh_from_db()
    assert (notice.status, notice.closed_on, notice.closed_by.username) == (
        "closed",
        today(),
        "inspector_alpha",
    )
    codes = list(AuditEvent.objects.filter(object_id=str(notice.pk), object_type="inspections.rectificationnotice")
                 .values_list("action", flat=True))  # fmt: skip
    assert {"rectification_notice.issued", "rectification_notice.item_answered", "rectification_notice.answered",
            "rectification_notice.item_rechecked", "rectification_notice.open", "rectification_notice.closed"} <= set(codes)  # fmt: skip


def test_the_notice_loop_through_the_api(client_for):
    visit = file_visit()
    inspector = client_for("inspector_alpha")
    failed = list(visit.answers.filter(failed=True).values_list("pk", flat=True))
    passed = visit.answers.filter(failed=False).first()
    wrong = inspector.post(f"/api/v1/visits/{visit.pk}/notices/", {"answer_ids": [passed.pk]},
                           content_type="application/json")  # fmt: skip
    assert wrong.status_code == 400 and "只有未达标的检查项" in wrong.json()["message"]
    raised = inspector.post(f"/api/v1/visits/{visit.pk}/notices/", {"answer_ids": failed, "items": "补充家长会记录"},
                            content_type="application/json")  # fmt: skip
    assert raised.status_code == 201
    notice = raised.json()
    assert len(notice["notice_items"]) == len(failed) + 1
    twice = inspector.post(f"/api/v1/visits/{visit.pk}/notices/", {"answer_ids": failed[:1]},
                           content_type="application/json")  # fmt: skip
    assert twice.status_code == 400 and "已列入整改通知书" in twice.json()["message"]
    assert RectificationNotice.objects.count() == 1
    closed_early = inspector.post(f"/api/v1/notices/{notice['id']}/close/", {"note": "到位"},
                                  content_type="application/json")  # fmt: skip
    assert closed_early.status_code == 400 and "学校尚未答复" in closed_early.json()["message"]

    school_api = client_for("alpha_admin", "alpha")
    listed = school_api.get("/api/v1/rectification-notices/").json()["results"]
    assert [n["id"] for n in listed] == [notice["id"]]
    for item in notice["notice_items"]:
        missing = school_api.post(f"/api/v1/rectification-notice-items/{item['id']}/answer/", {"measures": "x"},
                                  content_type="application/json")  # fmt: skip
        assert missing.status_code == 400
        done = school_api.post(f"/api/v1/rectification-notice-items/{item['id']}/answer/",
                               {"measures": "已整改。", "evidence": "记录存档。"}, content_type="application/json")  # fmt: skip
        assert done.status_code == 200 and done.json()["state"] == "answered"
    assert client_for("alpha_gate", "alpha").post(
        f"/api/v1/rectification-notice-items/{notice['notice_items'][0]['id']}/answer/",
        {"measures": "x", "evidence": "y"}, content_type="application/json").status_code == 403  # fmt: skip
    other = _assign("inspector_beta", "gamma")
    assert other  # an inspector of another school cannot even see it
    assert client_for("inspector_beta").post(f"/api/v1/notice-items/{notice['notice_items'][0]['id']}/recheck/",
                                             {"passed": True, "note": "x"},
                                             content_type="application/json").status_code == 404  # fmt: skip
    bureau = client_for("bureau_staff").post(f"/api/v1/notice-items/{notice['notice_items'][0]['id']}/recheck/",
                                             {"passed": True, "note": "x"}, content_type="application/json")  # fmt: skip
    assert bureau.status_code == 400
    first = inspector.post(f"/api/v1/notice-items/{notice['notice_items'][0]['id']}/recheck/",
                           {"passed": True, "note": "复查到位"}, content_type="application/json")  # fmt: skip
    assert first.status_code == 200 and first.json()["state"] == "closed"
    again = inspector.post(f"/api/v1/notice-items/{notice['notice_items'][0]['id']}/recheck/",
                           {"passed": False, "note": "x"}, content_type="application/json")  # fmt: skip
    assert again.status_code == 400
    closed = inspector.post(f"/api/v1/notices/{notice['id']}/close/", {"note": "复查到位"},
                            content_type="application/json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_closing_an_item_whose_answer_has_no_evidence_is_refused():
    visit = file_visit()
    notice = actions.raise_notice(acting_user=user("inspector_alpha"), visit=visit, items="补全台账")
    item = notice.notice_items.get()
    # an answer written before evidence was required (or by an import) has none
    NoticeItem.objects.filter(pk=item.pk).update(state="answered", measures="已补全")
    with pytest.raises(Exception, match="没有整改佐证"):
        actions.recheck_item(acting_user=user("inspector_alpha"), item=item, passed=True, note="到位")
    item.refresh_from_db()
    assert item.state == "answered"


def test_school_answers_pass_the_privacy_gate():
    with tenant_context(school("alpha")):
        incident = Incident.objects.create(code="WF-1", source="teacher", occurred_at=timezone.now(), place="操场",
                                           summary="x", created_by=user("alpha_admin"))  # fmt: skip
        IncidentParty.objects.create(incident=incident, student_name="李小华", grade="四年级",
                                     class_name="四年级2班", role="victim")  # fmt: skip
    notice = actions.raise_notice(acting_user=user("inspector_alpha"), visit=file_visit(), items="加强巡查")
    item = notice.notice_items.get()
    with pytest.raises(Exception, match="个人信息"):
        answer(item, measures="已与李小华家长沟通。")
    with pytest.raises(Exception, match="个人信息"):
        actions.log_visit(
            acting_user=user("inspector_alpha"),
            school=school("alpha"),
            visited_on=today(),
            kind="routine",
            summary="ok",
            answers={items()["video"].pk: {"value": "no", "evidence": "李小华反映走廊无监控"}},
        )
    item.refresh_from_db()
    assert item.state == "open" and item.measures == ""


def test_the_notice_prints_as_docx_in_the_official_layout(client_for):
    visit = file_visit()
    notice = actions.raise_notice(acting_user=user("inspector_alpha"), visit=visit,
                                  answer_ids=list(visit.answers.filter(failed=True).values_list("pk", flat=True)))  # fmt: skip
    for path, client in [(f"/inspections/notices/{notice.pk}/notice.docx", client_for("inspector_alpha")),
                         (f"/zhenggai/{notice.pk}/notice.docx", client_for("alpha_admin", "alpha"))]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert (
            "责任督学挂牌督导整改通知书" in text
            and "阿尔法小学：" in text
            and f"〔{today().year}〕{notice.pk}" in text
        )
        cells = [c.text for row in doc.tables[0].rows for c in row.cells]
        assert "重点部位视频监控覆盖：厕所外走廊无监控" in cells
        assert abs(doc.sections[0].page_width.cm - 21.0) < 0.01
    assert client_for("beta_admin", "beta").get(f"/zhenggai/{notice.pk}/notice.docx").status_code == 404


# --- assignments and profiles ----------------------------------------------------------------


def _assign(inspector, slug):
    return InspectorAssignment.objects.create(
        inspector=user(inspector), school=school(slug), starts_on=dt.date(2020, 1, 1)
    )


def test_the_bureau_assigns_and_ends_assignments_on_its_page(client_for):
    bureau = client_for("bureau_staff")
    assert bureau.get("/inspections/assignments/").status_code == 200
    made = bureau.post("/inspections/assignments/new/", {"inspector": user("inspector_beta").pk,
                                                         "school": school("gamma").pk})  # fmt: skip
    assert made.status_code == 302
    assignment = InspectorAssignment.objects.get(inspector__username="inspector_beta", school__slug="gamma")
    twice = bureau.post("/inspections/assignments/new/", {"inspector": user("inspector_beta").pk,
                                                          "school": school("gamma").pk})  # fmt: skip
    assert twice.status_code == 400 and "已是伽马学校的责任督学" in twice.content.decode()
    not_inspector = bureau.post("/inspections/assignments/new/", {"inspector": user("alpha_admin").pk,
                                                                  "school": school("gamma").pk})  # fmt: skip
    assert not_inspector.status_code == 400
    ended = bureau.post(f"/inspections/assignments/{assignment.pk}/end/", {})
    assert ended.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == today()
    page = bureau.get("/inspections/assignments/").content.decode()
    assert "伽马学校" in page.split('id="history"')[1]
    assert list(AuditEvent.objects.filter(object_type="inspections.inspectorassignment").values_list(
        "action", flat=True).order_by("id")) == ["assignment.created", "assignment.ended"]  # fmt: skip
    assert client_for("inspector_alpha").get("/inspections/assignments/").status_code == 403
    api = bureau.post("/api/v1/assignments/", {"inspector": user("inspector_beta").pk, "school": school("gamma").pk},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 201
    end = bureau.post(f"/api/v1/assignments/{api.json()['id']}/end/", {}, content_type="application/json")
    assert end.status_code == 200 and end.json()["ends_on"] == today().isoformat()
    again = bureau.post(f"/api/v1/assignments/{api.json()['id']}/end/", {}, content_type="application/json")
    assert again.status_code == 400


def test_the_profile_and_the_public_sign(client_for):
    bureau = client_for("bureau_staff")
    png = io.BytesIO()
    Image.new("RGB", (600, 800), (20, 20, 200)).save(png, format="PNG")
    saved = bureau.post(f"/inspections/inspectors/{user('inspector_alpha').pk}/", {
        "full_name": "张督学", "contact": "0519-88880001", "certificate_no": "督学证 2024-017",
        "photo": SimpleUploadedFile("me.png", png.getvalue(), content_type="image/png")})  # fmt: skip
    assert saved.status_code == 302
    profile = InspectorProfile.objects.get(user__username="inspector_alpha")
    assert profile.certificate_no == "督学证 2024-017" and user("inspector_alpha").full_name == "张督学"
    assert AuditEvent.objects.filter(action="inspector_profile.saved").exists()
    assert (
        client_for("inspector_beta").get(f"/inspections/inspectors/{user('inspector_alpha').pk}/").status_code
        == 404
    )
    DistrictSettings.current()
    DistrictSettings.objects.update(supervision_hotline="0519-85000000")
    with tenant_context(school("alpha")):
        incident = Incident.objects.create(code="SIGN-1", source="teacher", occurred_at=timezone.now(), place="操场",
                                           summary="x", created_by=user("alpha_admin"))  # fmt: skip
        IncidentParty.objects.create(incident=incident, student_name="赵小明", grade="四年级",
                                     class_name="四年级2班", role="victim")  # fmt: skip
    public = client_for(None, "alpha")
    assert 'href="/guapai/"' in public.get("/gongshi/").content.decode()
    for path in ["/guapai/", "/guapai/print/"]:
        sign = public.get(path)
        assert sign.status_code == 200
        body = sign.content.decode()
        for shown in ["张督学", "督学证 2024-017", "0519-88880001", "0519-85000000", "重点部位视频监控覆盖"]:
            assert shown in body
        for pupil in ["赵小明", "四年级2班", "SIGN-1"]:
            assert pupil not in body
    photo = public.get(f"/guapai/photo/{user('inspector_alpha').pk}/")
    assert photo.status_code == 200
    assert client_for(None, "beta").get(f"/guapai/photo/{user('inspector_alpha').pk}/").status_code == 404
    assert "张督学" not in client_for(None, "beta").get("/guapai/").content.decode()


# --- coverage --------------------------------------------------------------------------------


def _visit(inspector, slug, day, **fields):
    return Visit.objects.create(inspector=user(inspector), school=school(slug), visited_on=day, summary="例行督导",
                                filed_at=at(day), **fields)  # fmt: skip


def test_coverage_over_a_semester_with_a_frozen_clock(client_for):
    _visit("inspector_alpha", "alpha", dt.date(2026, 1, 20))  # last semester: not counted
    _visit("inspector_alpha", "alpha", dt.date(2026, 2, 10))
    _visit("inspector_alpha", "alpha", dt.date(2026, 5, 14))
    _visit(
        "inspector_alpha", "alpha", dt.date(2026, 5, 2), voided_at=at(dt.date(2026, 5, 3)), void_reason="误填"
    )
    _visit("bureau_staff", "alpha", dt.date(2026, 5, 15))  # the bureau's visit: the school's latest, not hers
    _visit("inspector_beta", "beta", dt.date(2026, 3, 1))
    with server_clock(at(dt.date(2026, 5, 15))):
        rows = {row["school"].slug: row for row in coverage()}
        alpha, beta = rows["alpha"], rows["beta"]
        assert (alpha["period_visits"], alpha["semester_visits"], alpha["month_visits"]) == (2, 2, 1)
        assert (alpha["required"], alpha["met"], alpha["latest"], alpha["stale"]) == (
            2,
            True,
            dt.date(2026, 5, 15),
            False,
        )
        assert (beta["period_visits"], beta["met"], beta["days_since"], beta["stale"]) == (1, False, 75, True)
        totals = {t["inspector"].username: t for t in coverage_by_inspector(coverage())}
        assert (totals["inspector_alpha"]["met"], totals["inspector_beta"]["met"]) == (1, 0)

        DistrictSettings.objects.update(visit_frequency="month", visits_required=1, not_visited_days=90)
        rows = {row["school"].slug: row for row in coverage()}
        assert (rows["alpha"]["period_visits"], rows["alpha"]["met"]) == (1, True)
        assert (rows["beta"]["period_visits"], rows["beta"]["met"], rows["beta"]["stale"]) == (
            0,
            False,
            False,
        )

        api = client_for("inspector_beta").get("/api/v1/coverage/").json()
        assert [(r["school_name"], r["period_visits"], r["met"]) for r in api] == [("贝塔中学", 0, False)]
        home = client_for("inspector_alpha").get("/inspections/me/").content.decode()
        assert "阿尔法小学" in home and "贝塔中学" not in home


def test_the_dashboard_uses_the_district_threshold_and_draws_coverage(client_for):
    _visit("inspector_alpha", "alpha", today() - dt.timedelta(days=5))
    _visit("inspector_beta", "beta", today() - dt.timedelta(days=1))
    DistrictSettings.current()
    DistrictSettings.objects.update(not_visited_days=3)
    page = client_for("bureau_staff").get("/dashboard/")
    body = page.content.decode()
    assert page.status_code == 200 and "3 天内未督导学校" in body
    assert page.context["board"].tiles["not_visited"] == 2  # alpha (5 days) and gamma (never); beta visited
    assert 'id="chart-coverage"' in body and "coverage-data" in body


def test_the_assigned_inspector_reads_the_schools_ledger_activities_and_governance(client_for):
    from schools.models import Activity, Hazard

    with tenant_context(school("alpha")):
        hazard = Hazard.objects.create(found_on=today(), place="toilet", risk_kind="监控盲区", method="patrol",
                                       found_by="政教处", description="厕所外走廊无监控", responsible="总务处",
                                       deadline=today())  # fmt: skip
        activity = Activity.objects.create(held_on=today(), kind="lecture", title="法治进校园讲座")
    inspector = client_for("inspector_alpha", "alpha")
    for path, shown in [("/ledger/", "监控盲区"), (f"/ledger/{hazard.pk}/", "厕所外走廊无监控"),
                        ("/activities/", "法治进校园讲座"), (f"/activities/{activity.pk}/", "法治进校园讲座"),
                        ("/governance/", "")]:  # fmt: skip
        response = inspector.get(path)
        assert response.status_code == 200 and shown in response.content.decode(), path
    assert inspector.post(f"/ledger/{hazard.pk}/void/", {"reason": "x"}).status_code == 403
    assert inspector.get("/incidents/").status_code == 403  # incidents name pupils: members only
    assert client_for("inspector_beta", "alpha").get("/ledger/").status_code == 403


def test_the_bureau_sets_the_coverage_rules_on_its_page_and_through_the_api(client_for):
    bureau = client_for("bureau_staff")
    saved = bureau.post("/inspections/assignments/rules/", {"visit_frequency": "month", "visits_required": "1",
                                                            "not_visited_days": "45", "supervision_hotline": "12345"})  # fmt: skip
    assert saved.status_code == 302
    rules = DistrictSettings.current()
    assert (rules.visit_frequency, rules.visits_required, rules.not_visited_days) == ("month", 1, 45)
    event = AuditEvent.objects.get(action="settings.inspection_rules_changed")
    assert event.changes["not_visited_days"] == {"old": "30", "new": "45"}
    bad = bureau.post("/inspections/assignments/rules/", {"visit_frequency": "week", "visits_required": "0",
                                                          "not_visited_days": "45"})  # fmt: skip
    assert bad.status_code == 400
    assert client_for("inspector_alpha").post("/inspections/assignments/rules/", {}).status_code == 403
    api = bureau.post("/api/v1/coverage/rules/", {"visit_frequency": "semester", "visits_required": 2,
                                                  "not_visited_days": 0, "supervision_hotline": ""},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 400
    api = bureau.post("/api/v1/coverage/rules/", {"visit_frequency": "semester", "visits_required": 3,
                                                  "not_visited_days": 60, "supervision_hotline": "12345"},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 200 and DistrictSettings.current().visits_required == 3
    assert AuditEvent.objects.filter(action="settings.inspection_rules_changed").count() == 2


def test_profiles_and_the_checklist_through_the_api(client_for):
    mine = client_for("inspector_alpha").post(
        f"/api/v1/inspectors/{user('inspector_alpha').pk}/profile/",
        {"full_name": "王督学", "contact": "0519-1", "certificate_no": "C-9"}, content_type="application/json")  # fmt: skip
    assert mine.status_code == 200 and mine.json()["certificate_no"] == "C-9"
    other = client_for("inspector_beta").post(f"/api/v1/inspectors/{user('inspector_alpha').pk}/profile/",
                                              {"full_name": "x"}, content_type="application/json")  # fmt: skip
    assert other.status_code == 404 and InspectorProfile.objects.get().certificate_no == "C-9"
    body = {"items": [{"code": "leadership", "text": "领导小组", "answer_type": "yes_no"},
                      {"code": "meetings", "text": "主题班会", "answer_type": "number", "expected": 2}]}  # fmt: skip
    refused = client_for("inspector_alpha").post("/api/v1/checklist/", body, content_type="application/json")
    assert refused.status_code == 400 and "只有教育局工作人员" in refused.json()["message"]
    wrong = client_for("bureau_staff").post("/api/v1/checklist/", {"items": [{**body["items"][0], "answer_type": "x"}]},
                                            content_type="application/json")  # fmt: skip
    assert wrong.status_code == 400 and current_template().version == 1
    made = client_for("bureau_staff").post("/api/v1/checklist/", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["version"] == 2
    assert [i["code"] for i in client_for("inspector_alpha").get("/api/v1/checklist/").json()["items"]] == [
        "leadership", "meetings"]  # fmt: skip
