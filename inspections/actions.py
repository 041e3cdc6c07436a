"""Every change to inspections goes through one of these functions: each checks who may do it,
validates, writes, records the district audit log in the same transaction, and queues what the
school is told for after the commit.

Assignments and the checklist are the bureau's; visits, plans, notices and re-checks the assigned
inspector's (bureau staff may log visits and raise notices too, but only the assigned inspector
re-checks); the school answers its own notices."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from inspections import photos as photo_rules
from inspections.checklist import score_answer
from inspections.models import (
    AnswerType,
    ChecklistItem,
    ChecklistTemplate,
    InspectorAssignment,
    InspectorProfile,
    NoticeItem,
    RectificationNotice,
    Visit,
    VisitAnswer,
    VisitKind,
    VisitMethod,
    VisitPhoto,
    VisitPlan,
)
from inspections.permissions import may_act_for
from inspections.selectors import current_template, inspector_is_assigned
from inspections.workflow import (
    ITEM_TRANSITIONS,
    NOTICE_TRANSITIONS,
    PLAN_TRANSITIONS,
    VISIT_TRANSITIONS,
    ItemState,
    NoticeStatus,
    PlanState,
    VisitState,
    can_move,
    notice_status_for,
)
from schools.privacy.gate import check_phone, refuse_identifying
from tenants import audit
from tenants.models import School


def _require_may_act(user, school: School, field: str | None = "school") -> None:
    if may_act_for(user, school):
        return
    if getattr(user, "is_inspector", False):
        message = _("您目前不是%(school)s的责任督学，不能办理该校的督导事项。") % {"school": school.name}
        raise ValidationError({field: message} if field else message, code="not_assigned")
    raise ValidationError(_("只有责任督学和教育局工作人员可以办理督导事项。"), code="not_allowed")


def _require_bureau(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_bureau):
        raise ValidationError(_("只有教育局工作人员可以办理此事项。"), code="not_bureau")


def _notify_after_commit(school: School, title: str, body: str, link: str = "") -> None:
    """Queue an in-app notice (e-mailed from the school's schema) to each of the school's admins,
    written only once the change has committed."""
    from oversight.actions import school_admin_ids
    from schools.notices import notify

    def send():
        recipients = school_admin_ids(school)
        with schema_context(school.schema_name):
            for user_id in recipients:
                notify(recipient_id=user_id, title=title, body=body, link=link)

    transaction.on_commit(send, robust=True)


# --- assignments and profiles (the bureau's) -------------------------------------------------


@transaction.atomic(durable=True)
def assign_inspector(*, acting_user, inspector, school: School, starts_on: dt.date | None = None):
    _require_bureau(acting_user)
    if not getattr(inspector, "is_inspector", False):
        raise ValidationError({"inspector": _("只能把学校分配给责任督学账号。")})
    starts_on = starts_on or timezone.localdate()
    if InspectorAssignment.objects.filter(inspector=inspector, school=school, ends_on__isnull=True).exists():
        raise ValidationError(
            {
                "school": _("%(inspector)s已是%(school)s的责任督学。")
                % {"inspector": inspector, "school": school.name}
            }
        )
    assignment = InspectorAssignment(inspector=inspector, school=school, starts_on=starts_on)
    assignment.full_clean()
    assignment.save()
    audit.record(actor=acting_user, action="assignment.created", obj=assignment, school=school,
                 changes={"inspector": inspector.pk, "starts_on": starts_on.isoformat()})  # fmt: skip
    return assignment


@transaction.atomic(durable=True)
def end_assignment(*, acting_user, assignment: InspectorAssignment, ends_on: dt.date | None = None):
    _require_bureau(acting_user)
    assignment = InspectorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ends_on is not None:
        raise ValidationError(
            _("该分工已于%(date)s结束。") % {"date": assignment.ends_on}, code="already_ended"
        )
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit.record(actor=acting_user, action="assignment.ended", obj=assignment, school=assignment.school,
                 changes={"ends_on": ends_on.isoformat()})  # fmt: skip
    return assignment


@transaction.atomic(durable=True)
def save_profile(*, acting_user, inspector, full_name: str, contact: str, certificate_no: str, photo=None):
    """The sign's details of one inspector: by bureau staff, or the inspector themself."""
    if not getattr(acting_user, "is_authenticated", False) or not (
        acting_user.is_bureau or acting_user.pk == inspector.pk
    ):
        raise ValidationError(_("只有教育局工作人员或本人可以修改责任督学信息。"), code="not_allowed")
    if not inspector.is_inspector:
        raise ValidationError(_("该账号不是责任督学。"), code="not_inspector")
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    profile, _created = InspectorProfile.objects.select_for_update().get_or_create(user=inspector)
    old = {
        "full_name": inspector.full_name,
        "contact": profile.contact,
        "certificate_no": profile.certificate_no,
    }
    inspector.full_name = full_name
    inspector.save(update_fields=["full_name"])
    profile.contact, profile.certificate_no = (contact or "").strip(), (certificate_no or "").strip()
    if photo is not None:
        content, _w, _h = photo_rules.clean_photo(photo)
        profile.photo.save(content.name, content, save=False)
    profile.full_clean()
    profile.save()
    new = {"full_name": full_name, "contact": profile.contact, "certificate_no": profile.certificate_no}
    changes = {k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]}
    if photo is not None:
        changes["photo"] = profile.photo.name
    audit.record(actor=acting_user, action="inspector_profile.saved", obj=profile, changes=changes)
    return profile


# --- the checklist (the bureau's) ------------------------------------------------------------


@transaction.atomic(durable=True)
def revise_checklist(*, acting_user, items: list[dict], note: str = "") -> ChecklistTemplate:
    """Publish a new version of the checklist with these items (each: code, text, answer_type,
    points, expected). Visits already filed keep the version they used."""
    _require_bureau(acting_user)
    if not items:
        raise ValidationError({"items": _("检查表至少要有一个检查项。")})
    codes = set()
    for item in items:
        if not (item.get("text") or "").strip():
            raise ValidationError({"text": _("检查内容不能为空。")})
        if item.get("answer_type") not in AnswerType.values:
            raise ValidationError({"answer_type": _("请选择答案类型。")})
        if item["code"] in codes:
            raise ValidationError({"code": _("检查项编码“%(code)s”重复。") % {"code": item["code"]}})
        codes.add(item["code"])
    # The checklist is printed on every school's notices and the inspectors' pages: district-wide
    # text, checked against every school's pupils.
    refuse_identifying(None, note=(note or "").strip(), text="\n".join(i["text"].strip() for i in items),
                       code="\n".join(str(i["code"]) for i in items))  # fmt: skip
    latest = ChecklistTemplate.objects.select_for_update().order_by("-version").first()
    template = ChecklistTemplate.objects.create(
        version=(latest.version if latest else 0) + 1, note=(note or "").strip()[:200], created_by=acting_user
    )
    for order, item in enumerate(items, start=1):
        row = ChecklistItem(template=template, order=order, code=item["code"], text=item["text"].strip(),
                            answer_type=item["answer_type"], points=item.get("points") or 0,
                            expected=item.get("expected"))  # fmt: skip
        row.full_clean()
        row.save()
    audit.record(actor=acting_user, action="checklist.revised", obj=template, changes={
        "version": template.version, "note": template.note, "items": [i["code"] for i in items],
    })  # fmt: skip
    return template


def checklist_items_as_data(template: ChecklistTemplate) -> list[dict]:
    return [{"code": i.code, "text": i.text, "answer_type": i.answer_type, "points": i.points,
             "expected": i.expected} for i in template.items.order_by("order")]  # fmt: skip


# --- plans -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def plan_visit(*, acting_user, school: School, planned_on: dt.date, kind: str, note: str = "") -> VisitPlan:
    _require_may_act(acting_user, school)
    if not acting_user.is_inspector:
        raise ValidationError(_("督导计划由责任督学本人制订。"), code="not_inspector")
    if planned_on < timezone.localdate():
        raise ValidationError({"planned_on": _("计划日期不能早于今天。")})
    if kind not in (VisitKind.ROUTINE, VisitKind.SPECIAL, VisitKind.UNANNOUNCED):
        raise ValidationError({"kind": _("督导计划只能是例行督导、专项检查或随机督导。")})
    note = (note or "").strip()[:200]
    refuse_identifying(school, note=note)
    plan = VisitPlan.objects.create(inspector=acting_user, school=school, planned_on=planned_on, kind=kind,
                                    note=note)  # fmt: skip
    audit.record(actor=acting_user, action="visit_plan.created", obj=plan, school=school,
                 changes={"planned_on": planned_on.isoformat(), "kind": kind})  # fmt: skip
    return plan


@transaction.atomic(durable=True)
def cancel_plan(*, acting_user, plan: VisitPlan) -> VisitPlan:
    plan = VisitPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    if plan.inspector_id != acting_user.pk and not acting_user.is_bureau:
        raise ValidationError(_("只能取消本人的督导计划。"), code="not_own")
    if not can_move(PLAN_TRANSITIONS, plan.state, PlanState.CANCELLED):
        raise ValidationError(_("该督导计划已%(state)s，不能取消。") % {"state": plan.get_state_display()})
    old, plan.state = plan.state, PlanState.CANCELLED
    plan.save(update_fields=["state"])
    audit.record(actor=acting_user, action="visit_plan.cancelled", obj=plan, school=plan.school,
                 changes={"state": {"old": old, "new": plan.state}})  # fmt: skip
    return plan


# --- visits ----------------------------------------------------------------------------------


def _answers(template: ChecklistTemplate | None, answers: dict | None) -> list[tuple[ChecklistItem, dict]]:
    """The checked answers, item by item: `answers` maps item id → {"value": …, "evidence": …}."""
    answers = answers or {}
    if template is None:
        return []
    items = {item.pk: item for item in template.items.all()}
    unknown = [key for key in answers if int(key) not in items]
    if unknown:
        raise ValidationError({"answers": _("检查项不属于本次使用的检查表（%(v)s）。") % {"v": template}})
    checked = []
    for item_id, item in items.items():
        given = answers.get(item_id) or answers.get(str(item_id)) or {}
        scored = score_answer(item, given.get("value"), given.get("evidence", ""))
        if not scored.pop("empty") or scored["evidence_note"]:
            checked.append((item, scored))
    return checked


def _answer_value(scored: dict):
    if scored["choice"]:
        return scored["choice"]
    return scored["number"] if scored["number"] is not None else scored["text"]


@transaction.atomic(durable=True)
def log_visit(
    *, acting_user, school: School, visited_on, kind: str, summary: str, duration_minutes: int | None = None,
    methods=(), answers: dict | None = None, late_reason: str = "", client_key: str = "", plan=None, photos=(),
) -> Visit:  # fmt: skip
    """File a visit record with its checklist answers and photos. A resend with the same
    `client_key` (the form's, or the phone's draft's) returns the visit already filed and changes
    nothing."""
    client_key = (client_key or "").strip()[:64]
    if client_key and getattr(acting_user, "is_authenticated", False):
        already = Visit.objects.filter(inspector=acting_user, client_key=client_key).first()
        if already is not None:
            return already
    _require_may_act(acting_user, school)
    summary, late_reason = (summary or "").strip(), (late_reason or "").strip()
    if not summary:
        raise ValidationError({"summary": _("请填写督导发现（检查了什么、发现了什么）。")})
    methods = list(dict.fromkeys(methods or []))
    if any(m not in VisitMethod.values for m in methods):
        raise ValidationError(
            {"methods": _("督导方式只能从随机听课、查阅资料、座谈、问卷、实地查看中选择。")}
        )
    if duration_minutes is not None and not 0 < duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": _("督导时长应在 1 到 1440 分钟之间。")})
    if len(photos) > photo_rules.MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("每次督导最多上传 %(n)s 张照片。") % {"n": photo_rules.MAX_PHOTOS}}
        )
    template = current_template() if answers else None
    checked = _answers(template, answers)
    texts = {"summary": summary, "late_reason": late_reason}
    for item, scored in checked:
        texts[f"answer-{item.pk}"] = scored["text"]
        texts[f"evidence-{item.pk}"] = scored["evidence_note"]
    refuse_identifying(school, **texts)
    cleaned_photos = [photo_rules.clean_photo(upload) for upload in photos]
    if plan is not None:
        plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.school_id != school.pk or plan.inspector_id != acting_user.pk:
            raise ValidationError({"plan": _("该督导计划不是本人对该校的计划。")})
        if not can_move(PLAN_TRANSITIONS, plan.state, PlanState.DONE):
            raise ValidationError(
                {"plan": _("该督导计划已%(state)s。") % {"state": plan.get_state_display()}}
            )
    scored_items = [(item, s) for item, s in checked if item.answer_type != AnswerType.TEXT]
    visit = Visit(
        inspector=acting_user, school=school, visited_on=visited_on, kind=kind, summary=summary,
        duration_minutes=duration_minutes, methods=methods, late_reason=late_reason, client_key=client_key,
        template=template,
        score=sum(s["points"] or 0 for _i, s in scored_items) if template else None,
        max_score=sum(i.points for i, _s in scored_items) if template else None,
    )  # fmt: skip
    visit.full_clean()
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # two sends of one draft raced: the first one stands
        return Visit.objects.get(inspector=acting_user, client_key=client_key)
    for item, scored in checked:
        VisitAnswer.objects.create(visit=visit, item=item, **scored)
    for content, width, height in cleaned_photos:
        photo = VisitPhoto(visit=visit, width=width, height=height, size=content.size)
        photo.image.save(content.name, content, save=True)
    if plan is not None:
        plan.state, plan.visit = PlanState.DONE, visit
        plan.save(update_fields=["state", "visit"])
    audit.record(actor=acting_user, action="visit.logged", obj=visit, school=school, changes={
        "visited_on": visit.visited_on.isoformat(), "kind": visit.kind, "summary": visit.summary,
        "methods": methods, "duration_minutes": duration_minutes, "late_reason": late_reason,
        "template": template.version if template else None, "score": visit.score,
        "answers": {item.code: _answer_value(scored) for item, scored in checked},
        "photos": len(cleaned_photos), "plan": plan.pk if plan else None,
    })  # fmt: skip
    _notify_after_commit(
        school,
        _("责任督学%(inspector)s于%(date)s到校督导（%(kind)s）")
        % {"inspector": acting_user, "date": visit.visited_on, "kind": visit.get_kind_display()},
        visit.summary,
    )
    return visit


@transaction.atomic(durable=True)
def add_visit_photos(*, acting_user, visit: Visit, photos) -> list[VisitPhoto]:
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    _require_may_act(acting_user, visit.school, field=None)
    if visit.is_voided:
        raise ValidationError(_("该督导记录已作废。"), code="voided")
    if not photos:
        raise ValidationError({"photos": _("请选择照片。")})
    if visit.photos.count() + len(photos) > photo_rules.MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("每次督导最多上传 %(n)s 张照片。") % {"n": photo_rules.MAX_PHOTOS}}
        )
    cleaned = [photo_rules.clean_photo(upload) for upload in photos]
    saved = []
    for content, width, height in cleaned:
        photo = VisitPhoto(visit=visit, width=width, height=height, size=content.size)
        photo.image.save(content.name, content, save=True)
        saved.append(photo)
    audit.record(actor=acting_user, action="visit.photos_added", obj=visit, school=visit.school,
                 changes={"photos": [p.pk for p in saved]})  # fmt: skip
    return saved


@transaction.atomic(durable=True)
def void_visit(*, acting_user, visit: Visit, reason: str) -> Visit:
    """Void a record filed in error (never deleted): by bureau staff, or by the inspector who filed
    it while still assigned to the school. A visit with open notices cannot be voided."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    _require_may_act(acting_user, visit.school, field=None)
    if not can_move(VISIT_TRANSITIONS, visit.state, VisitState.VOIDED):
        raise ValidationError(_("该督导记录已作废。"), code="already_voided")
    if not acting_user.is_bureau and visit.inspector_id != acting_user.pk:
        raise ValidationError(_("只能作废本人填报的督导记录。"), code="not_own")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    refuse_identifying(visit.school, reason=reason)
    if visit.notices.exclude(status=NoticeStatus.CLOSED).exists():
        raise ValidationError(
            _("该督导记录下还有未销号的整改通知书，请先复查销号后再作废。"), code="open_notices"
        )
    visit.voided_at, visit.voided_by, visit.void_reason = timezone.now(), acting_user, reason
    visit.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    audit.record(actor=acting_user, action="visit.voided", obj=visit, school=visit.school,
                 changes={"state": {"old": VisitState.FILED, "new": VisitState.VOIDED}, "reason": reason})  # fmt: skip
    _notify_after_commit(
        visit.school,
        _("%(date)s的督导记录已作废") % {"date": visit.visited_on},
        _("作废原因：%(reason)s") % {"reason": reason},
    )
    return visit


# --- rectification notices (整改通知书) --------------------------------------------------------


@transaction.atomic(durable=True)
def raise_notice(
    *, acting_user, visit: Visit, items: str = "", answer_ids=(), due_on=None
) -> RectificationNotice:
    """A notice of the visit's failed checklist items (`answer_ids`) and/or free-text items (one a
    line); due by `due_on` or the district's limit (30 days by default)."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    _require_may_act(acting_user, visit.school, field=None)
    if visit.is_voided:
        raise ValidationError(_("该督导记录已作废，不能下达整改通知书。"), code="voided")
    chosen = list(
        visit.answers.select_related("item").filter(pk__in=list(answer_ids)).order_by("item__order")
    )
    if len(chosen) != len(set(answer_ids)):
        raise ValidationError({"answer_ids": _("所选检查项不属于这次督导。")})
    if any(not answer.failed for answer in chosen):
        raise ValidationError({"answer_ids": _("只有未达标的检查项可以列入整改通知书。")})
    if NoticeItem.objects.filter(answer__in=chosen).exists():
        raise ValidationError({"answer_ids": _("所选检查项已列入整改通知书，请在原通知书中跟进。")})
    lines = [line.strip() for line in (items or "").splitlines() if line.strip()]
    texts = [(a, a.item.text + (f"：{a.evidence_note}" if a.evidence_note else "")) for a in chosen]
    texts += [(None, line) for line in lines]
    if not texts:
        raise ValidationError({"items": _("请选择未达标的检查项或填写整改事项。")})
    refuse_identifying(visit.school, items="\n".join(t for _a, t in texts))
    today = timezone.localdate()
    if due_on is None:
        due_on = RectificationNotice.default_due_on(today)
    elif due_on < today:
        raise ValidationError({"due_on": _("整改期限不能早于今天。")})
    summary = (
        "\n".join(f"{n}. {t}" for n, (_a, t) in enumerate(texts, start=1)) if len(texts) > 1 else texts[0][1]
    )
    notice = RectificationNotice(visit=visit, school=visit.school, issued_by=acting_user, issued_on=today,
                                 due_on=due_on, items=summary)  # fmt: skip
    notice.full_clean()
    notice.save()
    for order, (answer, text) in enumerate(texts, start=1):
        NoticeItem.objects.create(notice=notice, order=order, text=text, answer=answer)
    audit.record(actor=acting_user, action="rectification_notice.issued", obj=notice, school=visit.school,
                 changes={"visit": visit.pk, "due_on": due_on.isoformat(), "items": [t for _a, t in texts]})  # fmt: skip
    _notify_after_commit(
        visit.school,
        _("整改通知书：请于%(due)s前完成整改") % {"due": due_on},
        summary,
        link=f"/zhenggai/{notice.pk}/",
    )
    return notice


def _sync_notice_status(notice: RectificationNotice, acting_user) -> str:
    """Move the notice to the status its items imply (checked against the notice workflow)."""
    target = notice_status_for(list(notice.notice_items.values_list("state", flat=True)))
    if target == notice.status:
        return target
    if not can_move(NOTICE_TRANSITIONS, notice.status, target):
        raise ValidationError(_("整改通知书不能从“%(old)s”变为“%(new)s”。") % {
            "old": notice.get_status_display(), "new": NoticeStatus(target).label})  # fmt: skip
    old, notice.status = notice.status, target
    if target == NoticeStatus.CLOSED:
        notice.closed_on, notice.closed_by = timezone.localdate(), acting_user
    notice.save(update_fields=["status", "closed_on", "closed_by", "close_note", "updated_at"])
    audit.record(actor=acting_user, action=f"rectification_notice.{target}", obj=notice, school=notice.school,
                 changes={"status": {"old": old, "new": target}})  # fmt: skip
    return target


def may_answer_for(user, school: School) -> bool:
    """The school's admins and its incident handlers (政教, 安全办, principal) answer its notices."""
    from schools.permissions import handles_incidents

    if not getattr(user, "is_authenticated", False):
        return False
    return handles_incidents(user.membership_in(school))


@transaction.atomic(durable=True)
def answer_item(*, acting_user, item: NoticeItem, measures: str, evidence: str) -> NoticeItem:
    """The school's answer to one item: what it did (measures) and what shows it (evidence)."""
    item = NoticeItem.objects.select_for_update().select_related("notice__school").get(pk=item.pk)
    notice = RectificationNotice.objects.select_for_update().get(pk=item.notice_id)
    school = notice.school
    if not may_answer_for(acting_user, school):
        raise ValidationError(_("只有本校管理员和政教、安全办负责人可以答复整改通知书。"), code="not_allowed")
    if not can_move(ITEM_TRANSITIONS, item.state, ItemState.ANSWERED):
        raise ValidationError(_("该整改事项%(state)s，不能再答复。") % {"state": item.get_state_display()},
                              code="not_open")  # fmt: skip
    measures, evidence = (measures or "").strip(), (evidence or "").strip()
    if not measures:
        raise ValidationError({"measures": _("请填写整改措施。")})
    if not evidence:
        raise ValidationError({"evidence": _("请填写整改佐证（做了什么、有什么材料可查）。")})
    refuse_identifying(school, measures=measures, evidence=evidence)
    old = item.state
    item.state, item.measures, item.evidence = ItemState.ANSWERED, measures, evidence
    item.answered_at, item.answered_by = timezone.now(), acting_user
    item.recheck_due_on = RectificationNotice.default_due_on(timezone.localdate())
    item.save()
    audit.record(actor=acting_user, action="rectification_notice.item_answered", obj=notice, school=school,
                 changes={"item": item.order, "state": {"old": old, "new": item.state}, "measures": measures,
                          "evidence": evidence})  # fmt: skip
    _sync_notice_status(notice, acting_user)
    return item


def _require_assigned_inspector(user, school: School) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_inspector
            and inspector_is_assigned(inspector=user, school=school)):  # fmt: skip
        raise ValidationError(_("只有%(school)s的责任督学可以复查整改情况。") % {"school": school.name},
                              code="not_assigned")  # fmt: skip


@transaction.atomic(durable=True)
def recheck_item(*, acting_user, item: NoticeItem, passed: bool, note: str) -> NoticeItem:
    """The assigned inspector's re-check of one answered item: closed (passed) or re-opened."""
    return _recheck(acting_user, item, passed, note)


def _recheck(acting_user, item: NoticeItem, passed: bool, note: str) -> NoticeItem:
    item = NoticeItem.objects.select_for_update().get(pk=item.pk)
    notice = RectificationNotice.objects.select_for_update().select_related("school").get(pk=item.notice_id)
    _require_assigned_inspector(acting_user, notice.school)
    target = ItemState.CLOSED if passed else ItemState.REOPENED
    if item.state in (ItemState.OPEN, ItemState.REOPENED):
        raise ValidationError(
            _("学校尚未答复第 %(n)s 项，不能复查销号。") % {"n": item.order}, code="not_answered"
        )
    if not can_move(ITEM_TRANSITIONS, item.state, target):
        raise ValidationError(_("第 %(n)s 项%(state)s，不能再复查。") % {"n": item.order,
                              "state": item.get_state_display()}, code="already_rechecked")  # fmt: skip
    if passed and not item.evidence.strip():
        raise ValidationError(
            _("第 %(n)s 项没有整改佐证，不能销号。") % {"n": item.order}, code="no_evidence"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写复查情况。")})
    refuse_identifying(notice.school, note=note)
    old = item.state
    item.state, item.recheck_note = target, note
    item.rechecked_at, item.rechecked_by = timezone.now(), acting_user
    item.save()
    audit.record(actor=acting_user, action="rectification_notice.item_rechecked", obj=notice, school=notice.school,
                 changes={"item": item.order, "state": {"old": old, "new": target}, "note": note})  # fmt: skip
    if not passed:
        _notify_after_commit(
            notice.school,
            _("整改通知书第 %(n)s 项复查未通过，请重新整改") % {"n": item.order},
            note,
            link=f"/zhenggai/{notice.pk}/",
        )
    status = _sync_notice_status(notice, acting_user)
    if status == NoticeStatus.CLOSED:
        RectificationNotice.objects.filter(pk=notice.pk).update(close_note=note)
        _notify_after_commit(
            notice.school,
            _("%(date)s下达的整改通知书已复查销号") % {"date": notice.issued_on},
            _("复查情况：%(note)s") % {"note": note},
            link=f"/zhenggai/{notice.pk}/",
        )
    return item


@transaction.atomic(durable=True)
def close_notice(*, acting_user, notice: RectificationNotice, note: str) -> RectificationNotice:
    """Re-check every answered item as passed with one note (复查销号). Refused, with nothing
    changed, unless the school has answered every item with evidence."""
    notice = RectificationNotice.objects.select_for_update().select_related("school").get(pk=notice.pk)
    _require_assigned_inspector(acting_user, notice.school)
    if not can_move(NOTICE_TRANSITIONS, notice.status, NoticeStatus.CLOSED):
        if notice.status == NoticeStatus.CLOSED:
            raise ValidationError(
                _("该整改通知书已于%(date)s复查销号，不能重复销号。") % {"date": notice.closed_on},
                code="already_closed",
            )
        raise ValidationError(_("学校尚未答复全部整改事项，不能复查销号。"), code="not_answered")
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写复查情况。")})
    for item in notice.notice_items.filter(state=ItemState.ANSWERED).order_by("order"):
        _recheck(acting_user, item, True, note)
    notice.refresh_from_db()
    return notice


# --- the district's coverage rules -----------------------------------------------------------

RULE_FIELDS = ("visit_frequency", "visits_required", "not_visited_days", "supervision_hotline")


@transaction.atomic(durable=True)
def update_inspection_rules(*, acting_user, values: dict):
    """The required visit frequency (per semester or per month), the not-visited threshold and the
    supervision hotline shown on every school's sign."""
    from oversight.models import DistrictSettings

    _require_bureau(acting_user)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"update_inspection_rules cannot change {sorted(unknown)}")
    if values.get("supervision_hotline"):
        # Shown on every school's sign: a phone number by its shape, nothing else.
        try:
            values = {**values, "supervision_hotline": check_phone(values["supervision_hotline"])}
        except ValidationError as error:
            raise ValidationError({"supervision_hotline": error.messages}) from error
    rules = DistrictSettings.objects.select_for_update().get(pk=DistrictSettings.current().pk)
    changes = {}
    for name, value in values.items():
        old = getattr(rules, name)
        if old != value:
            changes[name] = {"old": str(old), "new": str(value)}
            setattr(rules, name, value)
    if not changes:
        return rules
    rules.full_clean()
    rules.save()
    audit.record(actor=acting_user, action="settings.inspection_rules_changed", obj=rules, changes=changes)
    return rules
