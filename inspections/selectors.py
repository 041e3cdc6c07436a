from django.db.models import Q
from django.utils import timezone

from inspections.models import InspectorAssignment


def current_assignments(*, inspector=None, school=None):
    today = timezone.localdate()
    qs = InspectorAssignment.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    if inspector is not None:
        qs = qs.filter(inspector=inspector)
    if school is not None:
        qs = qs.filter(school=school)
    return qs


def inspector_is_assigned(*, inspector, school) -> bool:
    return current_assignments(inspector=inspector, school=school).exists()
