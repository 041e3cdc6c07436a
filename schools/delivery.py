"""Who this school's notices cannot reach, and the notices whose e-mail did not arrive: for the
school's admins (the district's operations page lists every account without an address)."""

from django.http import Http404

from schools.models import Notice, NoticeDelivery
from tenants.models import SchoolMembership


def _require_admin(viewer, school) -> None:
    membership = viewer.membership_in(school) if viewer.is_authenticated else None
    if membership is None or not membership.is_admin:
        raise Http404


def staff_without_email(viewer, school) -> list[SchoolMembership]:
    _require_admin(viewer, school)
    return list(
        SchoolMembership.objects.filter(school=school, active=True, user__is_active=True, user__email="")
        .select_related("user")
        .order_by("user__username")
    )


def undelivered_notices(viewer, school, limit: int = 200) -> list[Notice]:
    """Notices in this school's schema whose e-mail failed, is being retried or had no address."""
    _require_admin(viewer, school)
    undelivered = [NoticeDelivery.FAILED, NoticeDelivery.RETRYING, NoticeDelivery.NO_ADDRESS]
    return list(Notice.objects.filter(delivery__in=undelivered).select_related("recipient")[:limit])
