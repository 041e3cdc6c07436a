"""Disclosures (信息公开): draft from a closed serious case, revise (every version kept), sign off
(two district users, neither the drafter), publish now or at a set time, withdraw with a reason,
and expire automatically. Each action checks its actor, validates, writes and audits."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.disclosures import workflow
from oversight.disclosures.models import (
    CHECKLIST,
    Disclosure,
    DisclosureSignoff,
    DisclosureState,
    DisclosureVersion,
)
from oversight.models import DistrictSettings
from schools.privacy.gate import refuse_identifying
from tenants import audit


def _bureau(user):
    if not getattr(user, "is_authenticated", False) or not user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以办理信息公开。"))


def _lock(disclosure, step):
    row = Disclosure.objects.select_for_update().select_related("serious_case__school").get(pk=disclosure.pk)
    if not workflow.can(step, row.state):
        if step == "publish" and row.state == DisclosureState.PUBLISHED:
            raise ValidationError(_("该信息已经发布，不能重复发布。"))
        raise ValidationError(
            _("该信息当前为“%(state)s”，不能进行此操作。") % {"state": row.get_state_display()}
        )
    return row


def _clean_text(school, *, title, facts, measures, outcome, confirm=""):
    title, facts, measures, outcome = ((v or "").strip() for v in (title, facts, measures, outcome))
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    cap = DistrictSettings.current().disclosure_facts_max
    if not facts:
        errors["facts"] = _("请填写事件概况。")
    elif len(facts) > cap:
        errors["facts"] = _("事件概况不能超过 %(cap)s 字（现为 %(n)s 字），不过分渲染事件细节。") % {
            "cap": cap,
            "n": len(facts),
        }
    if not measures:
        errors["measures"] = _("请填写处置措施。")
    if errors:
        raise ValidationError(errors)
    # The text goes to the public: pupils' identities and the school's staff names are refused.
    refuse_identifying(school, confirm=confirm, refuse_staff_names=True, title=title, facts=facts, measures=measures,
                       outcome=outcome)  # fmt: skip
    return title, facts, measures, outcome


def _version(row, user):
    DisclosureVersion.objects.create(disclosure=row, number=row.version, title=row.title, name_school=row.name_school,
                                     facts=row.facts, measures=row.measures, outcome=row.outcome, edited_by=user)  # fmt: skip


@transaction.atomic(durable=True)
def draft(
    *, acting_user, serious_case, title: str, facts: str, measures: str, outcome: str = "", name_school: bool = False,
    accountability=None, confirm: str = "",
) -> Disclosure:  # fmt: skip
    _bureau(acting_user)
    if serious_case is None or serious_case.closed_on is None:
        raise ValidationError({"serious_case": _("只能就已结案的严重欺凌事件起草信息公开。")})
    if accountability is not None and accountability.school_id != serious_case.school_id:
        raise ValidationError({"accountability": _("所选问责记录不属于该事件的学校。")})
    school = serious_case.school
    title, facts, measures, outcome = _clean_text(school, title=title, facts=facts, measures=measures,
                                                  outcome=outcome, confirm=confirm)  # fmt: skip
    row = Disclosure.objects.create(serious_case=serious_case, accountability=accountability, title=title,
                                    occurred_on=serious_case.occurred_on, name_school=bool(name_school), facts=facts,
                                    measures=measures, outcome=outcome, drafted_by=acting_user)  # fmt: skip
    _version(row, acting_user)
    audit.record(actor=acting_user, action="disclosure.drafted", obj=row, school=school, changes={
        "serious_case": serious_case.case_code, "title": title, "name_school": row.name_school,
        "accountability": accountability.pk if accountability else None})  # fmt: skip
    return row


@transaction.atomic(durable=True)
def revise(*, acting_user, disclosure, title: str, facts: str, measures: str, outcome: str = "",
           name_school: bool = False, confirm: str = "") -> Disclosure:  # fmt: skip
    """A new version; sign-offs of earlier versions no longer count."""
    _bureau(acting_user)
    row = _lock(disclosure, "revise")
    title, facts, measures, outcome = _clean_text(row.serious_case.school, title=title, facts=facts,
                                                  measures=measures, outcome=outcome, confirm=confirm)  # fmt: skip
    before = {"title": row.title, "facts": row.facts, "measures": row.measures, "outcome": row.outcome,
              "name_school": row.name_school}  # fmt: skip
    row.title, row.facts, row.measures, row.outcome, row.name_school = (
        title,
        facts,
        measures,
        outcome,
        bool(name_school),
    )
    row.version += 1
    row.save()
    _version(row, acting_user)
    after = {
        "title": title,
        "facts": facts,
        "measures": measures,
        "outcome": outcome,
        "name_school": row.name_school,
    }
    audit.record(actor=acting_user, action="disclosure.revised", obj=row, school=row.serious_case.school, changes={
        "version": row.version, **{k: {"old": before[k], "new": v} for k, v in after.items() if before[k] != v}})  # fmt: skip
    return row


@transaction.atomic(durable=True)
def sign_off(*, acting_user, disclosure, checklist: list) -> DisclosureSignoff:
    _bureau(acting_user)
    row = _lock(disclosure, "sign_off")
    if acting_user.pk == row.drafted_by_id:
        raise ValidationError(_("起草人不能审核签字，须由另外两名教育局工作人员签字。"))
    if DisclosureSignoff.objects.filter(disclosure=row, version=row.version, user=acting_user).exists():
        raise ValidationError(_("您已经对该版本签过字，须由另一名工作人员签字。"))
    missing = [str(label) for key, label in CHECKLIST.items() if key not in set(checklist or [])]
    if missing:
        raise ValidationError(
            {"checklist": _("请逐项确认不过分渲染事件细节：%(items)s。") % {"items": "；".join(missing)}}
        )
    # The gate again at sign-off: the school's records may have changed since the draft.
    refuse_identifying(row.serious_case.school, refuse_staff_names=True, title=row.title, facts=row.facts,
                       measures=row.measures, outcome=row.outcome)  # fmt: skip
    signoff = DisclosureSignoff.objects.create(disclosure=row, version=row.version, user=acting_user,
                                               checklist=sorted(CHECKLIST))  # fmt: skip
    audit.record(actor=acting_user, action="disclosure.signed_off", obj=row, school=row.serious_case.school,
                 changes={"version": row.version, "checklist": signoff.checklist})  # fmt: skip
    return signoff


@transaction.atomic(durable=True)
def publish(*, acting_user, disclosure, publish_at: dt.datetime | None = None) -> Disclosure:
    """Publish now, or at `publish_at` (it shows on the public page from then on)."""
    _bureau(acting_user)
    row = _lock(disclosure, "publish")
    now = timezone.now()
    signers = set(DisclosureSignoff.objects.filter(disclosure=row, version=row.version).exclude(
        user=row.drafted_by).values_list("user_id", flat=True))  # fmt: skip
    if len(signers) < workflow.SIGNOFFS_NEEDED:
        raise ValidationError(_("发布前须有两名起草人以外的工作人员对当前版本（第 %(v)s 版）签字，目前 %(n)s 人。") % {
            "v": row.version, "n": len(signers)})  # fmt: skip
    if publish_at is not None and publish_at < now - dt.timedelta(minutes=5):
        raise ValidationError({"publish_at": _("定时发布时间不能早于现在。")})
    refuse_identifying(row.serious_case.school, refuse_staff_names=True, title=row.title, facts=row.facts,
                       measures=row.measures, outcome=row.outcome)  # fmt: skip
    at = max(publish_at or now, now)
    years = DistrictSettings.current().disclosure_expiry_years
    day = timezone.localtime(at).date()
    try:
        expires = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        expires = day.replace(year=day.year + years, day=28)
    row.state, row.publish_at, row.published_by, row.expires_on = (
        workflow.target("publish"),
        at,
        acting_user,
        expires,
    )
    row.save()
    audit.record(actor=acting_user, action="disclosure.published", obj=row, school=row.serious_case.school, changes={
        "version": row.version, "publish_at": at.isoformat(), "expires_on": expires.isoformat(),
        "signed_by": sorted(signers)})  # fmt: skip
    return row


def _withdraw(row, *, actor, reason, action):
    row.state, row.withdrawn_at, row.withdraw_reason, row.withdrawn_by = (
        workflow.target("withdraw"),
        timezone.now(),
        reason,
        actor,
    )
    row.save()
    audit.record(
        actor=actor, action=action, obj=row, school=row.serious_case.school, changes={"reason": reason}
    )


@transaction.atomic(durable=True)
def withdraw(*, acting_user, disclosure, reason: str) -> Disclosure:
    """The text leaves the public page, the feed and the API; a notice of when and why stays."""
    _bureau(acting_user)
    row = _lock(disclosure, "withdraw")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤回信息公开必须说明原因（该原因会公开）。")})
    refuse_identifying(row.serious_case.school, refuse_staff_names=True, reason=reason)
    _withdraw(row, actor=acting_user, reason=reason, action="disclosure.withdrawn")
    return row


@transaction.atomic(durable=True)
def expire_due(*, today: dt.date | None = None) -> int:
    """Beat's daily sweep (no acting user: the district's retention rule acts): withdraw what has reached
    its expiry date, with the public notice saying so."""
    today = today or timezone.localdate()
    rows = list(Disclosure.objects.select_for_update().select_related("serious_case__school").filter(
        state=DisclosureState.PUBLISHED, expires_on__lte=today))  # fmt: skip
    for row in rows:
        _withdraw(row, actor=None, reason=str(_("公开期限届满，自动撤回。")), action="disclosure.expired")
    return len(rows)
