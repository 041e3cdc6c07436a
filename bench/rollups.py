"""District dashboard from roll-ups vs the naive loop over schemas, one school's refresh, a full reconcile.

The generator clones N schools (tenants.actions.provisioning, the normal path) and fills each with
realistic records — incidents over two years with kinds, severities and stages, a hazard ledger,
activities, a care list — by COPY into the school's tables, then adds a campaign with phases and
submissions. Sizes: small 10 → 40 schools × 60 incidents; full 200 → 2,000 schools × 500 incidents.
BENCH_ROLLUP_SIZES="50,200" and BENCH_ROLLUP_INCIDENTS=500 override them (a medium run).
"""

import datetime as dt
import hashlib
import os
import random
import statistics
import time

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg import sql

from bench.harness import report, timed

SIZES = {"small": (10, 40), "full": (200, 2000)}
INCIDENTS = {"small": 60, "full": 500}
DASHBOARD_RUNS = 20
NAIVE_RUNS = 3
DEFAULT_MEDIANS: dict[int, float] = {}
AREAS = ["薛家镇", "龙虎塘街道", "河海街道", "三井街道", "新桥街道", "春江镇", "罗溪镇", "孟河镇"]
KINDS = ["primary", "primary", "primary", "junior", "junior", "nine_year", "senior", "vocational"]


def _sizes(scale: str) -> tuple[tuple[int, int], int]:
    sizes = os.environ.get("BENCH_ROLLUP_SIZES")
    incidents = int(os.environ.get("BENCH_ROLLUP_INCIDENTS", INCIDENTS[scale]))
    if sizes:
        small, large = (int(n) for n in sizes.split(","))
        return (small, large), incidents
    return SIZES[scale], incidents


def _copy(model, objects) -> None:
    """COPY model instances into the current schema's table (every concrete column but the id)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objects:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, timezone.now())
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(connection.schema_name, model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


def fill_school(school, incidents: int, rng: random.Random) -> None:
    from schools.models import Activity, CareEntry, Hazard, Incident

    now = timezone.now()
    start = now - dt.timedelta(days=730)
    rows = []
    for n in range(incidents):
        occurred = start + dt.timedelta(seconds=rng.randrange(730 * 86400))
        kinds = rng.sample(["physical", "verbal", "property", "social", "cyber"], rng.choice([0, 1, 1, 1, 2]))
        severity = (
            ""
            if not kinds
            else rng.choice(["minor"] * 6 + ["repeated"] * 3 + ["serious", "egregious", "criminal"])
        )
        stage = rng.choice(["closed"] * 6 + ["intake", "investigating", "handling", "follow_up"])
        rows.append(Incident(code=f"B-{n:05d}", source="teacher", occurred_at=occurred, place="教学楼", summary="x",
                             kinds=kinds, severity=severity, stage=stage, determination="bullying" if kinds else "",
                             determined_on=occurred.date() if kinds else None,
                             voided_at=now if rng.random() < 0.01 else None))  # fmt: skip
    _copy(Incident, rows)
    hazards = []
    for _ in range(30):
        found = (start + dt.timedelta(days=rng.randrange(730))).date()
        hazards.append(Hazard(found_on=found, place="toilet", risk_kind="监控盲区", method="site_check", found_by="x",
                              description="x", responsible="x", deadline=found + dt.timedelta(days=rng.randrange(5, 60)),
                              status=rng.choice(["open", "rectifying", "fixed", "verified", "verified"])))  # fmt: skip
    _copy(Hazard, hazards)
    _copy(Activity, [Activity(held_on=(start + dt.timedelta(days=rng.randrange(730))).date(), title="x",
                              kind=rng.choice(["class_meeting", "lecture", "survey", "patrol", "parent_meeting"]),
                              participants=rng.randrange(20, 800)) for _ in range(60)])  # fmt: skip
    _copy(CareEntry, [CareEntry(student_name="某", grade="三年级", class_name="三年级1班", signs=["dazed"],
                                next_review_on=now.date(), closed_on=now.date() if rng.random() < 0.3 else None)
                      for _ in range(15)])  # fmt: skip


def template_ddl() -> str:
    """The template's DDL as provisioning replays it (tenants.ddl_replay): the same tables,
    indexes and constraints as a migrated schema, at a steady cost per school. The first school is
    still made the normal way (provisioning, roll-up rows included), so that path is exercised too."""
    from tenants import ddl_replay

    return ddl_replay.template_ddl()


def fast_school(ddl: str, number: int, rng: random.Random):
    from django.conf import settings

    from tenants.models import Domain, School

    slug = f"bench-dash-{number:04d}"
    schema = School.schema_name_for(slug)
    from tenants import ddl_replay

    ddl_replay.replay(schema, ddl)
    connection.set_schema_to_public()
    school = School(schema_name=schema, slug=slug, name=f"基准测试学校 {number:04d}", code=f"38{number:08d}",
                    kind=rng.choice(KINDS), area=rng.choice(AREAS), student_count=rng.randrange(300, 3000))  # fmt: skip
    school.auto_create_schema = False
    school.save()
    Domain.objects.create(domain=f"{slug}.{settings.DISTRICT_HOST}", tenant=school, is_primary=True)
    return school


def generate(count: int, incidents: int, rng: random.Random) -> list:
    from bench.harness import create_school
    from tenants.models import School

    schools = list(School.objects.exclude(schema_name="public").filter(slug__startswith="bench-dash"))
    if len(schools) > count:
        raise SystemExit(f"this database already has {len(schools)} schools: it cannot measure {count}")
    ddl = None
    for number in range(len(schools), count):
        if number == 0:
            school = create_school("dash", number)
            School.objects.filter(pk=school.pk).update(kind=rng.choice(KINDS), area=rng.choice(AREAS),
                                                       student_count=rng.randrange(300, 3000))  # fmt: skip
        else:
            ddl = ddl or template_ddl()
            school = fast_school(ddl, number, rng)
        with tenant_context(school):
            fill_school(school, incidents, rng)
        schools.append(school)
    connection.set_schema_to_public()
    _submissions(schools, rng)
    return schools


def campaign():
    from oversight.models import Campaign, Phase

    today = timezone.localdate()
    item, created = Campaign.objects.get_or_create(name="基准测试专项行动", year=today.year)
    if created:
        for order in range(1, 5):
            starts = today - dt.timedelta(days=150 - 30 * order)
            Phase.objects.create(campaign=item, order=order, name=f"阶段{order}", starts_on=starts,
                                 ends_on=starts + dt.timedelta(days=29), report_due_on=starts + dt.timedelta(days=34))  # fmt: skip
    return item


def _submissions(schools, rng: random.Random) -> None:
    from oversight.models import PhaseSubmission

    item = campaign()
    done = set(PhaseSubmission.objects.values_list("school_id", "phase_id"))
    rows = []
    for phase in item.phases.all():
        for school in schools:
            if (school.pk, phase.pk) in done or rng.random() < 0.25:
                continue
            digest = hashlib.sha256(f"{school.pk}-{phase.pk}".encode()).hexdigest()
            when = timezone.make_aware(dt.datetime.combine(phase.report_due_on, dt.time(10)))
            rows.append(PhaseSubmission(school=school, phase=phase, version=1, report_id=1, submitted_at=when
                                        + dt.timedelta(days=rng.choice([-3, -1, 2])), content_hash=digest,
                                        prev_hash="0" * 64, status=rng.choice(["submitted", "accepted"])))  # fmt: skip
    PhaseSubmission.objects.bulk_create(rows)


def naive_dashboard(filters) -> dict:
    """The same figures the naive way: a loop over every school's schema with the ORM."""
    from oversight.dashboard import schools_for
    from oversight.progress import campaign_progress
    from schools.models import SERIOUS_SEVERITIES, Hazard, Incident

    today = timezone.localdate()
    over_time, severity, per_school, open_incidents, serious, overdue = {}, {}, {}, 0, 0, 0
    for school in list(schools_for(None, filters)):
        with tenant_context(school):
            live = Incident.objects.filter(voided_at__isnull=True)
            in_period = live.filter(occurred_at__date__gte=filters.start, occurred_at__date__lte=filters.end)
            for occurred_at, kinds, sev in in_period.values_list("occurred_at", "kinds", "severity"):
                month = timezone.localtime(occurred_at).date().replace(day=1)
                for kind in set(kinds) or {""}:
                    over_time[(month, kind)] = over_time.get((month, kind), 0) + 1
                severity[sev] = severity.get(sev, 0) + 1
                per_school[school.pk] = per_school.get(school.pk, 0) + 1
            open_incidents += live.exclude(stage="closed").count()
            serious += live.filter(severity__in=SERIOUS_SEVERITIES).count()
            overdue += Hazard.objects.filter(voided_at__isnull=True, status__in=["open", "rectifying"],
                                             deadline__lt=today).count()  # fmt: skip
    connection.set_schema_to_public()
    progress = campaign_progress(filters.campaign) if filters.campaign else None
    return {"over_time": over_time, "severity": severity, "per_school": per_school, "open": open_incidents,
            "serious": serious, "overdue": overdue, "progress": progress}  # fmt: skip


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(count: int, incidents: int, rng: random.Random) -> float:
    from django.conf import settings
    from django.urls import set_urlconf

    from oversight import dashboard, rollups

    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)  # the dashboard's links are the district site's

    started = time.perf_counter()
    schools = generate(count, incidents, rng)
    report(f"rollup_generate_{count}_schools", time.perf_counter() - started, "s")
    reconcile = [timed(rollups.reconcile) for _ in range(3)]
    report(f"rollup_reconcile_{count}_schools_median", statistics.median(reconcile), "s")
    filters = dashboard.Filters.from_query({"campaign": str(campaign().pk), "from": "", "to": ""})
    filters.start = (timezone.localdate() - dt.timedelta(days=365)).replace(day=1)

    def build():
        """Everything the dashboard page's chart view needs: tiles, charts, heatmap, flags."""
        from oversight.campaign_views import _matrix_data

        board = dashboard.build(None, filters)
        dashboard.chart_data(board)
        if board.progress is not None:
            _matrix_data(board.progress)

    build()  # warm
    runs = [timed(build) for _ in range(DASHBOARD_RUNS)]
    median = statistics.median(runs)
    report(f"rollup_dashboard_{count}_schools_median", median * 1000, "ms")
    report(f"rollup_dashboard_{count}_schools_p95", _p95(runs) * 1000, "ms")
    # The default view (no filter chosen: the latest campaign, its period, every school), which the
    # scorecards answer; the figure the growth target is about.
    default = dashboard.Filters.from_query({})

    def build_default():
        board = dashboard.build(None, default)
        dashboard.chart_data(board)
        if board.progress is not None:
            _matrix(board.progress)

    from oversight.campaign_views import _matrix_data as _matrix

    build_default()
    assert dashboard.build(None, default).cards is not None, "the default view did not read the scorecards"
    default_runs = [timed(build_default) for _ in range(DASHBOARD_RUNS)]
    DEFAULT_MEDIANS[count] = statistics.median(default_runs)
    report(f"rollup_dashboard_default_{count}_schools_median", DEFAULT_MEDIANS[count] * 1000, "ms")
    naive = [timed(lambda: naive_dashboard(filters)) for _ in range(NAIVE_RUNS)]
    report(f"rollup_naive_{count}_schools_median", statistics.median(naive) * 1000, "ms")
    report(f"rollup_naive_{count}_schools_p95", _p95(naive) * 1000, "ms")
    report(f"rollup_speedup_{count}_schools", statistics.median(naive) / median, "x")
    report(f"rollup_speedup_default_{count}_schools", statistics.median(naive) / DEFAULT_MEDIANS[count], "x")
    one = schools[len(schools) // 2]
    rollups.refresh_school(one)
    refresh = [timed(lambda: rollups.refresh_school(one)) for _ in range(20)]
    report(f"rollup_refresh_one_school_{count}_median", statistics.median(refresh) * 1000, "ms")
    return median


def run(scale: str) -> None:
    (small, large), incidents = _sizes(scale)
    rng = random.Random(2022)
    report("rollup_incidents_per_school", incidents, "incidents")
    at_small = measure(small, incidents, rng)
    if large == small:  # one size only (BENCH_ROLLUP_SIZES="2000,2000" on a kept database)
        return
    at_large = measure(large, incidents, rng)
    report(f"rollup_dashboard_growth_{small}_to_{large}", at_large / at_small, "x")
    report(
        f"rollup_dashboard_default_growth_{small}_to_{large}",
        DEFAULT_MEDIANS[large] / DEFAULT_MEDIANS[small],
        "x",
    )
