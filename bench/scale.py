"""Provisioning and migrations at many schools.

- Creating one school at 0, N1 and N2 existing schools (small: 0/20/60; full: 0/500/2,000), three
  ways: the real path (create_school, which replays the template's DDL, roll-up rows included),
  django-tenants' clone_schema() (+ its faked migrate) and plain migrations on an empty schema.
  The existing schools are made by replaying the DDL directly (no roll-ups, no audit), which is
  the only way to reach 2,000 in minutes.
- Onboarding a file of schools (`onboard_schools`, small 20 / full 500).
- `migrate` with nothing to apply, and a one-column migration (a RunSQL ADD COLUMN in a copy of
  the schools app's migrations, so the repository is not touched), over all schools then present
  (small 60 / full 2,000 — the issue asks for 1,000; BENCH_SCALE_MIGRATE caps it).

BENCH_SCALE_SIZES="0,500,2000" and BENCH_SCALE_ONBOARD=500 override the sizes;
BENCH_SCALE_ONE_COLUMN=0 leaves out the one-column migration.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bench.harness import report, timed

SIZES = {"small": (0, 20, 60), "full": (0, 500, 2000)}
ONBOARD = {"small": 20, "full": 500}
SAMPLES = {"replay": 5, "clone": 3, "migrate": 3}


def _sizes(scale):
    raw = os.environ.get("BENCH_SCALE_SIZES")
    return tuple(int(n) for n in raw.split(",")) if raw else SIZES[scale]


_counter = [0]


def _spec(label: str):
    from tenants.actions.provisioning import SchoolSpec

    _counter[0] += 1
    n = _counter[0]
    return SchoolSpec(name=f"规模测试学校 {label} {n}", code=f"37{n:08d}", slug=f"scale-{label}-{n:05d}",
                      kind="primary", student_count=800)  # fmt: skip


def _fill_to(count: int) -> None:
    """Schools up to `count`, by replaying the DDL directly (the registry row without roll-ups)."""
    from django.conf import settings

    from tenants import ddl_replay
    from tenants.models import Domain, School

    ddl = ddl_replay.template_ddl()
    existing = School.objects.exclude(schema_name="public").count()
    for _ in range(existing, count):
        spec = _spec("fill")
        school = School(schema_name=School.schema_name_for(spec.slug), **spec.model_fields())
        school.auto_create_schema = False
        ddl_replay.replay(school.schema_name, ddl)
        school.save()
        Domain.objects.create(domain=f"{spec.slug}.{settings.DISTRICT_HOST}", tenant=school, is_primary=True)
    connection.set_schema_to_public()


def _django_tenants_path(spec, fake: bool) -> None:
    """A school created by django-tenants' own create_schema (clone_schema, or plain migrations)."""
    from django_tenants.models import TenantMixin

    from tenants.models import School

    school = School(schema_name=School.schema_name_for(spec.slug), **spec.model_fields())
    school.auto_create_schema = False
    school.save()
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=fake):
        TenantMixin.create_schema(school, check_if_exists=True, verbosity=0)
    connection.set_schema_to_public()


def creation(sizes) -> None:
    from tenants.actions.provisioning import create_school

    for size in sizes:
        _fill_to(size)
        existing = size
        replay = [
            timed(lambda: create_school(acting_user=None, spec=_spec("replay")))
            for _ in range(SAMPLES["replay"])
        ]
        clone = [timed(lambda: _django_tenants_path(_spec("clone"), True)) for _ in range(SAMPLES["clone"])]
        plain = [
            timed(lambda: _django_tenants_path(_spec("migrate"), False)) for _ in range(SAMPLES["migrate"])
        ]
        report(f"school_create_replay_at_{existing}_median", statistics.median(replay), "s")
        report(f"school_create_clone_schema_at_{existing}_median", statistics.median(clone), "s")
        report(f"school_create_migrations_at_{existing}_median", statistics.median(plain), "s")
        report(f"school_create_replay_vs_migrations_at_{existing}",
               statistics.median(plain) / statistics.median(replay), "x")  # fmt: skip


def onboarding(scale: str) -> None:
    import csv

    count = int(os.environ.get("BENCH_SCALE_ONBOARD", ONBOARD[scale]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "学校名单.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["学校名称", "学校标识码", "站点标识", "学段类型", "在校学生数"])
            for _ in range(count):
                spec = _spec("onboard")
                writer.writerow([spec.name, spec.code, spec.slug, "小学", 600])
        started = time.perf_counter()
        call_command("onboard_schools", str(path), verbosity=0)
        report(f"onboard_{count}_schools_total", time.perf_counter() - started, "s")


ONE_COLUMN = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("schools", "{leaf}")]
    operations = [migrations.RunSQL("ALTER TABLE schools_activity ADD COLUMN bench_note text",
                                    "ALTER TABLE schools_activity DROP COLUMN bench_note")]
"""


def migrations_over_schools(scale: str) -> None:
    from django.db.migrations.loader import MigrationLoader

    import schools.migrations
    from tenants.models import School

    cap = int(os.environ.get("BENCH_SCALE_MIGRATE", "1000" if scale == "full" else "60"))
    _fill_to(cap)
    count = School.objects.exclude(schema_name="public").count()
    noop = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    report(f"migrate_noop_{count}_schools_total", noop, "s")
    if os.environ.get("BENCH_SCALE_ONE_COLUMN", "1") == "0":
        return

    leaf = max(n for app, n in MigrationLoader(connection).graph.leaf_nodes() if app == "schools")
    folder = tempfile.mkdtemp(prefix="bench-migrations-")
    package = Path(folder) / "bench_schools_migrations"
    shutil.copytree(Path(schools.migrations.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (package / "9001_bench_one_column.py").write_text(ONE_COLUMN.format(leaf=leaf))
    sys.path.insert(0, folder)
    try:
        with override_settings(MIGRATION_MODULES={"schools": "bench_schools_migrations"}):
            one = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
        report(f"migrate_one_column_{count}_schools_total", one, "s")
    finally:
        sys.path.remove(folder)
        shutil.rmtree(folder, ignore_errors=True)


def run(scale: str) -> None:
    sizes = _sizes(scale)
    cap = int(os.environ.get("BENCH_SCALE_MIGRATE", "1000" if scale == "full" else "60"))
    creation([n for n in sizes if n < cap])
    migrations_over_schools(scale)
    creation([n for n in sizes if n >= cap])
    onboarding(scale)
