"""Accountability (问责): recording a decision on linked records, the person's statement (陈述申辩),
a challenge (复核) within the district's limit and its outcome. Each action checks its actor,
validates, writes and audits in one transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accountability import workflow
from oversight.accountability.models import (
    MEASURES,
    AccountabilityBasis,
    AccountabilityRecord,
    BasisKind,
    ChallengeOutcome,
    Target,
)
from oversight.models import DistrictSettings
from schools.privacy.gate import refuse_identifying
from tenants import audit


def _bureau(user):
    if not getattr(user, "is_authenticated", False) or not user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以办理问责。"))


def resolve_basis(*, school, link: dict) -> tuple[dict, str]:
    """The record one link names, which must belong to the school held accountable."""
    from inspections.models import RectificationNotice
    from oversight.models import Phase
    from oversight.serious_cases.models import SeriousCase
    from oversight.summons.models import Summons

    kind, pk = link.get("kind"), link.get("id")
    if kind == BasisKind.SERIOUS_CASE:
        case = SeriousCase.objects.filter(pk=pk, school=school).first()
        if case:
            return {"serious_case": case}, _("严重欺凌事件 %(code)s") % {"code": case.case_code}
    elif kind == BasisKind.SUMMONS:
        summons = Summons.objects.filter(pk=pk, school=school).first()
        if summons:
            return {"summons": summons}, _("约谈 %(number)s") % {"number": summons.number}
    elif kind == BasisKind.PHASE_REPORT:
        phase = Phase.objects.select_related("campaign").filter(pk=pk).first()
        if phase and phase.campaign.includes(school):
            return {"phase": phase}, _("%(campaign)s·%(phase)s 阶段报告") % {
                "campaign": phase.campaign.name, "phase": phase.name}  # fmt: skip
    elif kind == BasisKind.NOTICE:
        notice = RectificationNotice.objects.filter(pk=pk, school=school).first()
        if notice:
            return {"notice": notice}, _("整改通知书（%(on)s 下达）") % {"on": notice.issued_on.isoformat()}
    else:
        raise ValidationError({"links": _("请选择关联记录的类型。")})
    raise ValidationError({"links": _("所关联的记录不存在或不属于该校。")})


@transaction.atomic(durable=True)
def record(
    *, acting_user, school, target: str, measure: str, facts: str, basis: str, decided_on: dt.date,
    deciding_body: str, links: list, person_name: str = "", person_post: str = "",
) -> AccountabilityRecord:  # fmt: skip
    _bureau(acting_user)
    facts, basis, body = (facts or "").strip(), (basis or "").strip(), (deciding_body or "").strip()
    name, post = (person_name or "").strip(), (person_post or "").strip()
    errors = {}
    if school is None or school.schema_name == "public":
        errors["school"] = _("请选择学校。")
    if target not in Target.values:
        errors["target"] = _("请选择问责对象（单位或个人）。")
    elif measure not in MEASURES[target].values:
        errors["measure"] = _("所选问责方式不适用于该问责对象。")
    if target == Target.PERSON and not post:
        errors["person_post"] = _("对个人问责必须写明其职务。")
    if target == Target.PERSON and not name:
        errors["person_name"] = _("对个人问责必须写明姓名。")
    if not facts:
        errors["facts"] = _("请填写问责事实。")
    if not basis:
        errors["basis"] = _("请填写问责依据（所依据的规定条款）。")
    if not body:
        errors["deciding_body"] = _("请填写决定机关。")
    if decided_on is None or decided_on > timezone.localdate():
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if not links:
        errors["links"] = _("问责必须关联至少一项依据记录（严重欺凌事件、约谈、阶段报告或整改通知书）。")
    if errors:
        raise ValidationError(errors)
    resolved = [resolve_basis(school=school, link=link) for link in links]
    refuse_identifying(school, facts=facts, basis=basis, deciding_body=body,
                       person_fields=("person_name", "person_post"), person_name=name, person_post=post)  # fmt: skip
    days = DistrictSettings.current().accountability_challenge_days
    row = AccountabilityRecord.objects.create(
        school=school, target=target, person_name=name if target == Target.PERSON else "",
        person_post=post if target == Target.PERSON else "", measure=measure, facts=facts, basis=basis,
        decided_on=decided_on, deciding_body=body, challenge_due_on=decided_on + dt.timedelta(days=days),
        recorded_by=acting_user,
    )  # fmt: skip
    for (fields, label), link in zip(resolved, links, strict=True):
        AccountabilityBasis.objects.create(record=row, kind=link["kind"], label=label, **fields)
    audit.record(actor=acting_user, action="accountability.recorded", obj=row, school=school, changes={
        "target": target, "measure": measure, "person_post": row.person_post, "decided_on": decided_on.isoformat(),
        "deciding_body": body, "links": [label for _f, label in resolved],
        "challenge_due_on": row.challenge_due_on.isoformat()})  # fmt: skip
    return row


def _lock(row, step):
    row = AccountabilityRecord.objects.select_for_update().select_related("school").get(pk=row.pk)
    if not workflow.can(step, row.state):
        raise ValidationError(
            _("该问责记录当前为“%(state)s”，不能进行此操作。") % {"state": row.get_state_display()}
        )
    return row


@transaction.atomic(durable=True)
def record_statement(*, acting_user, record: AccountabilityRecord, statement: str) -> AccountabilityRecord:
    """The person's (or school's) 陈述申辩, recorded by the bureau as received."""
    _bureau(acting_user)
    row = _lock(record, "record_statement")
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("请填写陈述申辩内容。")})
    if row.statement:
        raise ValidationError(_("陈述申辩已经登记过。"))
    refuse_identifying(row.school, statement=statement)
    row.statement, row.statement_at = statement, timezone.now()
    row.version += 1
    row.save()
    audit.record(actor=acting_user, action="accountability.statement_recorded", obj=row, school=row.school,
                 changes={"statement": statement})  # fmt: skip
    return row


@transaction.atomic(durable=True)
def challenge(
    *, acting_user, record: AccountabilityRecord, filed_on: dt.date, grounds: str, late_reason: str = ""
) -> AccountabilityRecord:
    """A 复核 request, within the district's limit from the decision; a later one needs a reason."""
    _bureau(acting_user)
    row = _lock(record, "challenge")
    grounds, late_reason = (grounds or "").strip(), (late_reason or "").strip()
    errors = {}
    if filed_on is None or filed_on > timezone.localdate() or filed_on < row.decided_on:
        errors["filed_on"] = _("复核申请日期须在决定日期之后、不晚于今天。")
    elif filed_on > row.challenge_due_on and not late_reason:
        errors["late_reason"] = _("复核申请期限为 %(due)s（决定后 %(days)s 天），逾期申请须说明理由。") % {
            "due": row.challenge_due_on.isoformat(),
            "days": (row.challenge_due_on - row.decided_on).days,
        }
    if not grounds:
        errors["grounds"] = _("请填写复核理由。")
    if errors:
        raise ValidationError(errors)
    refuse_identifying(row.school, grounds=grounds, late_reason=late_reason)
    row.state = workflow.target("challenge", row.state)
    row.challenge_filed_on, row.challenge_grounds, row.challenge_late_reason = filed_on, grounds, late_reason
    row.version += 1
    row.save()
    audit.record(actor=acting_user, action="accountability.challenged", obj=row, school=row.school, changes={
        "filed_on": filed_on.isoformat(), "grounds": grounds, "late_reason": late_reason})  # fmt: skip
    return row


@transaction.atomic(durable=True)
def decide_challenge(
    *, acting_user, record: AccountabilityRecord, outcome: str, reasons: str
) -> AccountabilityRecord:
    _bureau(acting_user)
    row = _lock(record, "decide_challenge")
    reasons = (reasons or "").strip()
    errors = {}
    if outcome not in ChallengeOutcome.values:
        errors["outcome"] = _("请选择复核结果。")
    if not reasons:
        errors["reasons"] = _("请填写复核决定理由。")
    if errors:
        raise ValidationError(errors)
    refuse_identifying(row.school, reasons=reasons)
    row.state = workflow.target("decide_challenge", row.state)
    row.challenge_outcome, row.challenge_reasons = outcome, reasons
    row.challenge_decided_on = timezone.localdate()
    row.version += 1
    row.save()
    audit.record(actor=acting_user, action="accountability.challenge_decided", obj=row, school=row.school,
                 changes={"outcome": outcome, "reasons": reasons})  # fmt: skip
    return row
