"""Every change to inspector visits (督导记录) and rectification notices (整改通知书) goes through one
of these functions: each checks who may do it, validates, writes, records the district audit log in
the same transaction, and queues a notice to the school's admins for after the commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from inspections.models import (
    NOTICE_TRANSITIONS,
    VISIT_TRANSITIONS,
    NoticeStatus,
    RectificationNotice,
    Visit,
    VisitState,
    can_move,
)
from inspections.permissions import may_act_for
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School


def _require_may_act(user, school: School, field: str | None = "school") -> None:
    if may_act_for(user, school):
        return
    if getattr(user, "is_inspector", False):
        message = _("您目前不是%(school)s的责任督学，不能办理该校的督导事项。") % {"school": school.name}
        raise ValidationError({field: message} if field else message, code="not_assigned")
    raise ValidationError(_("只有责任督学和教育局工作人员可以办理督导事项。"), code="not_allowed")


def _notify_after_commit(school: School, title: str, body: str) -> None:
    """Queue an in-app notice (e-mailed from the school's schema) to each of the school's admins,
    written only once the change has committed."""
    from oversight.actions import school_admin_ids
    from schools.notices import notify

    def send():
        recipients = school_admin_ids(school)
        with schema_context(school.schema_name):
            for user_id in recipients:
                notify(recipient_id=user_id, title=title, body=body)

    transaction.on_commit(send, robust=True)


@transaction.atomic(durable=True)
def log_visit(*, acting_user, school: School, visited_on, kind: str, summary: str) -> Visit:
    _require_may_act(acting_user, school)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("请填写督导情况（检查了什么、发现了什么）。")})
    refuse_identifying(school, summary=summary)
    visit = Visit(inspector=acting_user, school=school, visited_on=visited_on, kind=kind, summary=summary)
    visit.full_clean()
    visit.save()
    audit.record(actor=acting_user, action="visit.logged", obj=visit, school=school, changes={
        "visited_on": visit.visited_on.isoformat(), "kind": visit.kind, "summary": visit.summary,
    })  # fmt: skip
    _notify_after_commit(
        school,
        _("责任督学%(inspector)s于%(date)s到校督导（%(kind)s）")
        % {"inspector": acting_user, "date": visit.visited_on, "kind": visit.get_kind_display()},
        visit.summary,
    )
    return visit


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
    if visit.notices.filter(status=NoticeStatus.OPEN).exists():
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


@transaction.atomic(durable=True)
def raise_notice(*, acting_user, visit: Visit, items: str, due_on=None) -> RectificationNotice:
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    _require_may_act(acting_user, visit.school, field=None)
    if visit.is_voided:
        raise ValidationError(_("该督导记录已作废，不能下达整改通知书。"), code="voided")
    items = (items or "").strip()
    if not items:
        raise ValidationError({"items": _("请填写整改事项。")})
    refuse_identifying(visit.school, items=items)
    today = timezone.localdate()
    if due_on is None:
        due_on = RectificationNotice.default_due_on(today)
    elif due_on < today:
        raise ValidationError({"due_on": _("整改期限不能早于今天。")})
    notice = RectificationNotice(
        visit=visit, school=visit.school, issued_by=acting_user, issued_on=today, due_on=due_on, items=items
    )
    notice.full_clean()
    notice.save()
    audit.record(actor=acting_user, action="rectification_notice.issued", obj=notice, school=visit.school,
                 changes={"visit": visit.pk, "due_on": due_on.isoformat(), "items": items})  # fmt: skip
    _notify_after_commit(
        visit.school,
        _("整改通知书：请于%(due)s前完成整改") % {"due": due_on},
        items,
    )
    return notice


@transaction.atomic(durable=True)
def close_notice(*, acting_user, notice: RectificationNotice, note: str) -> RectificationNotice:
    """Re-check the fixes and close the notice (复查销号)."""
    notice = RectificationNotice.objects.select_for_update().select_related("school").get(pk=notice.pk)
    _require_may_act(acting_user, notice.school, field=None)
    if not can_move(NOTICE_TRANSITIONS, notice.status, NoticeStatus.CLOSED):
        raise ValidationError(
            _("该整改通知书已于%(date)s复查销号，不能重复销号。") % {"date": notice.closed_on},
            code="already_closed",
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写复查情况。")})
    refuse_identifying(notice.school, note=note)
    old = notice.status
    notice.status, notice.closed_on = NoticeStatus.CLOSED, timezone.localdate()
    notice.closed_by, notice.close_note = acting_user, note
    notice.full_clean()
    notice.save(update_fields=["status", "closed_on", "closed_by", "close_note", "updated_at"])
    audit.record(actor=acting_user, action="rectification_notice.closed", obj=notice, school=notice.school,
                 changes={"status": {"old": old, "new": notice.status}, "note": note})  # fmt: skip
    _notify_after_commit(
        notice.school,
        _("%(date)s下达的整改通知书已复查销号") % {"date": notice.issued_on},
        _("复查情况：%(note)s") % {"note": note},
    )
    return notice
