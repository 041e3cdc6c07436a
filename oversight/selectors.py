"""Read-side queries of the district layer (public schema only — never a loop over schemas)."""

from django.db.models import Count, Q
from django.utils import timezone

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
