import datetime as dt

from django.db.models import Count, Max, Q
from django.utils import timezone

from inspections.models import InspectorAssignment, NoticeStatus, RectificationNotice, Visit


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


def schools_visible_to(user):
    """The one rule of whose school figures a district user sees, used by every district door
    (dashboard, campaigns, phases, submissions, progress — pages, API and exports): bureau staff
    every school, an inspector the schools currently assigned to them (挂牌督导), anyone else none."""
    from tenants.models import School

    schools = School.objects.exclude(schema_name="public")
    if not getattr(user, "is_authenticated", False):
        return schools.none()
    if user.is_bureau:
        return schools
    if user.is_inspector:
        return schools.filter(pk__in=current_assignments(inspector=user).values("school_id"))
    return schools.none()


# A school with no visit in this many days is "not visited" (the dashboard's tile, the inspector's list).
NOT_VISITED_DAYS = 30


# --- for the district dashboard: one query each, public schema only ------------------------


def latest_visits(school_ids) -> dict[int, dt.date]:
    """School id → the date of its latest visit that is not voided. A school never visited is
    absent. `school_ids` may be any iterable of ids or a values_list queryset (then a subquery)."""
    rows = (
        Visit.objects.filter(school_id__in=school_ids, voided_at__isnull=True)
        .values("school_id")
        .annotate(latest=Max("visited_on"))
        .order_by()
    )
    return {row["school_id"]: row["latest"] for row in rows}


def _open_notices(school_ids):
    """Rectification notices not yet closed (of visits not voided) of these schools."""
    return RectificationNotice.objects.filter(
        school_id__in=school_ids, status=NoticeStatus.OPEN, visit__voided_at__isnull=True
    )


def _per_school(notices):
    return notices.values("school_id").annotate(n=Count("id")).order_by().values_list("school_id", "n")


def open_notice_counts(school_ids, *, today: dt.date | None = None) -> dict[int, dict]:
    """School id → {"open": n, "overdue": m}: its rectification notices not yet closed, and how many
    of them are past their due date (due_on < today). A school with none open is absent."""
    today = today or timezone.localdate()
    rows = (
        _open_notices(school_ids)
        .values("school_id")
        .annotate(open_count=Count("id"), overdue_count=Count("id", filter=Q(due_on__lt=today)))
        .order_by()
    )
    return {row["school_id"]: {"open": row["open_count"], "overdue": row["overdue_count"]} for row in rows}


def overdue_notices(school_ids, *, today: dt.date):
    """(school id, n) of the schools with notices not closed and past their due date: a queryset, so
    the dashboard can join it into one statement."""
    return _per_school(_open_notices(school_ids).filter(due_on__lt=today))


def open_notices(school_ids):
    """(school id, n) of the schools with notices not yet closed: a queryset, like overdue_notices."""
    return _per_school(_open_notices(school_ids))
