"""Refreshing the roll-up tables (oversight.models_rollups) from the schools' schemas.

- `schedule_refresh()` is called by schools.audit.record, inside every school write's transaction:
  after commit it sends `refresh_school_rollups` from the school's schema context, debounced (the
  first write of a burst sends the task with a countdown; later writes find the cache key and send
  nothing; the task clears the key before it reads, so a write after that sends a new one). It is
  registered with on_commit(robust=True): with the broker (or cache) down the write still stands,
  and the next reconcile repairs the roll-ups.
- `refresh_school(school)` replaces one school's rows: a handful of GROUP BY queries on its schema.
- `reconcile()` replaces every school's rows, one INSERT … SELECT per table with a UNION ALL over
  every school's schema (names quoted with psycopg.sql.Identifier), in one transaction.
- `differences()` compares the roll-ups with a direct ORM count in every school (check_rollups).

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
    HazardRollup,
    IncidentKindRollup,
    IncidentRollup,
    SchoolRollup,
)

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
def reconcile_rollups() -> int:
    """Beat: recompute every school's roll-ups in one SQL pass. Returns the number of schools."""
    return reconcile()


# --- SQL -----------------------------------------------------------------------------------


def _tables():
    from schools.models import Activity, CareEntry, Hazard, Incident

    return {
        "incident": Incident._meta.db_table,
        "hazard": Hazard._meta.db_table,
        "activity": Activity._meta.db_table,
        "care": CareEntry._meta.db_table,
    }


def _month(expr: str) -> sql.Composable:
    return sql.SQL("(date_trunc('month', {}))::date").format(sql.SQL(expr))


# Each target: (model, columns inserted, SELECT for one school built from (schema, school id)).
def _select(target: str, schema: str, school_id: int) -> sql.Composed:
    t = _tables()
    sid = sql.Literal(int(school_id))
    local = sql.SQL("i.occurred_at AT TIME ZONE {}").format(sql.Literal(settings.TIME_ZONE))
    q = {
        "incident": "SELECT {sid}, (date_trunc('month', {local}))::date, i.severity, i.stage, count(*) "
        "FROM {incident} i WHERE i.voided_at IS NULL GROUP BY 2, 3, 4",
        "incident_kind": "SELECT {sid}, (date_trunc('month', {local}))::date, k.kind, i.severity, i.stage, count(*) "
        "FROM {incident} i CROSS JOIN LATERAL (SELECT DISTINCT u FROM unnest(CASE WHEN cardinality(i.kinds) = 0 "
        "THEN ARRAY['']::varchar[] ELSE i.kinds END) u) k(kind) WHERE i.voided_at IS NULL GROUP BY 2, 3, 4, 5",
        "hazard": "SELECT {sid}, (date_trunc('month', h.found_on))::date, h.status, h.deadline, count(*) "
        "FROM {hazard} h WHERE h.voided_at IS NULL GROUP BY 2, 3, 4",
        "activity": "SELECT {sid}, (date_trunc('month', a.held_on))::date, a.kind, count(*), "
        "coalesce(sum(a.participants), 0) FROM {activity} a WHERE a.voided_at IS NULL GROUP BY 2, 3",
        "school": "SELECT {sid}, (SELECT count(*) FROM {care} c WHERE c.voided_at IS NULL AND c.closed_on IS NULL), "
        "now()",
    }[target]
    names = {key: sql.Identifier(schema, table) for key, table in t.items()}
    return sql.SQL(q).format(sid=sid, local=local, **names)


TARGETS = {
    "incident": (IncidentRollup, ["school_id", "month", "severity", "stage", "count"]),
    "incident_kind": (IncidentKindRollup, ["school_id", "month", "kind", "severity", "stage", "count"]),
    "hazard": (HazardRollup, ["school_id", "month", "status", "deadline", "count"]),
    "activity": (ActivityRollup, ["school_id", "month", "kind", "count", "participants"]),
    "school": (SchoolRollup, ["school_id", "care_list_size", "refreshed_at"]),
}


def _insert(target: str, selects: list[sql.Composed]) -> sql.Composed:
    model, columns = TARGETS[target]
    return sql.SQL("INSERT INTO {} ({}) {}").format(
        sql.Identifier(get_public_schema_name(), model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(" UNION ALL ").join(selects),
    )


def _run(cursor, statement: sql.Composable, params=None) -> None:
    cursor.execute(statement.as_string(cursor.connection), params)


def _table(target: str) -> sql.Identifier:
    return sql.Identifier(get_public_schema_name(), TARGETS[target][0]._meta.db_table)


def refresh_school(school) -> None:
    """Replace one school's roll-up rows with a fresh count from its schema."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_NAMESPACE])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, school.pk])
        for target in TARGETS:
            _run(cursor, sql.SQL("DELETE FROM {} WHERE school_id = %s").format(_table(target)), [school.pk])
            _run(cursor, _insert(target, [_select(target, school.schema_name, school.pk)]))


def schools_with_schemas() -> list[tuple[int, str]]:
    """(id, schema) of every school whose schema exists (a school being created may have none yet)."""
    from tenants.models import School

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, s.schema_name FROM {sql.Identifier(get_public_schema_name(), School._meta.db_table).as_string(cursor.connection)} s JOIN pg_namespace n ON n.nspname = s.schema_name "
            "WHERE s.schema_name <> %s ORDER BY s.id",
            [get_public_schema_name()],
        )
        return [(pk, schema) for pk, schema in cursor.fetchall()]


def reconcile() -> int:
    """Recompute every school's roll-ups: per table, one INSERT … SELECT … UNION ALL over all schemas.

    Readers see the old rows until the transaction commits (DELETE, not TRUNCATE, so no lock blocks
    the dashboard); school refreshes wait on the advisory lock and then run on the new rows."""
    schools = schools_with_schemas()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_NAMESPACE])
        for target in TARGETS:
            _run(cursor, sql.SQL("DELETE FROM {}").format(_table(target)))
            if schools:
                _run(cursor, _insert(target, [_select(target, schema, pk) for pk, schema in schools]))
    return len(schools)


# --- ground truth and the check ----------------------------------------------------------------


def _first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def actual_figures(school) -> dict[str, Counter]:
    """A direct count in the school's schema with the ORM (for check_rollups and the tests)."""
    from django_tenants.utils import tenant_context

    from schools.models import Activity, CareEntry, Hazard, Incident

    figures = {
        name: Counter() for name in ("incident", "incident_kind", "hazard", "activity", "participants")
    }
    with tenant_context(school):
        for occurred_at, severity, stage, kinds in Incident.objects.filter(
            voided_at__isnull=True
        ).values_list("occurred_at", "severity", "stage", "kinds"):
            month = _first(timezone.localtime(occurred_at).date())
            figures["incident"][(month, severity, stage)] += 1
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
        care = CareEntry.objects.filter(voided_at__isnull=True, closed_on__isnull=True).count()
    figures["care"] = Counter({(): care})
    return figures


def rollup_figures(school) -> dict[str, Counter]:
    """What the roll-up tables say about one school, in the shape of actual_figures."""
    figures = {
        name: Counter() for name in ("incident", "incident_kind", "hazard", "activity", "participants")
    }
    for r in IncidentRollup.objects.filter(school=school):
        figures["incident"][(r.month, r.severity, r.stage)] += r.count
    for r in IncidentKindRollup.objects.filter(school=school):
        figures["incident_kind"][(r.month, r.kind, r.severity, r.stage)] += r.count
    for r in HazardRollup.objects.filter(school=school):
        figures["hazard"][(r.month, r.status, r.deadline)] += r.count
    for r in ActivityRollup.objects.filter(school=school):
        figures["activity"][(r.month, r.kind)] += r.count
        figures["participants"][(r.month, r.kind)] += r.participants
    row = SchoolRollup.objects.filter(school=school).first()
    figures["care"] = Counter({(): row.care_list_size}) if row else Counter()
    return figures


FIGURE_NAMES = {
    "incident": "incidents(month, severity, stage)",
    "incident_kind": "incidents by kind(month, kind, severity, stage)",
    "hazard": "hazards(month found, status, deadline)",
    "activity": "activities(month, kind)",
    "participants": "activity participants(month, kind)",
    "care": "care-list size",
}


def _key_text(key) -> str:
    return ", ".join(v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else (v or '""') for v in key)


def school_differences(school) -> list[str]:
    actual, rolled = actual_figures(school), rollup_figures(school)
    problems = []
    for name, label in FIGURE_NAMES.items():
        a, r = actual[name], rolled[name]
        if name == "care" and not r:
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
    return len(schools), problems
