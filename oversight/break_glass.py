"""Break-glass access (DESIGN.md §2): a district user may read one serious case's records in a
school's own site — names included — only under a grant that states a reason, expires (a district
setting, 72 hours by default), can be revoked, and logs every page viewed. The school is told when
a grant opens and sees every grant and its log.

Each change validates, writes, records the district audit log (and the school's own) in the same
transaction, and queues its notices for after the commit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight.models import BreakGlassAccess, BreakGlassGrant, DistrictSettings
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School, SchoolMembership
from tenants.roles import SchoolRole

MIN_REASON_LENGTH = 10


def active_grants(*, user, school=None, now=None):
    """The grants this user may read under now: not revoked, not expired."""
    grants = BreakGlassGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )
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


def _tell_the_school(school: School, grant: BreakGlassGrant, *, acting_user, title: str, body: str) -> None:
    """Write the event into the school's own log and notify its admins (e-mailed after commit)."""
    from schools import audit as school_audit
    from schools.notices import notify

    admins = list(
        SchoolMembership.objects.filter(school=school, role=SchoolRole.ADMIN, active=True).values_list(
            "user_id", flat=True
        )
    )
    with schema_context(school.schema_name):
        school_audit.record(actor=acting_user, action=f"break_glass.{'revoked' if grant.revoked_at else 'granted'}",
                            obj=grant, changes=_school_changes(grant))  # fmt: skip
        for user_id in admins:
            notify(recipient_id=user_id, title=title, body=body, link="/audit/break-glass/")


def _school_changes(grant: BreakGlassGrant) -> dict:
    if grant.revoked_at is not None:
        return {"revoked_at": {"old": None, "new": grant.revoked_at.isoformat()}}
    return {
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
    hours = DistrictSettings.current().break_glass_hours
    grant = BreakGlassGrant(
        grantee=acting_user, school=school, incident_id=incident.pk, incident_code=incident.code, reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )  # fmt: skip
    grant.full_clean()
    grant.save()
    audit.record(actor=acting_user, action="break_glass.granted", obj=grant, school=school, changes={
        "incident_code": grant.incident_code, "incident_id": grant.incident_id, "reason": reason, "expires_at": grant.expires_at.isoformat(),
    })  # fmt: skip
    expires = timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")
    _tell_the_school(
        school, grant, acting_user=acting_user,
        title=_("区教育局已开启对事件 %(code)s 的紧急调阅") % {"code": grant.incident_code},
        body=_("调阅人：%(user)s。理由：%(reason)s。有效期至 %(expires)s。每次查看都会记录在本校的紧急调阅记录中。")
        % {"user": acting_user, "reason": reason, "expires": expires},
    )  # fmt: skip
    return grant


@transaction.atomic(durable=True)
def revoke_grant(*, acting_user, grant: BreakGlassGrant) -> BreakGlassGrant:
    """The grantee or a bureau admin ends a grant before it expires."""
    grant = BreakGlassGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    if not (grant.grantee_id == acting_user.pk or acting_user.is_bureau_admin):
        raise ValidationError(_("只有调阅人本人或教育局管理员可以撤销此授权。"))
    if grant.revoked_at is not None:
        raise ValidationError(_("该授权已经撤销。"))
    if not grant.is_active():
        raise ValidationError(_("该授权已经过期，无需撤销。"))
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
