"""Every change on the district layer's campaigns goes through one of these functions: each
validates, writes, records the district audit log in the same transaction, and queues its
notices for after the commit."""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight import progress_rollup
from oversight.models import (
    FLAG_RULE_FIELDS,
    Campaign,
    CampaignScope,
    Phase,
    PhaseExemption,
    PhaseExtension,
    PhaseSubmission,
    SubmissionStatus,
)
from oversight.reporting import default_template
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School, SchoolMembership
from tenants.roles import SchoolRole


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic(durable=True)
def create_campaign(
    *, acting_user, name: str, year: int, description: str = "", scope: str = CampaignScope.ALL,
    schools=(), kinds=(),
) -> Campaign:  # fmt: skip
    # Campaign names are listed on the anonymous public figures page.
    refuse_identifying(None, name=name, description=description)
    if Campaign.objects.filter(name=name.strip(), year=year).exists():
        raise ValidationError({"name": _("%(year)s 年已有同名专项行动。") % {"year": year}})
    schools, kinds = list(schools), list(kinds)
    if scope == CampaignScope.CHOSEN and not schools:
        raise ValidationError({"schools": _("指定学校时，请至少选择一所学校。")})
    campaign = Campaign(name=name.strip(), year=year, description=description, scope=scope,
                        kinds=kinds if scope == CampaignScope.KINDS else [], created_by=acting_user)  # fmt: skip
    _clean_save(campaign)
    if scope == CampaignScope.CHOSEN:
        campaign.schools.set(schools)
    audit.record(actor=acting_user, action="campaign.created", obj=campaign, changes={
        "name": campaign.name, "year": year, "scope": scope, "kinds": campaign.kinds,
        "schools": sorted(s.pk for s in schools) if scope == CampaignScope.CHOSEN else [],
    })  # fmt: skip
    return campaign


def _new_phase(*, campaign, name, starts_on, ends_on, report_due_on, goals="", grace_days=0,
               accepts_until=None, report_template=None, order=None) -> Phase:  # fmt: skip
    template = report_template if report_template is not None else default_template()
    refuse_identifying(None, name=name, goals=goals, report_template=_template_text(template))
    if order is None:
        order = (campaign.phases.aggregate(m=Max("order"))["m"] or 0) + 1
    phase = Phase(
        campaign=campaign, order=order, name=name.strip(), goals=goals, starts_on=starts_on, ends_on=ends_on,
        report_due_on=report_due_on, grace_days=grace_days, accepts_until=accepts_until,
        report_template=report_template if report_template is not None else default_template(),
    )  # fmt: skip
    _clean_save(phase)
    return phase


def _template_text(template) -> str:
    """The report template's words that schools and the public read: its section titles and hints."""
    if not isinstance(template, dict):
        return ""
    parts = []
    for section in template.get("sections", []) or []:
        if isinstance(section, dict):
            parts += [str(section.get(key, "")) for key in ("title", "hint", "help") if section.get(key)]
    return "\n".join(parts)


@transaction.atomic(durable=True)
def add_phase(*, acting_user, campaign: Campaign, **fields) -> Phase:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    phase = _new_phase(campaign=campaign, **fields)
    progress_rollup.refresh_campaign(campaign)
    audit.record(actor=acting_user, action="phase.created", obj=phase, changes={
        "campaign": campaign.pk, "name": phase.name, "starts_on": str(phase.starts_on), "ends_on": str(phase.ends_on),
        "report_due_on": str(phase.report_due_on), "grace_days": phase.grace_days,
        "report_template": phase.report_template,
    })  # fmt: skip
    return phase


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return (month_end(day) + dt.timedelta(days=1)).replace(day=1)


@transaction.atomic(durable=True)
def generate_monthly_phases(
    *, acting_user, campaign: Campaign, first_month: dt.date, months: int, due_day: int = 10,
    grace_days: int = 0, report_template=None,
) -> list[Phase]:  # fmt: skip
    """One phase per month, each report due on `due_day` of the following month (月报)."""
    if not 1 <= months <= 24:
        raise ValidationError({"months": _("月数应在 1 到 24 之间。")})
    if not 1 <= due_day <= 28:
        raise ValidationError({"due_day": _("截止日应在每月 1 日到 28 日之间。")})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    month = first_month.replace(day=1)
    phases = []
    for _index in range(months):
        name = _("%(year)s年%(month)s月月报") % {"year": month.year, "month": month.month}
        if campaign.phases.filter(name=name).exists():
            raise ValidationError(_("“%(name)s”已存在，未生成任何阶段。") % {"name": name})
        phases.append(_new_phase(
            campaign=campaign, name=name, starts_on=month, ends_on=month_end(month),
            report_due_on=next_month(month).replace(day=due_day), grace_days=grace_days,
            report_template=report_template,
        ))  # fmt: skip
        month = next_month(month)
    progress_rollup.refresh_campaign(campaign)
    audit.record(actor=acting_user, action="phase.monthly_generated", obj=campaign, changes={
        "phases": [p.pk for p in phases], "first_month": first_month.isoformat(), "months": months, "due_day": due_day,
    })  # fmt: skip
    return phases


def _school_in_scope(phase: Phase, school: School) -> None:
    if not phase.campaign.includes(school):
        raise ValidationError({"school": _("该校不在此专项行动的范围内。")})


@transaction.atomic(durable=True)
def grant_extension(
    *, acting_user, phase: Phase, school: School, due_on: dt.date, reason: str
) -> PhaseExtension:
    phase = Phase.objects.select_related("campaign").get(pk=phase.pk)
    _school_in_scope(phase, school)
    refuse_identifying(school, reason=reason)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("请填写延期原因。")
    if due_on <= phase.report_due_on:
        errors["due_on"] = _("延期后的截止日期应晚于原截止日期（%(due)s）。") % {"due": phase.report_due_on}
    if PhaseSubmission.objects.filter(phase=phase, school=school).exists():
        errors["school"] = _("该校已提交本阶段报告，无需延期。")
    if PhaseExemption.objects.filter(phase=phase, school=school).exists():
        errors["school"] = _("该校已获准免报本阶段报告。")
    if errors:
        raise ValidationError(errors)
    extension = PhaseExtension.objects.create(
        phase=phase, school=school, due_on=due_on, reason=reason.strip(), granted_by=acting_user
    )
    progress_rollup.refresh_school_cells(school, [phase.campaign])
    audit.record(actor=acting_user, action="phase.extension_granted", obj=extension, school=school,
                 changes={"phase": phase.pk, "due_on": due_on.isoformat(), "reason": extension.reason})  # fmt: skip
    return extension


@transaction.atomic(durable=True)
def grant_exemption(*, acting_user, phase: Phase, school: School, reason: str) -> PhaseExemption:
    phase = Phase.objects.select_related("campaign").get(pk=phase.pk)
    _school_in_scope(phase, school)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写免报原因。")})
    refuse_identifying(school, reason=reason)
    if PhaseSubmission.objects.filter(phase=phase, school=school).exists():
        raise ValidationError({"school": _("该校已提交本阶段报告，不能再免报。")})
    if PhaseExemption.objects.filter(phase=phase, school=school).exists():
        raise ValidationError({"school": _("该校已获准免报本阶段报告。")})
    exemption = PhaseExemption.objects.create(
        phase=phase, school=school, reason=reason.strip(), granted_by=acting_user
    )
    progress_rollup.refresh_school_cells(school, [phase.campaign])
    audit.record(actor=acting_user, action="phase.exemption_granted", obj=exemption, school=school,
                 changes={"phase": phase.pk, "reason": exemption.reason})  # fmt: skip
    return exemption


def _locked_submission(submission: PhaseSubmission) -> PhaseSubmission:
    submission = (
        PhaseSubmission.objects.select_for_update().select_related("school", "phase").get(pk=submission.pk)
    )
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            _("该报告当前为“%(status)s”，不能再审核。")
            % {"status": SubmissionStatus(submission.status).label},
            code="already_reviewed",
        )
    newer = PhaseSubmission.objects.filter(
        school=submission.school, phase=submission.phase, version__gt=submission.version
    )
    if newer.exists():
        raise ValidationError(_("该校已提交更新的版本，请审核最新版本。"), code="superseded")
    return submission


@transaction.atomic(durable=True)
def accept_submission(*, acting_user, submission: PhaseSubmission, comment: str = "") -> PhaseSubmission:
    submission = _locked_submission(submission)
    refuse_identifying(submission.school, comment=comment)
    submission.status = SubmissionStatus.ACCEPTED
    submission.reviewed_by, submission.reviewed_at = acting_user, timezone.now()
    submission.review_comment = comment.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    progress_rollup.refresh_school_cells(submission.school, [submission.phase.campaign])
    audit.record(actor=acting_user, action="phase_report.accepted", obj=submission, school=submission.school,
                 changes={"status": {"old": "submitted", "new": "accepted"}, "comment": submission.review_comment})  # fmt: skip
    _notify_school_admins(
        submission.school,
        _("%(phase)s报告（第 %(v)s 版）已通过审核")
        % {"phase": submission.phase.name, "v": submission.version},
        submission.review_comment,
        f"/reports/phase/{submission.phase_id}/",
    )
    return submission


@transaction.atomic(durable=True)
def return_submission(*, acting_user, submission: PhaseSubmission, comment: str) -> PhaseSubmission:
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回修改时必须填写审核意见。")})
    submission = _locked_submission(submission)
    refuse_identifying(submission.school, comment=comment)
    submission.status = SubmissionStatus.RETURNED
    submission.reviewed_by, submission.reviewed_at = acting_user, timezone.now()
    submission.review_comment = comment.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    progress_rollup.refresh_school_cells(submission.school, [submission.phase.campaign])
    audit.record(actor=acting_user, action="phase_report.returned", obj=submission, school=submission.school,
                 changes={"status": {"old": "submitted", "new": "returned"}, "comment": submission.review_comment})  # fmt: skip
    _notify_school_admins(
        submission.school,
        _("%(phase)s报告被退回修改") % {"phase": submission.phase.name},
        _("审核意见：%(comment)s。请修改后重新提交。") % {"comment": submission.review_comment},
        f"/reports/phase/{submission.phase_id}/",
    )
    return submission


def school_admin_ids(school: School) -> list[int]:
    return list(
        SchoolMembership.objects.filter(school=school, role=SchoolRole.ADMIN, active=True).values_list(
            "user_id", flat=True
        )
    )


def _notify_school_admins(school: School, title: str, body: str, link: str) -> None:
    """In-app notices written in the school's own schema (and e-mailed from it after commit)."""
    from schools.notices import notify

    recipients = school_admin_ids(school)
    with schema_context(school.schema_name):
        for user_id in recipients:
            notify(recipient_id=user_id, title=title, body=body, link=link)


@transaction.atomic(durable=True)
def update_flag_rules(*, acting_user, values: dict, expected_updated_at: dt.datetime | None = None):
    """Change the 问题突出学校 thresholds and weights (a rule's threshold 0 turns it off)."""
    from oversight.models import DistrictSettings

    unknown = set(values) - set(FLAG_RULE_FIELDS)
    if unknown:
        raise TypeError(f"update_flag_rules cannot change {sorted(unknown)}")
    settings = DistrictSettings.objects.select_for_update().get(pk=DistrictSettings.current().pk)
    if expected_updated_at is not None and settings.updated_at != expected_updated_at:
        raise ValidationError(_("规则已被其他人修改，请刷新页面后重新填写。"), code="stale")
    changes = {}
    for name, value in values.items():
        old = getattr(settings, name)
        if old != value:
            changes[name] = {"old": str(old), "new": str(value)}
            setattr(settings, name, value)
    if not changes:
        return settings
    _clean_save(settings)
    audit.record(actor=acting_user, action="settings.flag_rules_changed", obj=settings, changes=changes)
    return settings


def settings_page_fields() -> list[str]:
    from oversight.models import SETTINGS_PAGE_EXCLUDED, DistrictSettings

    return [f.name for f in DistrictSettings._meta.concrete_fields if f.name not in SETTINGS_PAGE_EXCLUDED]


@transaction.atomic(durable=True)
def update_district_settings(*, acting_user, values: dict, expected_updated_at: dt.datetime | None = None):
    """Bureau admins change the district's time limits and break-glass mode (audited; a change made
    meanwhile by someone else is refused)."""
    from oversight.models import DistrictSettings

    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau_admin:
        raise ValidationError(_("只有教育局管理员可以修改区级设置。"))
    unknown = set(values) - set(settings_page_fields())
    if unknown:
        raise ValidationError(_("不能在此修改：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    row = DistrictSettings.objects.select_for_update().get(pk=DistrictSettings.current().pk)
    if expected_updated_at is None or row.updated_at != expected_updated_at:
        raise ValidationError(
            _("区级设置已被其他人修改，您的修改未保存。请刷新页面后重新填写。"), code="stale"
        )
    changes = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changes[name] = {"old": str(old), "new": str(value)}
            setattr(row, name, value)
    if not changes:
        return row
    _clean_save(row)
    audit.record(actor=acting_user, action="settings.changed", obj=row, changes=changes)
    return row
