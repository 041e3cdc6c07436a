"""District appeals (复查): the bureau records a family's request, decides it with written reasons
within the district's limit (a late decision states why), and the school records what it changed.
Each action checks its actor, validates, writes and audits; the school is told after the commit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight.appeals.models import AppealChannel, AppealSubject, DistrictAppeal
from oversight.appeals.workflow import SCHOOL_MUST_RESPOND, allowed
from oversight.models import DistrictSettings
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import SchoolMembership
from tenants.roles import SchoolRole


def _bureau(user):
    if not getattr(user, "is_authenticated", False) or not user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以办理区级复查。"))


def _incident_id(school, code: str) -> int:
    from schools.models import Incident

    with schema_context(school.schema_name):
        incident = (
            Incident.objects.filter(code=code, voided_at__isnull=True).values_list("pk", flat=True).first()
        )
    if incident is None:
        raise ValidationError({"case_code": _("%(school)s没有编号为“%(code)s”的有效事件。") % {
            "school": school.name, "code": code}})  # fmt: skip
    return incident


def _tell_school(school, title: str, link: str = "/appeals/") -> None:
    from schools.notices import notify

    admins = list(SchoolMembership.objects.filter(school=school, role=SchoolRole.ADMIN, active=True)
                  .values_list("user_id", flat=True))  # fmt: skip
    with schema_context(school.schema_name):
        for user_id in admins:
            notify(recipient_id=user_id, title=title, link=link)


@transaction.atomic(durable=True)
def record_appeal(
    *, acting_user, school, case_code: str, subject: str, channel: str, received_on: dt.date, grounds: str
) -> DistrictAppeal:
    _bureau(acting_user)
    code, grounds = (case_code or "").strip(), (grounds or "").strip()
    errors = {}
    if school is None:
        errors["school"] = _("请选择学校。")
    if not code:
        errors["case_code"] = _("请填写事件编号。")
    if subject not in AppealSubject.values:
        errors["subject"] = _("请选择复查事项。")
    if channel not in AppealChannel.values:
        errors["channel"] = _("请选择收件渠道。")
    if received_on is None or received_on > timezone.localdate():
        errors["received_on"] = _("收件日期不能晚于今天。")
    if not grounds:
        errors["grounds"] = _("请填写复查请求。")
    if errors:
        raise ValidationError(errors)
    incident_id = _incident_id(school, code)
    # The family's identity stays in the school: the request is worked with the case code only.
    refuse_identifying(school, grounds=grounds, refuse_staff_names=True)
    days = DistrictSettings.current().appeal_review_days
    appeal = DistrictAppeal.objects.create(
        school=school, case_code=code, incident_id=incident_id, subject=subject, channel=channel,
        received_on=received_on, due_on=received_on + dt.timedelta(days=days), grounds=grounds, recorded_by=acting_user,
    )  # fmt: skip
    audit.record(actor=acting_user, action="appeal.recorded", obj=appeal, school=school, changes={
        "case_code": code, "subject": subject, "channel": channel, "received_on": received_on.isoformat(),
        "due_on": appeal.due_on.isoformat()})  # fmt: skip
    _tell_school(school, _("区教育局已受理事件 %(code)s 的复查申请，期限至 %(due)s。") % {
        "code": code, "due": appeal.due_on.isoformat()})  # fmt: skip
    return appeal


@transaction.atomic(durable=True)
def decide(
    *,
    acting_user,
    appeal: DistrictAppeal,
    state: str,
    reasons: str,
    delay_reason: str = "",
    expected_version=None,
) -> DistrictAppeal:
    _bureau(acting_user)
    appeal = DistrictAppeal.objects.select_for_update().select_related("school").get(pk=appeal.pk)
    if expected_version is not None and appeal.version != expected_version:
        raise ValidationError(_("该复查已被他人修改，请刷新页面后重试。"), code="stale")
    if state not in allowed(appeal.state):
        raise ValidationError({"state": _("该复查当前为“%(state)s”，不能改为所选结果。") % {
            "state": appeal.get_state_display()}})  # fmt: skip
    reasons, delay_reason = (reasons or "").strip(), (delay_reason or "").strip()
    today = timezone.localdate()
    errors = {}
    if not reasons:
        errors["reasons"] = _("请填写复查理由。")
    if today > appeal.due_on and not delay_reason:
        errors["delay_reason"] = _("已超过复查期限（%(due)s），请说明逾期原因。") % {
            "due": appeal.due_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    refuse_identifying(appeal.school, reasons=reasons, delay_reason=delay_reason, refuse_staff_names=True)
    before = appeal.state
    appeal.state, appeal.decision_reasons, appeal.delay_reason = state, reasons, delay_reason
    appeal.decided_on, appeal.decided_by = today, acting_user
    appeal.version += 1
    appeal.save()
    audit.record(actor=acting_user, action="appeal.decided", obj=appeal, school=appeal.school, changes={
        "state": {"old": before, "new": state}, "reasons": reasons, "delay_reason": delay_reason})  # fmt: skip
    title = _("事件 %(code)s 的区级复查结果：%(state)s") % {
        "code": appeal.case_code,
        "state": appeal.get_state_display(),
    }
    if state in SCHOOL_MUST_RESPOND:
        title += _("。请在本校站点登记整改情况。")
    _tell_school(appeal.school, title)
    return appeal


@transaction.atomic(durable=True)
def school_respond(*, acting_user, appeal: DistrictAppeal, response: str) -> DistrictAppeal:
    """The school records what it changed after the district's decision (on its own site)."""
    school = connection.tenant
    membership = (
        acting_user.membership_in(school) if getattr(acting_user, "is_authenticated", False) else None
    )
    if membership is None or not membership.is_admin:
        raise ValidationError(_("只有学校管理员可以登记复查整改情况。"))
    appeal = DistrictAppeal.objects.select_for_update().filter(pk=appeal.pk, school=school).first()
    if appeal is None:
        raise ValidationError(_("未找到该复查。"))
    if appeal.state not in SCHOOL_MUST_RESPOND:
        raise ValidationError(_("该复查结果不需要学校登记整改情况。"))
    if appeal.school_responded_at:
        raise ValidationError(_("已经登记过整改情况。"))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("请填写学校根据复查结果所作的改变。")})
    refuse_identifying(school, response=response, refuse_staff_names=True)
    appeal.school_response, appeal.school_responded_at = response, timezone.now()
    appeal.version += 1
    appeal.save()
    audit.record(actor=acting_user, action="appeal.school_responded", obj=appeal, school=school,
                 changes={"school_response": response})  # fmt: skip
    return appeal
