"""Every change on the district layer's campaigns goes through one of these functions: each
validates, writes, records the district audit log in the same transaction, and queues its
notices for after the commit."""

import calendar
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
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
    PhasePeriod,
    PhaseSubmission,
    SubmissionStatus,
    monthly_name,
)
from oversight.progress import LATE, ON_TIME, campaign_progress
from oversight.reporting import default_template
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School, SchoolMembership
from tenants.retry import retry_on_deadlock
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
               accepts_until=None, report_template=None, order=None, period=PhasePeriod.NONE) -> Phase:  # fmt: skip
    template = report_template if report_template is not None else default_template()
    refuse_identifying(None, name=name, goals=goals, report_template=_template_text(template))
    if order is None:
        order = (campaign.phases.aggregate(m=Max("order"))["m"] or 0) + 1
    phase = Phase(
        campaign=campaign, order=order, title=name.strip(), period=period, goals=goals, starts_on=starts_on,
        ends_on=ends_on, report_due_on=report_due_on, grace_days=grace_days, accepts_until=accepts_until,
        report_template=report_template if report_template is not None else default_template(),
    )  # fmt: skip
    _refuse_duplicate_period(phase)
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


def _refuse_duplicate_period(phase: Phase) -> None:
    """A campaign has one phase per period (the database holds it too: unique_phase_period)."""
    if not (phase.starts_on and phase.ends_on):
        return
    same = Phase.objects.filter(
        campaign_id=phase.campaign_id, starts_on=phase.starts_on, ends_on=phase.ends_on
    )
    other = same.exclude(pk=phase.pk).first()
    if other is not None:
        raise ValidationError(
            _("本专项行动已有 %(start)s 至 %(end)s 的阶段“%(name)s”，同一时段不能重复设置。")
            % {"start": phase.starts_on.isoformat(), "end": phase.ends_on.isoformat(), "name": other.name},
            code="duplicate_period",
        )


@retry_on_deadlock
@transaction.atomic(durable=True)
def add_phase(*, acting_user, campaign: Campaign, **fields) -> Phase:
    progress_rollup.lock()  # before any row lock: see progress_rollup.PROGRESS_LOCK
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    phase = _new_phase(campaign=campaign, **fields)
    progress_rollup.refresh_campaign(campaign)
    audit.record(actor=acting_user, action="phase.created", obj=phase, changes={
        "campaign": campaign.pk, "name": phase.name, "starts_on": str(phase.starts_on), "ends_on": str(phase.ends_on),
        "report_due_on": str(phase.report_due_on), "grace_days": phase.grace_days,
        "report_template": phase.report_template,
    })  # fmt: skip
    return phase


def _check_bureau(acting_user) -> None:
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau:
        raise PermissionDenied(_("此操作仅限教育局工作人员。"))


PHASE_CORRECTABLE = ["title", "goals", "starts_on", "ends_on", "report_due_on", "grace_days", "accepts_until"]


@retry_on_deadlock
@transaction.atomic(durable=True)
def correct_phase(*, acting_user, phase: Phase, **values) -> Phase:
    """Correct a phase's name, goals, dates and late window. Once schools have submitted, only in
    the direction that turns no on-time report late, and never so that a report already received
    would fall before the phase's start."""
    _check_bureau(acting_user)
    progress_rollup.lock()  # before any row lock: see progress_rollup.PROGRESS_LOCK
    phase = Phase.objects.select_for_update().select_related("campaign").get(pk=phase.pk)
    unknown = set(values) - set(PHASE_CORRECTABLE) - {"name"}
    if unknown:
        raise ValidationError(_("不能修改的项：%(names)s") % {"names": "、".join(sorted(unknown))})
    if "name" in values:
        values["title"] = values.pop("name")
    if "title" in values:
        if phase.period == PhasePeriod.MONTH:
            raise ValidationError({"name": _("按月生成的阶段以月份命名，不能改名。")})
        values["title"] = (values["title"] or "").strip()
    before = {name: getattr(phase, name) for name in PHASE_CORRECTABLE}
    was = campaign_progress(phase.campaign, phases=[phase])
    for name, value in values.items():
        setattr(phase, name, value)
    _refuse_duplicate_period(phase)
    phase.full_clean()
    now = campaign_progress(phase.campaign, phases=[phase])
    turned_late = [
        key for key, cell in was.cells.items() if cell.state == ON_TIME and now.cells[key].state == LATE
    ]
    if turned_late:
        raise ValidationError(
            _("已有 %(n)s 所学校按时提交了本阶段报告，这样修改会使其变为逾期；截止日期和宽限天数只能延后。")
            % {"n": len(turned_late)},
            code="turns_late",
        )
    first_received = phase.submissions.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first_received and timezone.localtime(first_received).date() < phase.starts_on:
        raise ValidationError({"starts_on": _("已有学校于 %(date)s 提交报告，开始日期不能晚于该日。") % {
            "date": timezone.localtime(first_received).date().isoformat()}})  # fmt: skip
    changes = {name: {"old": _plain(before[name]), "new": _plain(getattr(phase, name))}
               for name in PHASE_CORRECTABLE if before[name] != getattr(phase, name)}  # fmt: skip
    if not changes:
        return phase
    phase.save()
    progress_rollup.refresh_campaign(phase.campaign)
    audit.record(actor=acting_user, action="phase.corrected", obj=phase, changes=changes)
    return phase


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return (month_end(day) + dt.timedelta(days=1)).replace(day=1)


@retry_on_deadlock
@transaction.atomic(durable=True)
def generate_monthly_phases(
    *, acting_user, campaign: Campaign, first_month: dt.date, months: int, due_day: int = 10,
    grace_days: int = 0, accepts_days_after_due: int = 0, goals: str = "", report_template=None,
) -> list[Phase]:  # fmt: skip
    """One phase per month, each report due on `due_day` of the following month (月报); late reports
    accepted for `accepts_days_after_due` days after the due date (0: only with an extension)."""
    if not 1 <= months <= 24:
        raise ValidationError({"months": _("月数应在 1 到 24 之间。")})
    if not 1 <= due_day <= 28:
        raise ValidationError({"due_day": _("截止日应在每月 1 日到 28 日之间。")})
    if not 0 <= accepts_days_after_due <= 60:
        raise ValidationError({"accepts_days_after_due": _("逾期补报天数应在 0 到 60 之间。")})
    progress_rollup.lock()  # before any row lock: see progress_rollup.PROGRESS_LOCK
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    month = first_month.replace(day=1)
    phases = []
    for _index in range(months):
        if campaign.phases.filter(starts_on=month, ends_on=month_end(month)).exists():
            raise ValidationError(_("“%(name)s”已存在，未生成任何阶段。") % {"name": monthly_name(month)})
        due_on = next_month(month).replace(day=due_day)
        phases.append(_new_phase(
            campaign=campaign, name=month.strftime("%Y-%m"), period=PhasePeriod.MONTH, starts_on=month,
            ends_on=month_end(month), report_due_on=due_on, grace_days=grace_days,
            accepts_until=due_on + dt.timedelta(days=accepts_days_after_due) if accepts_days_after_due else None,
            goals=goals, report_template=report_template,
        ))  # fmt: skip
        month = next_month(month)
    progress_rollup.refresh_campaign(campaign)
    audit.record(actor=acting_user, action="phase.monthly_generated", obj=campaign, changes={
        "phases": [p.pk for p in phases], "first_month": first_month.isoformat(), "months": months, "due_day": due_day,
        "grace_days": grace_days, "accepts_days_after_due": accepts_days_after_due,
    })  # fmt: skip
    return phases


def _school_in_scope(phase: Phase, school: School) -> None:
    if not phase.campaign.includes(school):
        raise ValidationError({"school": _("该校不在此专项行动的范围内。")})


@retry_on_deadlock
@transaction.atomic(durable=True)
def grant_extension(
    *, acting_user, phase: Phase, school: School, due_on: dt.date, reason: str
) -> PhaseExtension:
    progress_rollup.lock()  # before any row lock: see progress_rollup.PROGRESS_LOCK
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


@retry_on_deadlock
@transaction.atomic(durable=True)
def grant_exemption(*, acting_user, phase: Phase, school: School, reason: str) -> PhaseExemption:
    progress_rollup.lock()  # before any row lock: see progress_rollup.PROGRESS_LOCK
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
    progress_rollup.lock()  # before the row lock: see progress_rollup.PROGRESS_LOCK
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


@retry_on_deadlock
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


@retry_on_deadlock
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
