"""Phase-report reminders (Celery beat, daily): N days before the due date, on the day, and when
overdue — an in-app notice to the school's admins (written in the school's schema, e-mailed after
commit) — and a daily list of overdue schools e-mailed to bureau staff."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.actions import _notify_school_admins
from oversight.disclosures.tasks import expire_disclosures  # noqa: F401  (the worker finds it here)
from oversight.models import Campaign, DistrictSettings, PhaseReminder, PhaseSubmission, ReminderKind
from oversight.operations.tasks import heartbeat, nightly_backup  # noqa: F401  (the worker finds them here)
from oversight.progress import MISSING, PENDING, campaign_progress
from oversight.rollups import reconcile_rollups, refresh_school_rollups  # noqa: F401  (the worker finds them here)
from oversight.serious_cases.tasks import notify_passed_deadlines  # noqa: F401
from tenants.models import User
from tenants.roles import DistrictRole

STALE_AFTER_DAYS = 30  # a phase closed longer ago than this drops off the district's daily list


def reminder_kind(due_on: dt.date, today: dt.date, days_before: int, every: int) -> str | None:
    """Which reminder a school still owing a report gets today, if any (due_on includes grace)."""
    if today == due_on - dt.timedelta(days=days_before) and days_before > 0:
        return ReminderKind.BEFORE
    if today == due_on:
        return ReminderKind.DUE_TODAY
    overdue_days = (today - due_on).days
    if overdue_days >= 1 and (overdue_days - 1) % max(every, 1) == 0:
        return ReminderKind.OVERDUE
    return None


def _message(kind: str, phase, due_on: dt.date, today: dt.date) -> tuple[str, str]:
    values = {"campaign": phase.campaign.name, "phase": phase.name, "due": due_on.strftime("%Y-%m-%d"),
              "days": (due_on - today).days, "late": (today - due_on).days}  # fmt: skip
    if kind == ReminderKind.BEFORE:
        return (_("%(phase)s报告将于 %(due)s 截止（还有 %(days)s 天）") % values,
                _("请在截止前提交“%(campaign)s · %(phase)s”阶段报告。") % values)  # fmt: skip
    if kind == ReminderKind.DUE_TODAY:
        return (_("%(phase)s报告今天（%(due)s）截止") % values,
                _("“%(campaign)s · %(phase)s”阶段报告今天截止，请尽快提交。") % values)  # fmt: skip
    return (_("%(phase)s报告已逾期 %(late)s 天") % values,
            _("“%(campaign)s · %(phase)s”阶段报告已于 %(due)s 截止，本校尚未提交，请立即补报或向区教育局申请延期。") % values)  # fmt: skip


@shared_task(name="oversight.tasks.send_phase_reminders")
def send_phase_reminders(today: str | None = None) -> dict:
    """Run daily from beat. Returns what it sent, for logs and tests."""
    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    district = DistrictSettings.current()
    sent, overdue = [], []
    for campaign in Campaign.objects.filter(phases__starts_on__lte=today).distinct():
        progress = campaign_progress(campaign, today=today)
        submitted = set(
            PhaseSubmission.objects.filter(phase__in=progress.phases).values_list("school_id", "phase_id")
        )
        for school, cells in progress.rows():
            for phase, cell in zip(progress.phases, cells, strict=True):
                if cell.state not in (PENDING, MISSING) or (school.pk, phase.pk) in submitted:
                    continue
                closes = max(phase.closes_on, cell.due_on)
                if phase.starts_on > today or today > closes + dt.timedelta(days=STALE_AFTER_DAYS):
                    continue
                if cell.state == MISSING:
                    overdue.append((school, phase, cell.due_on))
                kind = reminder_kind(cell.due_on, today, district.report_reminder_days,
                                     district.overdue_reminder_every_days)  # fmt: skip
                if kind is None:
                    continue
                try:
                    with transaction.atomic():
                        PhaseReminder.objects.create(phase=phase, school=school, kind=kind, sent_on=today)
                        title, body = _message(kind, phase, cell.due_on, today)
                        _notify_school_admins(school, title, body, f"/reports/phase/{phase.pk}/")
                except IntegrityError:
                    continue  # already reminded today (beat ran twice)
                sent.append((school.slug, phase.pk, str(kind)))
    mailed = _mail_district(overdue, today)
    return {"sent": sent, "overdue": len(overdue), "district_mailed": mailed}


def _mail_district(overdue, today: dt.date) -> int:
    if not overdue:
        return 0
    recipients = sorted(set(
        User.objects.filter(district_memberships__role__in=[DistrictRole.BUREAU_ADMIN, DistrictRole.BUREAU_STAFF],
                            is_active=True).exclude(email="").values_list("email", flat=True)))  # fmt: skip
    if not recipients:
        return 0
    lines = [f"{school.name} · {phase.campaign.name} · {phase.name} · " + _("截止 %(due)s，逾期 %(n)s 天") % {
        "due": due.strftime("%Y-%m-%d"), "n": (today - due).days} for school, phase, due in overdue]  # fmt: skip
    send_mail(
        subject=_("阶段报告逾期未报学校（%(date)s，共 %(n)s 项）")
        % {"date": today.strftime("%Y-%m-%d"), "n": len(lines)},
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


from oversight.onboarding.tasks import run_onboarding  # noqa: E402, F401  (autodiscover looks at oversight.tasks)
