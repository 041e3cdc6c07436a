"""Every change to a phase report goes through one of these functions: each validates, writes,
audits in the same transaction, and queues its notices for after the commit.

draft → submitted (locked, hashed, chained; a de-identified row goes to the public schema)
      → returned by the district → a new draft version → submitted again …
      → accepted by the district."""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import progress_rollup
from oversight.chain import canonical_content, chained_hash
from oversight.models import GENESIS_HASH, Phase, PhaseSubmission, SubmissionStatus
from oversight.progress import effective_due, extension_for, is_exempt
from oversight.reporting import FIGURES, parse_figure
from schools import audit
from schools.editing import ANY_VERSION, LockedRecord, lock_for_edit
from schools.models import (
    Activity,
    ActivityKind,
    CareEntry,
    Hazard,
    HazardStatus,
    Incident,
    IncidentSeverity,
    PhaseReport,
    PhaseReportAttachment,
)
from schools.uploads import check_upload
from tenants import audit as district_audit
from tenants.fields import MESSAGE
from tenants.retry import retry_on_deadlock

SECTION_LIMIT = 20_000  # characters in one narrative section of a report
REASON_LIMIT = 500  # characters in the reason for a changed figure
CHAIN_LOCK = 4_040_404  # advisory-lock namespace: one submission at a time per school chain


def prefill_figures(phase: Phase) -> dict[str, int]:
    """The figures the school's own records give for the phase window (void records never count)."""
    start, end = phase.starts_on, phase.ends_on
    activities = Activity.objects.filter(voided_at__isnull=True, held_on__gte=start, held_on__lte=end)
    by_kind = dict(activities.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    figures = {f"activity_{kind}": by_kind.get(kind, 0) for kind in ActivityKind.values}
    figures["surveys"] = figures.pop("activity_survey")
    figures["patrols"] = figures.pop("activity_patrol")
    figures["activity_participants"] = (
        activities.exclude(kind__in=[ActivityKind.SURVEY, ActivityKind.PATROL]).aggregate(
            n=Sum("participants")
        )["n"]
        or 0
    )
    hazards = Hazard.objects.filter(voided_at__isnull=True)
    figures["hazards_found"] = hazards.filter(found_on__gte=start, found_on__lte=end).count()
    figures["hazards_fixed"] = hazards.filter(
        status__in=[HazardStatus.FIXED, HazardStatus.VERIFIED], fixed_on__gte=start, fixed_on__lte=end
    ).count()
    incidents = Incident.objects.filter(voided_at__isnull=True)
    opened = incidents.filter(opened_on__gte=start, opened_on__lte=end)
    figures["incidents_opened"] = opened.count()
    figures["incidents_closed"] = incidents.filter(closed_on__gte=start, closed_on__lte=end).count()
    severities = dict(
        opened.exclude(severity="").values("severity").annotate(n=Count("id")).values_list("severity", "n")
    )
    for severity in IncidentSeverity.values:
        figures[f"incidents_{severity}"] = severities.get(severity, 0)
    # The care list as a count only: entries open at any time in the window.
    figures["care_entries"] = CareEntry.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start),
        voided_at__isnull=True, created_at__date__lte=end,
    ).count()  # fmt: skip
    return {key: figures[key] for key in phase.figure_keys() if key in figures}


def _school():
    return connection.tenant


def _refuse_unless_in_scope(phase: Phase, school) -> None:
    if not phase.campaign.includes(school):
        raise ValidationError(_("本校不在该专项行动的范围内，无需提交此阶段报告。"))
    if is_exempt(phase, school):
        raise ValidationError(_("区教育局已批准本校免报此阶段报告。"))


def check_window(phase: Phase, school, today: dt.date) -> None:
    """A first submission is accepted from the phase start until it closes (or the extension ends)."""
    if today < phase.starts_on:
        raise ValidationError(
            _("该阶段自 %(start)s 起才开放填报。") % {"start": phase.starts_on.strftime("%Y-%m-%d")},
            code="not_open",
        )
    extension_due = extension_for(phase, school)
    closes = phase.closes_on
    if extension_due:
        closes = max(closes, effective_due(phase, extension_due))
    if today > closes:
        raise ValidationError(
            _("该阶段报告已于 %(date)s 截止，逾期须经区教育局批准延期后方可提交。")
            % {"date": closes.strftime("%Y-%m-%d")},
            code="closed",
        )


def latest_submission(phase: Phase, school) -> PhaseSubmission | None:
    return PhaseSubmission.objects.filter(phase=phase, school=school).order_by("-version").first()


@transaction.atomic(durable=True)
def start_report(*, acting_user, phase: Phase) -> PhaseReport:
    """Open this phase's draft (or return the open one); after a return, a new version copying the last."""
    return write_start(acting_user=acting_user, phase=phase, today=timezone.localdate())


def write_start(*, acting_user, phase: Phase, today: dt.date) -> PhaseReport:
    """The write behind start_report (the demo seeds history through it with past dates)."""
    school = _school()
    phase = Phase.objects.select_related("campaign").get(pk=phase.pk)
    _refuse_unless_in_scope(phase, school)
    draft = PhaseReport.objects.filter(phase=phase, submitted_at__isnull=True).first()
    if draft is not None:
        return draft
    last = PhaseReport.objects.filter(phase=phase).order_by("-number").first()
    if last is not None:
        submission = latest_submission(phase, school)
        if submission is None or submission.status != SubmissionStatus.RETURNED:
            raise ValidationError(_("本阶段报告已提交，未被退回时不能再修改。"), code="already_submitted")
        report = PhaseReport(
            phase=phase, number=last.number + 1, previous=last, figures=dict(last.figures),
            overrides=dict(last.overrides), sections=dict(last.sections), created_by=acting_user,
        )  # fmt: skip
    else:
        # Refused up front: a draft that could never be submitted is work lost.
        check_window(phase, school, today)
        report = PhaseReport(phase=phase, number=1, sections={}, overrides={}, created_by=acting_user)
    report.prefilled = prefill_figures(phase)
    if last is None:
        report.figures = dict(report.prefilled)
    report.save()
    audit.record(
        actor=acting_user, action="report.started", obj=report,
        changes={"phase": {"old": None, "new": phase.pk}, "number": {"old": None, "new": report.number}},
    )  # fmt: skip
    return report


def _clean_figures(phase, prefilled, raw_figures: dict, reasons: dict) -> tuple[dict, dict, dict]:
    """Parse every figure; a figure that differs from the records needs a reason."""
    figures, overrides, errors = {}, {}, {}
    for key in phase.figure_keys():
        label = FIGURES[key]
        try:
            value = parse_figure(raw_figures.get(key, prefilled.get(key, 0)), label)
        except ValidationError as error:
            errors[f"figure_{key}"] = error.messages
            continue
        figures[key] = value
        reason = (reasons.get(key) or "").strip()
        if value != prefilled.get(key, 0):
            if not reason:
                errors[f"reason_{key}"] = [
                    _("“%(label)s”与系统统计数（%(n)s）不一致，请说明修改原因。")
                    % {"label": label, "n": prefilled.get(key, 0)}
                ]
            overrides[key] = reason
    return figures, overrides, errors


@transaction.atomic(durable=True)
def save_draft(
    *, acting_user, report: PhaseReport, figures: dict, reasons: dict, sections: dict, expected_version=None
) -> PhaseReport:
    return write_draft(acting_user=acting_user, report=report, figures=figures, reasons=reasons,
                       sections=sections, expected_version=expected_version, today=timezone.localdate())  # fmt: skip


def write_draft(
    *, acting_user, report: PhaseReport, figures: dict, reasons: dict, sections: dict, expected_version=None,
    today: dt.date,
) -> PhaseReport:  # fmt: skip
    """The write behind save_draft (the demo seeds history through it with past dates)."""
    # A locked report says so before any version check: no edit of it can ever succeed.
    if PhaseReport.objects.select_for_update().get(pk=report.pk).is_locked:
        raise LockedRecord(_("报告已提交并锁定，不能修改。"))
    report = lock_for_edit(PhaseReport, report.pk, expected_version)
    phase = Phase.objects.select_related("campaign").get(pk=report.phase_id)
    _refuse_unless_in_scope(phase, _school())
    if report.previous_id is None:  # a first version is bound to the window; a returned one is not
        check_window(phase, _school(), today)
    prefilled = prefill_figures(phase)
    clean, overrides, errors = _clean_figures(phase, prefilled, figures, reasons)
    texts = {s["key"]: str(sections.get(s["key"], "") or "").strip() for s in phase.sections()}
    for key, text in texts.items():
        if len(text) > SECTION_LIMIT:
            errors[f"section_{key}"] = [MESSAGE % {"limit_value": SECTION_LIMIT, "show_value": len(text)}]
    for key, reason in overrides.items():
        if len(reason) > REASON_LIMIT:
            errors[f"reason_{key}"] = [MESSAGE % {"limit_value": REASON_LIMIT, "show_value": len(reason)}]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(report, ["prefilled", "figures", "overrides", "sections"])
    report.prefilled, report.figures, report.overrides, report.sections = prefilled, clean, overrides, texts
    changes = audit.diff(before, audit.snapshot(report, ["prefilled", "figures", "overrides", "sections"]))
    if changes:
        report.version += 1
        report.save()
        # The audit keeps which parts changed; narrative text stays in the report itself.
        audit.record(actor=acting_user, action="report.saved", obj=report,
                     changes={name: {"old": "…", "new": "…"} if name == "sections" else change
                              for name, change in changes.items()})  # fmt: skip
    return report


@transaction.atomic(durable=True)
def add_attachment(*, acting_user, report: PhaseReport, upload) -> PhaseReportAttachment:
    report = lock_for_edit(PhaseReport, report.pk, ANY_VERSION)
    if report.is_locked:
        raise LockedRecord(_("报告已提交并锁定，不能再添加附件。"))
    check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = PhaseReportAttachment(
        report=report,
        file=upload,
        name=(upload.name or "")[:200],
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
    )
    attachment.save()
    audit.record(actor=acting_user, action="report.attachment_added", obj=report,
                 changes={"attachment": {"old": None, "new": attachment.name}, "sha256": {"old": None, "new": attachment.sha256}})  # fmt: skip
    return attachment


@retry_on_deadlock
@transaction.atomic(durable=True)
def submit_report(*, acting_user, report: PhaseReport) -> PhaseSubmission:
    """Lock the report, hash it into the school's chain and send its de-identified summary up.
    The time is the server's; a second submission (or a racing one) is refused."""
    return write_submission(acting_user=acting_user, report=report, now=timezone.now())


def write_submission(*, acting_user, report: PhaseReport, now: dt.datetime) -> PhaseSubmission:
    """The write behind submit_report (the demo seeds history through it with past times)."""
    school = _school()
    progress_rollup.lock()  # first, before any row lock (see progress_rollup.PROGRESS_LOCK)
    report = PhaseReport.objects.select_for_update().filter(pk=report.pk).first()
    if report is None:
        raise ValidationError(_("未找到该报告。"))
    if report.is_locked:
        raise ValidationError(_("该报告已提交，不能重复提交。"), code="already_submitted")
    phase = Phase.objects.select_related("campaign").get(pk=report.phase_id)
    _refuse_unless_in_scope(phase, school)
    last = latest_submission(phase, school)
    if report.previous_id is None:
        if last is not None:
            raise ValidationError(_("该报告已提交，不能重复提交。"), code="already_submitted")
        check_window(phase, school, timezone.localtime(now).date())
    else:
        last = PhaseSubmission.objects.select_for_update().filter(pk=last.pk).first() if last else None
        if last is None or last.status != SubmissionStatus.RETURNED or last.version != report.number - 1:
            raise ValidationError(_("只有被退回的报告才能提交修改后的新版本。"), code="not_returned")
    prefilled = prefill_figures(phase)
    figures, overrides, errors = _clean_figures(phase, prefilled, report.figures, report.overrides)
    for section in phase.sections():
        if section.get("required") and not (report.sections.get(section["key"]) or "").strip():
            errors[f"section_{section['key']}"] = [_("请填写“%(title)s”。") % {"title": section["title"]}]
    if errors:
        raise ValidationError(errors)
    # One submission at a time per school, so the chain never forks.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK, school.pk])
    previous = PhaseSubmission.objects.filter(school=school).order_by("-id").first()
    report.prefilled, report.figures, report.overrides = prefilled, figures, overrides
    report.submitted_at = now
    report.submitted_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    report.prev_hash = previous.content_hash if previous else GENESIS_HASH
    report.content_hash = chained_hash(
        report.prev_hash, canonical_content(school_code=school.code, report=report)
    )
    report.version += 1
    report.save()
    try:
        with transaction.atomic():
            submission = PhaseSubmission.objects.create(
                school=school, phase=phase, version=report.number, report_id=report.pk, figures=figures,
                overridden=sorted(overrides), submitted_at=now, submitted_by=report.submitted_by,
                content_hash=report.content_hash, prev_hash=report.prev_hash,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(_("该报告已提交，不能重复提交。"), code="already_submitted") from None
    progress_rollup.refresh_school_cells(school, [phase.campaign])
    audit.record(actor=acting_user, action="report.submitted", obj=report, changes={
        "submitted_at": {"old": None, "new": now.isoformat()}, "content_hash": {"old": "", "new": report.content_hash},
    })  # fmt: skip
    district_audit.record(actor=acting_user, action="phase_report.submitted", obj=submission, school=school,
                          changes={"version": report.number, "content_hash": report.content_hash})  # fmt: skip
    return submission
