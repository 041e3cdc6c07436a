"""What the operations page shows, for bureau administrators only."""

from django.http import Http404

from oversight.operations.models import TaskFailure
from tenants.models import School, SchoolMembership, User


def require_bureau_admin(viewer) -> None:
    if not (viewer.is_authenticated and viewer.is_bureau_admin):
        raise Http404


def recent_failures(viewer, limit: int = 100) -> list[dict]:
    require_bureau_admin(viewer)
    schools = dict(School.objects.values_list("schema_name", "name"))
    return [
        {"failure": failure, "school": schools.get(failure.schema_name, "")}
        for failure in TaskFailure.objects.all()[:limit]
    ]


def users_without_email(viewer) -> list[dict]:
    """Every active account that no e-mail can reach, with where it works."""
    require_bureau_admin(viewer)
    users = list(
        User.objects.filter(is_active=True, email="")
        .prefetch_related("district_memberships")
        .order_by("username")
    )
    schools: dict[int, list[str]] = {}
    for user_id, name in SchoolMembership.objects.filter(active=True, user__in=users).values_list(
        "user_id", "school__name"
    ):
        schools.setdefault(user_id, []).append(name)
    return [
        {"user": user, "roles": [m.get_role_display() for m in user.district_memberships.all()],
         "schools": schools.get(user.pk, [])}
        for user in users
    ]  # fmt: skip
