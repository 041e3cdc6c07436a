"""Appeals as the viewer may see them; overdue is computed from the server clock when read."""

from django.http import Http404
from django.utils import timezone

from oversight.appeals.models import AppealState, DistrictAppeal


def is_overdue(appeal, today=None) -> bool:
    return appeal.state == AppealState.PENDING and (today or timezone.localdate()) > appeal.due_on


def appeals_for(*, viewer, school=None):
    """Bureau staff: every appeal (or one school's); a school: its own only."""
    rows = DistrictAppeal.objects.select_related("school").order_by("-received_on", "-id")
    if school is not None:
        return rows.filter(school=school)
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    return rows


def appeal_for(*, viewer, pk, school=None) -> DistrictAppeal:
    appeal = appeals_for(viewer=viewer, school=school).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


def overdue_count() -> int:
    return DistrictAppeal.objects.filter(state=AppealState.PENDING, due_on__lt=timezone.localdate()).count()
