"""Break-glass access (DESIGN.md §2): a district user may read one serious case's records in a
school's own site — names included — only under a grant that states a reason, is approved by a
second bureau user (or, where the district sets it, opens after a delay in which the school, told
at once, may object), expires (a district setting, 72 hours by default), can be revoked, and logs
every page viewed. The school is told when a grant is asked for and when it opens, and sees every
grant and its log.

The states and moves of a grant are in TRANSITIONS; each action checks it.

Each change validates, writes, records the district audit log (and the school's own) in the same
transaction, and queues its notices for after the commit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight.models import (
    BreakGlassAccess,
    BreakGlassGrant,
    BreakGlassMode,
    BreakGlassState,
    DistrictSettings,
)
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School, SchoolMembership
from tenants.roles import SchoolRole

MIN_REASON_LENGTH = 10

# state -> the moves allowed from it (revoking is allowed from every state that may still open).
TRANSITIONS = {
    BreakGlassState.REQUESTED: {"approve": BreakGlassState.APPROVED, "reject": BreakGlassState.REJECTED},
    BreakGlassState.DELAYED: {"object": BreakGlassState.OBJECTED},
    BreakGlassState.APPROVED: {},
    BreakGlassState.REJECTED: {},
    BreakGlassState.OBJECTED: {},
}


def _check_move(grant: BreakGlassGrant, move: str) -> str:
    target = TRANSITIONS.get(grant.state, {}).get(move)
    if target is None:
        raise ValidationError(_("该授权当前为“%(state)s”，不能执行此操作。") % {"state": grant.get_state_display()},
                              code="not_allowed")  # fmt: skip
    return target


def active_grants(*, user, school=None, now=None):
    """The grants this user may read under now: approved or past their delay unobjected, started,
    not revoked, not expired (computed from the clock, no write when a delay passes)."""
    now = now or timezone.now()
    grants = BreakGlassGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, state__in=[BreakGlassState.APPROVED, BreakGlassState.DELAYED],
        starts_at__lte=now, expires_at__gt=now,
    )  # fmt: skip
    return grants.filter(school=school) if school is not None else grants


def active_grant(*, user, school, incident_id) -> BreakGlassGrant | None:
    """The grant that lets this district user read this incident of this school now, if any."""
    if not getattr(user, "is_authenticated", False) or not user.is_bureau or school is None:
        return None
    try:
        incident_id = int(incident_id)
    except (TypeError, ValueError):
        return None
    return (
        active_grants(user=user, school=school)
        .filter(incident_id=incident_id)
        .order_by("-expires_at")
        .first()
    )


def record_access(*, grant: BreakGlassGrant, path: str) -> BreakGlassAccess:
    """Log one page viewed under a grant; written before the page is served."""
    return BreakGlassAccess.objects.create(grant=grant, path=path[:500])


def _serious_incident(school: School, code: str):
    """Find the incident by its code inside the school's schema; refuse unless it is a serious case."""
    from schools.models import Incident

    with schema_context(school.schema_name):
        incident = Incident.objects.filter(code=code).first()  # materialised inside the school's schema
    if incident is None:
        raise ValidationError({"incident_code": _("%(school)s没有编号为“%(code)s”的事件。") % {
            "school": school.name, "code": code}})  # fmt: skip
    if incident.voided_at is not None:
        raise ValidationError({"incident_code": _("该事件已作废，不能申请紧急调阅。")})
    if not incident.is_serious:
        raise ValidationError({"incident_code": _(
            "只有认定为严重欺凌（严重欺凌、屡教不改或情节恶劣、违反治安管理或涉嫌犯罪）的事件才能申请紧急调阅。"
        )})  # fmt: skip
    return incident


def _tell_the_school(
    school: School, grant: BreakGlassGrant, *, acting_user, title: str, body: str, action: str = ""
) -> None:
    """Write the event into the school's own log and notify its admins (e-mailed after commit)."""
    from schools import audit as school_audit
    from schools.notices import notify

    admins = list(
        SchoolMembership.objects.filter(school=school, role=SchoolRole.ADMIN, active=True).values_list(
            "user_id", flat=True
        )
    )
    with schema_context(school.schema_name):
        action = action or f"break_glass.{'revoked' if grant.revoked_at else 'granted'}"
        school_audit.record(actor=acting_user, action=action, obj=grant, changes=_school_changes(grant))
        for user_id in admins:
            notify(recipient_id=user_id, title=title, body=body, link="/audit/break-glass/")


def _school_changes(grant: BreakGlassGrant) -> dict:
    if grant.revoked_at is not None:
        return {"revoked_at": {"old": None, "new": grant.revoked_at.isoformat()}}
    return {
        "state": {"old": None, "new": grant.state},
        "grantee": {"old": None, "new": str(grant.grantee)},
        "incident_code": {"old": None, "new": grant.incident_code},
        "reason": {"old": None, "new": grant.reason},
        "expires_at": {"old": None, "new": grant.expires_at.isoformat()},
    }


@transaction.atomic(durable=True)
def open_grant(*, acting_user, school: School | None, incident_code: str, reason: str) -> BreakGlassGrant:
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以申请紧急调阅。"))
    code, reason = (incident_code or "").strip(), (reason or "").strip()
    errors = {}
    if school is None or school.schema_name == "public":
        errors["school"] = _("请选择学校。")
    elif not school.is_active:
        errors["school"] = _("该校站点已暂停使用，无法调阅。")
    if not code:
        errors["incident_code"] = _("请填写事件编号。")
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = _("请说明调阅理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH}
    if errors:
        raise ValidationError(errors)
    incident = _serious_incident(school, code)
    refuse_identifying(school, reason=reason)
    if active_grant(user=acting_user, school=school, incident_id=incident.pk) is not None:
        raise ValidationError({"incident_code": _("您已持有该事件的有效调阅授权。")})
    if BreakGlassGrant.objects.filter(
        grantee=acting_user,
        school=school,
        incident_id=incident.pk,
        revoked_at__isnull=True,
        state=BreakGlassState.REQUESTED,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError({"incident_code": _("您对该事件的调阅申请正在等待批准。")})  # fmt: skip
    district = DistrictSettings.current()
    now = timezone.now()
    hours = dt.timedelta(hours=district.break_glass_hours)
    if district.break_glass_mode == BreakGlassMode.SCHOOL_NOTICE:
        starts = now + dt.timedelta(hours=district.break_glass_delay_hours)
        state, expires = BreakGlassState.DELAYED, starts + hours
    else:
        # An unapproved request lapses after the grant's own length.
        starts, state, expires = None, BreakGlassState.REQUESTED, now + hours
    grant = BreakGlassGrant(
        grantee=acting_user, school=school, incident_id=incident.pk, incident_code=incident.code, reason=reason,
        state=state, starts_at=starts, expires_at=expires,
    )  # fmt: skip
    grant.full_clean()
    grant.save()
    audit.record(actor=acting_user, action=f"break_glass.{state}", obj=grant, school=school, changes={
        "incident_code": grant.incident_code, "incident_id": grant.incident_id, "reason": reason, "state": state,
        "starts_at": starts.isoformat() if starts else None, "expires_at": grant.expires_at.isoformat(),
    })  # fmt: skip
    if state == BreakGlassState.DELAYED:
        body = _("调阅人：%(user)s。理由：%(reason)s。将于 %(starts)s 生效（有效期至 %(expires)s），如有异议，请在生效前在本校“紧急调阅记录”中提出。") % {
            "user": acting_user, "reason": reason, "starts": _local(starts), "expires": _local(expires)}  # fmt: skip
        title = _("区教育局申请紧急调阅事件 %(code)s（可提出异议）") % {"code": grant.incident_code}
    else:
        body = _("调阅人：%(user)s。理由：%(reason)s。须经另一名教育局人员批准后生效，每次查看都会记录在本校的紧急调阅记录中。") % {
            "user": acting_user, "reason": reason}  # fmt: skip
        title = _("区教育局申请紧急调阅事件 %(code)s") % {"code": grant.incident_code}
    _tell_the_school(
        school, grant, acting_user=acting_user, title=title, body=body, action=f"break_glass.{state}"
    )
    return grant


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic(durable=True)
def approve_grant(*, acting_user, grant: BreakGlassGrant, note: str = "") -> BreakGlassGrant:
    """A second bureau user approves: the grant opens now for the district's set length."""
    grant = BreakGlassGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以批准紧急调阅。"))
    if grant.grantee_id == acting_user.pk:
        raise ValidationError(_("紧急调阅须由申请人以外的另一名教育局人员批准。"), code="own_request")
    target = _check_move(grant, "approve")
    now = timezone.now()
    if grant.expires_at <= now:
        raise ValidationError(_("该申请已过期，请重新申请。"))
    refuse_identifying(grant.school, note=note)
    grant.state, grant.decided_by, grant.decided_at, grant.decision_note = (
        target,
        acting_user,
        now,
        (note or "").strip(),
    )
    grant.starts_at = now
    grant.expires_at = now + dt.timedelta(hours=DistrictSettings.current().break_glass_hours)
    grant.save()
    audit.record(actor=acting_user, action="break_glass.approved", obj=grant, school=grant.school, changes={
        "state": {"old": BreakGlassState.REQUESTED, "new": target}, "expires_at": grant.expires_at.isoformat()})  # fmt: skip
    _tell_the_school(
        grant.school, grant, acting_user=acting_user, action="break_glass.approved",
        title=_("区教育局已开启对事件 %(code)s 的紧急调阅") % {"code": grant.incident_code},
        body=_("调阅人：%(user)s，批准人：%(approver)s。理由：%(reason)s。有效期至 %(expires)s。每次查看都会记录在本校的紧急调阅记录中。") % {
            "user": grant.grantee, "approver": acting_user, "reason": grant.reason, "expires": _local(grant.expires_at)},
    )  # fmt: skip
    return grant


@transaction.atomic(durable=True)
def reject_grant(*, acting_user, grant: BreakGlassGrant, note: str) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以审批紧急调阅。"))
    if grant.grantee_id == acting_user.pk:
        raise ValidationError(_("紧急调阅须由申请人以外的另一名教育局人员审批。"), code="own_request")
    target = _check_move(grant, "reject")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请说明不予批准的理由。")})
    refuse_identifying(grant.school, note=note)
    grant.state, grant.decided_by, grant.decided_at, grant.decision_note = (
        target,
        acting_user,
        timezone.now(),
        note,
    )
    grant.save()
    audit.record(actor=acting_user, action="break_glass.rejected", obj=grant, school=grant.school,
                 changes={"state": {"old": BreakGlassState.REQUESTED, "new": target}, "note": note})  # fmt: skip
    return grant


@transaction.atomic(durable=True)
def object_to_grant(*, acting_user, grant: BreakGlassGrant, reason: str) -> BreakGlassGrant:
    """The school's admin objects before a delayed grant opens: it never opens."""
    grant = BreakGlassGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    membership = (
        acting_user.membership_in(grant.school) if getattr(acting_user, "is_authenticated", False) else None
    )
    if membership is None or not membership.is_admin:
        raise ValidationError(_("只有本校管理员可以对紧急调阅提出异议。"))
    target = _check_move(grant, "object")
    if grant.starts_at <= timezone.now():
        raise ValidationError(_("该授权已经生效，不能再提出异议；如有问题请联系区教育局。"), code="started")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("请说明异议理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH}})
    # The objection is stored in the public schema and read by bureau staff.
    refuse_identifying(grant.school, reason=reason, refuse_staff_names=True)
    grant.state, grant.objected_by, grant.objected_at, grant.objection_reason = (
        target,
        acting_user,
        timezone.now(),
        reason,
    )
    grant.save()
    audit.record(actor=acting_user, action="break_glass.objected", obj=grant, school=grant.school,
                 changes={"state": {"old": BreakGlassState.DELAYED, "new": target}, "reason": reason})  # fmt: skip
    with schema_context(grant.school.schema_name):
        from schools import audit as school_audit

        school_audit.record(actor=acting_user, action="break_glass.objected", obj=grant,
                            changes={"objection_reason": {"old": "", "new": reason}})  # fmt: skip
    return grant


@transaction.atomic(durable=True)
def revoke_grant(*, acting_user, grant: BreakGlassGrant) -> BreakGlassGrant:
    """The grantee or a bureau admin ends a grant before it expires."""
    grant = BreakGlassGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    if not (grant.grantee_id == acting_user.pk or acting_user.is_bureau_admin):
        raise ValidationError(_("只有调阅人本人或教育局管理员可以撤销此授权。"))
    if grant.revoked_at is not None:
        raise ValidationError(_("该授权已经撤销。"))
    if (
        grant.state in (BreakGlassState.REJECTED, BreakGlassState.OBJECTED)
        or grant.expires_at <= timezone.now()
    ):
        raise ValidationError(_("该授权已经失效，无需撤销。"))
    grant.revoked_at = timezone.now()
    grant.revoked_by = acting_user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor=acting_user, action="break_glass.revoked", obj=grant, school=grant.school,
                 changes={"revoked_at": {"old": None, "new": grant.revoked_at.isoformat()}})  # fmt: skip
    _tell_the_school(
        grant.school, grant, acting_user=acting_user,
        title=_("事件 %(code)s 的紧急调阅授权已撤销") % {"code": grant.incident_code},
        body=_("撤销人：%(user)s。") % {"user": acting_user},
    )  # fmt: skip
    return grant
