"""Refreshing the roll-up tables (oversight.models_rollups) from the schools' schemas.

- `schedule_refresh()` is called by schools.audit.record, inside every school write's transaction:
  after commit it sends `refresh_school_rollups` from the school's schema context, debounced (the
  first write of a burst sends the task with a countdown; later writes find the cache key and send
  nothing; the task clears the key before it reads, so a write after that sends a new one). It is
  registered with on_commit(robust=True): with the broker (or cache) down the write still stands,
  and the next reconcile repairs the roll-ups.
- `refresh_school(school)` replaces one school's rows (a handful of GROUP BY queries on its
  schema), moves its contribution in the district cubes by the difference, and refreshes its
  phase-progress cells.
- `reconcile()` replaces every school's rows, one INSERT … SELECT per table with a UNION ALL over
  the schools' schemas (500 a statement; names quoted with psycopg.sql.Identifier), then rebuilds
  the cubes and the progress cells from them, all in one transaction.
- `differences()` compares the roll-ups with a direct ORM count in every school, the cubes with
  the per-school rows they sum, and the progress cells with oversight.progress (check_rollups).

The same SELECT builds both refresh and reconcile; the ground truth is counted independently, with
the ORM, so the check does not just re-run the code it checks.
"""

import datetime as dt
import logging
from collections import Counter

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from psycopg import sql

from oversight.models_rollups import (
    ActivityRollup,
    DistrictIncidentCube,
    DistrictIncidentKindCube,
    HazardRollup,
    IncidentKindRollup,
    IncidentRollup,
    SchoolMonthRollup,
    SchoolRollup,
)
from tenants.retry import retry_on_deadlock

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 5  # a burst of writes within this many seconds gives one refresh
DEBOUNCE_KEY_TTL = DEBOUNCE_SECONDS + 30  # a lost task stops debouncing after this long
LOCK_NAMESPACE = 7_301_042  # pg advisory locks: reconcile takes it exclusively, refreshes shared


def _debounce_key(schema: str) -> str:
    return f"rollups:refresh-pending:{schema}"


# --- the hook every school write goes through -----------------------------------------------


def schedule_refresh() -> None:
    """Queue a debounced refresh of the current school's roll-ups once this transaction commits."""
    schema = connection.schema_name
    if schema in (get_public_schema_name(), settings.TENANT_BASE_SCHEMA):
        return
    transaction.on_commit(lambda: send_refresh(schema), robust=True)


def send_refresh(schema: str) -> bool:
    """Send the refresh task for `schema` unless one is already pending. True when sent."""
    key = _debounce_key(schema)
    try:
        if not cache.add(key, 1, timeout=DEBOUNCE_KEY_TTL):
            return False
    except Exception:  # the cache is down: refresh without debouncing rather than not at all
        log.warning("roll-up debounce cache unavailable; sending the refresh anyway", exc_info=True)
    try:
        # Sent from the school's schema so the worker runs it there (tenant-schemas-celery).
        with schema_context(schema):
            refresh_school_rollups.apply_async(countdown=DEBOUNCE_SECONDS)
    except Exception:
        try:
            cache.delete(key)  # let the next write try again
        except Exception:
            pass
        raise
    return True


@shared_task(name="oversight.rollups.refresh_school_rollups")
@retry_on_deadlock
def refresh_school_rollups(schema_name: str | None = None) -> int:
    """Refresh the roll-ups of the school whose schema the task was sent from."""
    from tenants.models import School

    schema = schema_name or connection.schema_name
    try:
        cache.delete(_debounce_key(schema))
    except Exception:
        pass
    school = School.objects.filter(schema_name=schema).first()
    if school is None:
        return 0
    refresh_school(school)
    return school.pk


@shared_task(name="oversight.rollups.reconcile_rollups")
@retry_on_deadlock
def reconcile_rollups() -> int:
    """Beat: recompute every school's roll-ups in one SQL pass. Returns the number of schools."""
    return reconcile()


# --- SQL -----------------------------------------------------------------------------------


def _tables():
    from schools.models import Activity, CareEntry, Hazard, Incident
    from tenants.models import School

    return {
        "incident": Incident._meta.db_table,
        "hazard": Hazard._meta.db_table,
        "activity": Activity._meta.db_table,
        "care": CareEntry._meta.db_table,
        "registry": School._meta.db_table,
    }


def _serious() -> sql.Composable:
    from schools.models import SERIOUS_SEVERITIES

    return sql.SQL(", ").join(sql.Literal(str(s)) for s in sorted(SERIOUS_SEVERITIES))


# Each target's SELECT for one school, from its schema; the reconcile joins them with UNION ALL.
SELECTS = {
    "incident": "SELECT {sid}, {month}, i.severity, i.stage, count(*) "
    "FROM {incident} i WHERE i.voided_at IS NULL GROUP BY 2, 3, 4",
    "incident_kind": "SELECT {sid}, {month}, k.kind, i.severity, i.stage, count(*) "
    "FROM {incident} i CROSS JOIN LATERAL (SELECT DISTINCT u FROM unnest(CASE WHEN cardinality(i.kinds) = 0 "
    "THEN ARRAY['']::varchar[] ELSE i.kinds END) u) k(kind) WHERE i.voided_at IS NULL GROUP BY 2, 3, 4, 5",
    "hazard": "SELECT {sid}, (date_trunc('month', h.found_on))::date, h.status, h.deadline, count(*) "
    "FROM {hazard} h WHERE h.voided_at IS NULL GROUP BY 2, 3, 4",
    "activity": "SELECT {sid}, (date_trunc('month', a.held_on))::date, a.kind, count(*), "
    "coalesce(sum(a.participants), 0) FROM {activity} a WHERE a.voided_at IS NULL GROUP BY 2, 3",
    "school": "SELECT {sid}, (SELECT count(*) FROM {care} c WHERE c.voided_at IS NULL AND c.closed_on IS NULL), "
    "0, r.kind, r.area, r.status = 'active', now() FROM {registry} r WHERE r.id = {sid}",
}
# Figures summed from rows already copied into the public schema (so the schools' incident tables
# are read twice per pass, not four times). `{where}` picks the schools.
DERIVED = {
    "school_month": "INSERT INTO {school_month} (school_id, month, incidents, serious) "
    "SELECT school_id, month, sum(count), coalesce(sum(count) FILTER (WHERE severity IN ({serious})), 0) "
    "FROM {incident} WHERE {where} GROUP BY 1, 2",
    "open": "UPDATE {school} s SET open_incidents = o.n FROM (SELECT school_id, sum(count) AS n FROM {incident} "
    "WHERE stage <> 'closed' AND {where} GROUP BY 1) o WHERE s.school_id = o.school_id",
}


def _select(target: str, schema: str, school_id: int) -> sql.Composed:
    names = {key: sql.Identifier(schema, table) for key, table in _tables().items()}
    names["registry"] = sql.Identifier(get_public_schema_name(), _tables()["registry"])
    month = sql.SQL("(date_trunc('month', i.occurred_at AT TIME ZONE {}))::date").format(
        sql.Literal(settings.TIME_ZONE)
    )
    return sql.SQL(SELECTS[target]).format(
        sid=sql.Literal(int(school_id)), month=month, serious=_serious(), **names
    )


TARGETS = {
    "incident": (IncidentRollup, ["school_id", "month", "severity", "stage", "count"]),
    "incident_kind": (IncidentKindRollup, ["school_id", "month", "kind", "severity", "stage", "count"]),
    "hazard": (HazardRollup, ["school_id", "month", "status", "deadline", "count"]),
    "activity": (ActivityRollup, ["school_id", "month", "kind", "count", "participants"]),
    # open_incidents starts at 0 and is then summed from the incident rows (DERIVED["open"]).
    "school": (SchoolRollup, ["school_id", "care_list_size", "open_incidents", "school_kind", "area", "active",
                              "refreshed_at"]),
}  # fmt: skip

# Each cube: (model, its own column, the per-school table it sums).
CUBES = {
    "severity": (DistrictIncidentCube, "severity", IncidentRollup),
    "kind": (DistrictIncidentKindCube, "kind", IncidentKindRollup),
}
COORDINATES = ("school_kind", "area", "active")


def _insert(target: str, selects: list[sql.Composed]) -> sql.Composed:
    model, columns = TARGETS[target]
    return sql.SQL("INSERT INTO {} ({}) {}").format(
        _table(model),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(" UNION ALL ").join(selects),
    )


def _run(cursor, statement: sql.Composable, params=None) -> None:
    cursor.execute(statement.as_string(cursor.connection), params)


def _table(model) -> sql.Identifier:
    return sql.Identifier(get_public_schema_name(), model._meta.db_table)


def _derive(cursor, where: sql.Composable) -> None:
    _run(cursor, sql.SQL("DELETE FROM {} WHERE {}").format(_table(SchoolMonthRollup), where))
    for statement in DERIVED.values():
        _run(cursor, sql.SQL(statement).format(
            school_month=_table(SchoolMonthRollup), incident=_table(IncidentRollup), school=_table(SchoolRollup),
            serious=_serious(), where=where,
        ))  # fmt: skip


def _contribution(cursor, school_id: int) -> Counter:
    """What one school's per-school rows put into each cube, at the coordinates filed for it."""
    result = Counter()
    cursor.execute(
        sql.SQL("SELECT school_kind, area, active FROM {} WHERE school_id = %s")
        .format(_table(SchoolRollup)).as_string(cursor.connection), [school_id]
    )  # fmt: skip
    coordinates = cursor.fetchone()
    if coordinates is None:
        return result
    for name, (_cube, column, source) in CUBES.items():
        cursor.execute(
            sql.SQL("SELECT month, {column}, sum(count) FROM {table} WHERE school_id = %s GROUP BY 1, 2").format(
                column=sql.Identifier(column), table=_table(source)
            ).as_string(cursor.connection), [school_id],
        )  # fmt: skip
        for month, value, n in cursor.fetchall():
            result[(name, month, value, *coordinates)] += n
    return result


def _apply_delta(cursor, delta: Counter) -> None:
    """Add `delta` to the cubes; rows in key order, so two refreshes never lock them crosswise."""
    for name, (cube, column, _source) in CUBES.items():
        rows = sorted((key[1:], n) for key, n in delta.items() if key[0] == name and n)
        if not rows:
            continue
        columns = ["month", column, *COORDINATES, "count"]
        statement = sql.SQL(
            "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) "
            "DO UPDATE SET count = {table}.count + EXCLUDED.count"
        ).format(
            table=_table(cube), columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            key=sql.SQL(", ").join(map(sql.Identifier, columns[:-1])),
        )  # fmt: skip
        cursor.executemany(statement.as_string(cursor.connection), [(*key, n) for key, n in rows])


def refresh_school(school) -> None:
    """Replace one school's roll-up rows with a fresh count from its schema, move its contribution
    to the district cubes from the old count (and old kind, area, state) to the new one, and
    refresh its phase-progress cells."""
    from oversight import progress_rollup

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_NAMESPACE])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, school.pk])
        delta = Counter()
        delta.subtract(_contribution(cursor, school.pk))
        for target, (model, _columns) in TARGETS.items():
            _run(cursor, sql.SQL("DELETE FROM {} WHERE school_id = %s").format(_table(model)), [school.pk])
            _run(cursor, _insert(target, [_select(target, school.schema_name, school.pk)]))
        _derive(cursor, sql.SQL("school_id = {}").format(sql.Literal(school.pk)))
        delta.update(_contribution(cursor, school.pk))
        _apply_delta(cursor, delta)
        progress_rollup.refresh_school_cells(school)


def schools_with_schemas() -> list[tuple[int, str]]:
    """(id, schema) of every school whose schema exists (a school being created may have none yet)."""
    from tenants.models import School

    with connection.cursor() as cursor:
        statement = sql.SQL(
            "SELECT s.id, s.schema_name FROM {} s JOIN pg_namespace n ON n.nspname = s.schema_name "
            "WHERE s.schema_name <> %s ORDER BY s.id"
        ).format(_table(School))
        _run(cursor, statement, [get_public_schema_name()])
        return [(pk, schema) for pk, schema in cursor.fetchall()]


def _rebuild_cubes(cursor) -> None:
    for cube, column, source in CUBES.values():
        _run(cursor, sql.SQL("DELETE FROM {}").format(_table(cube)))
        _run(
            cursor,
            sql.SQL(
                "INSERT INTO {cube} (month, {column}, school_kind, area, active, count) "
                "SELECT r.month, r.{column}, s.school_kind, s.area, s.active, sum(r.count) "
                "FROM {source} r JOIN {schools} s USING (school_id) GROUP BY 1, 2, 3, 4, 5"
            ).format(
                cube=_table(cube),
                column=sql.Identifier(column),
                source=_table(source),
                schools=_table(SchoolRollup),
            ),  # fmt: skip
        )


RECONCILE_CHUNK = (
    500  # schools per INSERT … UNION ALL, so no single statement's plan spans thousands of schemas
)


def _chunks(schools: list) -> list[list]:
    return [schools[i : i + RECONCILE_CHUNK] for i in range(0, len(schools), RECONCILE_CHUNK)]


def reconcile() -> int:
    """Recompute every school's roll-ups: per table, one INSERT … SELECT … UNION ALL over all
    schemas; then the cubes from those rows, and every campaign's progress cells.

    Readers see the old rows until the transaction commits (DELETE, not TRUNCATE, so no lock blocks
    the dashboard); school refreshes wait on the advisory lock and then run on the new rows."""
    from oversight import progress_rollup

    schools = schools_with_schemas()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_NAMESPACE])
        for target, (model, _columns) in TARGETS.items():
            _run(cursor, sql.SQL("DELETE FROM {}").format(_table(model)))
            for chunk in _chunks(schools):
                _run(cursor, _insert(target, [_select(target, schema, pk) for pk, schema in chunk]))
        _derive(cursor, sql.SQL("TRUE"))
        _rebuild_cubes(cursor)
        progress_rollup.refresh_all()
    return len(schools)


# --- ground truth and the check ----------------------------------------------------------------


def _first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def actual_figures(school) -> dict[str, Counter]:
    """A direct count in the school's schema with the ORM (for check_rollups and the tests)."""
    from django_tenants.utils import tenant_context

    from schools.models import SERIOUS_SEVERITIES, Activity, CareEntry, Hazard, Incident

    figures = {name: Counter() for name in FIGURE_NAMES}
    with tenant_context(school):
        for occurred_at, severity, stage, kinds in Incident.objects.filter(
            voided_at__isnull=True
        ).values_list("occurred_at", "severity", "stage", "kinds"):
            month = _first(timezone.localtime(occurred_at).date())
            figures["incident"][(month, severity, stage)] += 1
            figures["school_month"][(month, "incidents")] += 1
            figures["school_month"][(month, "serious")] += int(severity in SERIOUS_SEVERITIES)
            figures["open"][()] += int(stage != "closed")
            for kind in set(kinds) or {""}:
                figures["incident_kind"][(month, kind, severity, stage)] += 1
        for found_on, status, deadline in Hazard.objects.filter(voided_at__isnull=True).values_list(
            "found_on", "status", "deadline"
        ):
            figures["hazard"][(_first(found_on), status, deadline)] += 1
        for held_on, kind, participants in Activity.objects.filter(voided_at__isnull=True).values_list(
            "held_on", "kind", "participants"
        ):
            figures["activity"][(_first(held_on), kind)] += 1
            figures["participants"][(_first(held_on), kind)] += participants
        figures["care"][()] = CareEntry.objects.filter(voided_at__isnull=True, closed_on__isnull=True).count()
    figures["filed_as"][()] = (school.kind, school.area, school.status == "active")
    return figures


def rollup_figures(school) -> dict[str, Counter]:
    """What the roll-up tables say about one school, in the shape of actual_figures."""
    figures = {name: Counter() for name in FIGURE_NAMES}
    for r in IncidentRollup.objects.filter(school=school):
        figures["incident"][(r.month, r.severity, r.stage)] += r.count
    for r in IncidentKindRollup.objects.filter(school=school):
        figures["incident_kind"][(r.month, r.kind, r.severity, r.stage)] += r.count
    for r in SchoolMonthRollup.objects.filter(school=school):
        figures["school_month"][(r.month, "incidents")] += r.incidents
        figures["school_month"][(r.month, "serious")] += r.serious
    for r in HazardRollup.objects.filter(school=school):
        figures["hazard"][(r.month, r.status, r.deadline)] += r.count
    for r in ActivityRollup.objects.filter(school=school):
        figures["activity"][(r.month, r.kind)] += r.count
        figures["participants"][(r.month, r.kind)] += r.participants
    row = SchoolRollup.objects.filter(school=school).first()
    if row:
        figures["care"][()] = row.care_list_size
        figures["open"][()] = row.open_incidents
        figures["filed_as"][()] = (row.school_kind, row.area, row.active)
    return figures


FIGURE_NAMES = {
    "incident": "incidents(month, severity, stage)",
    "incident_kind": "incidents by kind(month, kind, severity, stage)",
    "school_month": "incidents per month(month, total or serious)",
    "open": "open incidents",
    "hazard": "hazards(month found, status, deadline)",
    "activity": "activities(month, kind)",
    "participants": "activity participants(month, kind)",
    "care": "care-list size",
    "filed_as": "filed in the district cubes as (kind, area, active)",
}
ROW_FIGURES = ("care", "open", "filed_as")  # from the school's one SchoolRollup row


def _key_text(key) -> str:
    return ", ".join(
        v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else '""' if v == "" else str(v) for v in key
    )


def school_differences(school) -> list[str]:
    actual, rolled = actual_figures(school), rollup_figures(school)
    problems = []
    for name, label in FIGURE_NAMES.items():
        a, r = actual[name], rolled[name]
        if name in ROW_FIGURES and not r:
            problems.append(f"{school.schema_name} ({school.name}): {label}: no roll-up row (actual {a[()]})")
            continue
        for key in sorted(set(a) | set(r), key=str):
            if a.get(key, 0) != r.get(key, 0):
                problems.append(
                    f"{school.schema_name} ({school.name}): {label} [{_key_text(key)}]: "
                    f"roll-up {r.get(key, 0)}, actual {a.get(key, 0)}"
                )
    return problems


def differences() -> tuple[int, list[str]]:
    """(schools checked, every difference between roll-ups and a direct count)."""
    from tenants.models import School

    existing = {pk for pk, _schema in schools_with_schemas()}
    schools = [
        s
        for s in School.objects.exclude(schema_name=get_public_schema_name()).order_by("pk")
        if s.pk in existing
    ]
    problems = []
    for school in schools:
        problems += school_differences(school)
    connection.set_schema_to_public()
    return len(schools), problems + district_differences()


def district_differences() -> list[str]:
    """The cubes against the per-school rows they sum, and the progress cells against
    oversight.progress worked out afresh for every campaign."""
    from oversight.models import Campaign
    from oversight.models_rollups import PhaseProgressRollup
    from oversight.progress import campaign_progress
    from oversight.progress_rollup import STORED_STATE

    problems = []
    for name, (cube, column, source) in CUBES.items():
        expected = Counter()
        filed = {r.school_id: (r.school_kind, r.area, r.active) for r in SchoolRollup.objects.all()}
        for school_id, month, value, n in source.objects.values_list("school_id", "month", column, "count"):
            expected[(month, value, *filed.get(school_id, ("?", "?", "?")))] += n
        stored = Counter()
        for month, value, kind, area, active, n in cube.objects.values_list(
            "month", column, *COORDINATES, "count"
        ):
            stored[(month, value, kind, area, active)] += n
        for key in sorted(set(expected) | set(stored), key=str):
            if expected.get(key, 0) != stored.get(key, 0):
                problems.append(f"district cube by {name} [{_key_text(key)}]: cube {stored.get(key, 0)}, "
                                f"sum of schools {expected.get(key, 0)}")  # fmt: skip
    stored = {(r.school_id, r.phase_id): (r.state, r.status, r.due_on, r.extended, r.submission_id)
              for r in PhaseProgressRollup.objects.all()}  # fmt: skip
    expected = {}
    for campaign in Campaign.objects.all():
        for key, c in campaign_progress(campaign).cells.items():
            expected[key] = (STORED_STATE[c.state], c.status, c.due_on, c.extended, c.submission_id)
    for key in sorted(set(expected) | set(stored)):
        if expected.get(key) != stored.get(key):
            problems.append(f"phase progress [school {key[0]}, phase {key[1]}]: roll-up {stored.get(key)}, "
                            f"actual {expected.get(key)}")  # fmt: skip
    from oversight import scorecards

    return problems + scorecards.differences()
