"""Read-side queries of the district layer (public schema only — never a loop over schemas)."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from inspections.selectors import schools_visible_to
from oversight.models import Campaign, Phase
from oversight.progress import EXEMPTED, Cell
from tenants.models import School


def schools_overview():
    return School.objects.exclude(schema_name="public").annotate(
        inspectors=Count("inspector_assignments", filter=Q(inspector_assignments__ends_on__isnull=True))
    )


def phases_for(school=None):
    """Every phase the district runs (school None), or only those of campaigns that include `school`."""
    phases = Phase.objects.select_related("campaign")
    if school is not None:
        phases = phases.filter(campaign__in=Campaign.including(school).values("pk"))
    return phases


def current_phase(today=None, *, school=None) -> Phase | None:
    """The running phase whose report is due first — a school sees only its own campaigns' phases."""
    today = today or timezone.localdate()
    return (
        phases_for(school).filter(starts_on__lte=today, ends_on__gte=today).order_by("report_due_on").first()
    )


def next_phase(today=None, *, school=None) -> Phase | None:
    today = today or timezone.localdate()
    return phases_for(school).filter(starts_on__gt=today).order_by("starts_on").first()


@dataclass
class SchoolPhase:
    """One phase of a campaign that includes the school, with where the school's report stands."""

    phase: Phase
    cell: Cell
    exempt: bool
    closed_reason: str  # why a first report cannot be submitted today ("" while the window is open)


def school_phases(school, today=None) -> list[SchoolPhase]:
    """Every phase of the campaigns that include `school`, in campaign and phase order, each with the
    school's progress cell (state, review status, latest version) and whether it is open today."""
    from oversight.progress import campaign_progress

    today = today or timezone.localdate()
    rows = []
    for campaign in Campaign.including(school).order_by("-year", "name"):
        progress = campaign_progress(campaign, today, schools=[school])
        for phase in progress.phases:
            cell = progress.cells[(school.pk, phase.pk)]
            rows.append(SchoolPhase(phase=phase, cell=cell, exempt=cell.state == EXEMPTED,
                                    closed_reason=window_refusal(phase, cell, today)))  # fmt: skip
    return rows


def window_refusal(phase: Phase, cell: Cell, today) -> str:
    """Why a first report for the phase is not accepted today, or "" (mirrors the submit's check)."""
    if today < phase.starts_on:
        return gettext("该阶段自 %(start)s 起才开放填报。") % {"start": phase.starts_on.strftime("%Y-%m-%d")}
    closes = max(phase.closes_on, cell.due_on) if cell.extended else phase.closes_on
    if today > closes:
        return gettext("该阶段报告已于 %(date)s 截止，逾期须经区教育局批准延期后方可提交。") % {
            "date": closes.strftime("%Y-%m-%d")}  # fmt: skip
    return ""


# --- what a district user may see of the schools' figures (one rule: inspections.selectors) ---


def visible_submissions(user):
    """Phase submissions of the schools `user` may see (the API's list and detail, the pages)."""
    from oversight.models import PhaseSubmission

    return PhaseSubmission.objects.filter(school__in=schools_visible_to(user))


def visible_progress(user, campaign, today=None, *, phases=None):
    """A campaign's progress over the schools `user` may see: the matrix, the tallies and the totals
    alike, so an inspector's rates are those of their own schools."""
    from oversight.progress import campaign_progress

    schools = (
        campaign.schools_in_scope().filter(pk__in=schools_visible_to(user).values("pk")).order_by("name")
    )
    return campaign_progress(campaign, today, phases=phases, schools=schools)
