"""Read-side queries inside one school's schema."""

from django.utils import timezone

from schools.models import Activity, Hazard, HazardStatus, Incident, IncidentStage


def semester_start(today=None):
    """Semesters run 1 Feb–31 Jul and 1 Aug–31 Jan."""
    today = today or timezone.localdate()
    if 2 <= today.month <= 7:
        return today.replace(month=2, day=1)
    year = today.year if today.month >= 8 else today.year - 1
    return today.replace(year=year, month=8, day=1)


def dashboard_figures(today=None) -> dict:
    today = today or timezone.localdate()
    open_incidents = Incident.objects.exclude(stage=IncidentStage.CLOSED).filter(voided_at__isnull=True)
    open_hazards = Hazard.objects.filter(status__in=[HazardStatus.OPEN, HazardStatus.RECTIFYING])
    return {
        "open_incidents": open_incidents.count(),
        "incidents_by_stage": [
            (label, open_incidents.filter(stage=value).count())
            for value, label in IncidentStage.choices
            if value != IncidentStage.CLOSED
        ],
        "open_hazards": open_hazards.count(),
        "overdue_hazards": open_hazards.filter(deadline__lt=today).order_by("deadline"),
        "activities_this_semester": Activity.objects.filter(held_on__gte=semester_start(today)).count(),
        "recent_incidents": open_incidents.order_by("-occurred_at")[:5],
    }
