import datetime as dt

from django.db.models import Count, Max, Q
from django.utils import timezone

from inspections.models import InspectorAssignment, RectificationNotice, Visit
from inspections.workflow import NoticeStatus


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


def not_visited_days() -> int:
    """A school with no visit in this many days is "not visited" (the dashboard's tile, the
    inspector's list): the district's setting."""
    from oversight.models import DistrictSettings

    return DistrictSettings.current().not_visited_days


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
        school_id__in=school_ids, visit__voided_at__isnull=True
    ).exclude(status=NoticeStatus.CLOSED)


def OVERDUE(today):  # noqa: N802 — reads as the rule it is
    """A notice is overdue when the school has not answered all of it by its due date."""
    return Q(status=NoticeStatus.OPEN, due_on__lt=today)


def _per_school(notices):
    return notices.values("school_id").annotate(n=Count("id")).order_by().values_list("school_id", "n")


def open_notice_counts(school_ids, *, today: dt.date | None = None) -> dict[int, dict]:
    """School id → {"open": n, "overdue": m}: its rectification notices not yet closed, and how many
    of them are past their due date (due_on < today). A school with none open is absent."""
    today = today or timezone.localdate()
    rows = (
        _open_notices(school_ids)
        .values("school_id")
        .annotate(open_count=Count("id"), overdue_count=Count("id", filter=OVERDUE(today)))
        .order_by()
    )
    return {row["school_id"]: {"open": row["open_count"], "overdue": row["overdue_count"]} for row in rows}


def overdue_notices(school_ids, *, today: dt.date):
    """(school id, n) of the schools with notices not closed and past their due date: a queryset, so
    the dashboard can join it into one statement."""
    return _per_school(_open_notices(school_ids).filter(OVERDUE(today)))


def open_notices(school_ids):
    """(school id, n) of the schools with notices not yet closed: a queryset, like overdue_notices."""
    return _per_school(_open_notices(school_ids))


# --- the checklist ---------------------------------------------------------------------------


def current_template():
    """The checklist version new visits are filled in with (the highest), or None."""
    from inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.prefetch_related("items").order_by("-version").first()


# --- coverage (督导覆盖) --------------------------------------------------------------------------


def coverage_period(today: dt.date, frequency: str) -> tuple[dt.date, dt.date]:
    """[start, end) of the period the required visits are counted in: this semester or this month."""
    from schools.selectors import next_semester_start, semester_start

    if frequency == "month":
        start = today.replace(day=1)
        return start, (start + dt.timedelta(days=32)).replace(day=1)
    start = semester_start(today)
    return start, next_semester_start(start)


def coverage(*, today: dt.date | None = None, inspector=None, school_ids=None) -> list[dict]:
    """One row per current assignment (inspector × school): the inspector's visits there this month
    and this semester, the required number in the district's period, whether it is met, the
    school's latest visit by anyone, whether it is past the not-visited threshold, and its open and
    overdue notices. Four queries whatever the number of schools."""
    from oversight.models import DistrictSettings
    from schools.selectors import semester_start

    today = today or timezone.localdate()
    rules = DistrictSettings.current()
    start, end = coverage_period(today, rules.visit_frequency)
    month = today.replace(day=1)
    semester = semester_start(today)
    assignments = current_assignments(inspector=inspector).select_related("inspector", "school")
    if school_ids is not None:
        assignments = assignments.filter(school_id__in=school_ids)
    assignments = list(assignments.order_by("inspector__username", "school__name"))
    schools = {a.school_id for a in assignments}
    counted = (
        Visit.objects.filter(school_id__in=schools, voided_at__isnull=True, visited_on__lt=end)
        .values("inspector_id", "school_id")
        .annotate(
            period=Count("id", filter=Q(visited_on__gte=start)),
            month=Count("id", filter=Q(visited_on__gte=month)),
            semester=Count("id", filter=Q(visited_on__gte=semester)),
        )
        .order_by()
    )
    counts = {(row["inspector_id"], row["school_id"]): row for row in counted}
    latest, notices = latest_visits(schools), open_notice_counts(schools, today=today)
    rows = []
    for a in assignments:
        c = counts.get((a.inspector_id, a.school_id), {"period": 0, "month": 0, "semester": 0})
        last = latest.get(a.school_id)
        n = notices.get(a.school_id, {"open": 0, "overdue": 0})
        rows.append({
            "inspector": a.inspector, "school": a.school, "period_visits": c["period"],
            "month_visits": c["month"], "semester_visits": c["semester"], "required": rules.visits_required,
            "met": c["period"] >= rules.visits_required, "latest": last,
            "days_since": (today - last).days if last else None,
            "stale": last is None or (today - last).days > rules.not_visited_days,
            "open_notices": n["open"], "overdue_notices": n["overdue"],
        })  # fmt: skip
    return rows


def coverage_by_inspector(rows: list[dict]) -> list[dict]:
    """The coverage rows summed per inspector: schools, schools whose requirement is met, visits."""
    totals: dict[int, dict] = {}
    for row in rows:
        t = totals.setdefault(row["inspector"].pk, {"inspector": row["inspector"], "schools": 0, "met": 0,
                                                     "period_visits": 0, "stale": 0, "open_notices": 0})  # fmt: skip
        t["schools"] += 1
        t["met"] += row["met"]
        t["stale"] += row["stale"]
        t["period_visits"] += row["period_visits"]
        t["open_notices"] += row["open_notices"]
    return list(totals.values())


# --- what an inspector has to do -------------------------------------------------------------


def rechecks_due(*, inspector):
    """Answered notice items of the inspector's schools waiting for their re-check, soonest first."""
    from inspections.models import NoticeItem
    from inspections.workflow import ItemState

    return (
        NoticeItem.objects.filter(
            state=ItemState.ANSWERED,
            notice__school__in=current_assignments(inspector=inspector).values("school"),
        )
        .select_related("notice__school")
        .order_by("recheck_due_on", "id")
    )


def planned_visits(*, inspector):
    from inspections.models import VisitPlan
    from inspections.workflow import PlanState

    return (
        VisitPlan.objects.filter(inspector=inspector, state=PlanState.PLANNED)
        .select_related("school")
        .order_by("planned_on", "id")
    )


def notices_for_school(school):
    """The school's own notices, newest first (for its site)."""
    return (
        RectificationNotice.objects.filter(school=school, visit__voided_at__isnull=True)
        .select_related("visit", "issued_by")
        .prefetch_related("notice_items")
        .order_by("-issued_on", "-id")
    )
