"""Read-side queries of the district layer (public schema only — never a loop over schemas)."""

from django.db.models import Count, Q
from django.utils import timezone

from inspections.selectors import schools_visible_to
from oversight.models import Phase
from tenants.models import School


def schools_overview():
    return School.objects.exclude(schema_name="public").annotate(
        inspectors=Count("inspector_assignments", filter=Q(inspector_assignments__ends_on__isnull=True))
    )


def current_phase(today=None) -> Phase | None:
    today = today or timezone.localdate()
    return (
        Phase.objects.select_related("campaign")
        .filter(starts_on__lte=today, ends_on__gte=today)
        .order_by("report_due_on")
        .first()
    )


def next_phase(today=None) -> Phase | None:
    today = today or timezone.localdate()
    return Phase.objects.select_related("campaign").filter(starts_on__gt=today).order_by("starts_on").first()


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
