"""One school created the normal way (create_school: the template's DDL replayed) vs by running
every tenant migration on an empty schema (django-tenants' path without a template). bench/scale.py
measures both, and clone_schema(), at many existing schools."""

from django.test import override_settings

from bench.harness import create_school, median, report, timed

SCHOOLS = {"small": 3, "full": 10}


def run(scale: str) -> None:
    count = SCHOOLS[scale]
    replay = [timed(lambda n=n: create_school("replay", n)) for n in range(count)]
    # Without a migrated template School.create_schema falls back to django-tenants' own path;
    # with this setting off, that path is CREATE SCHEMA + migrate_schemas.
    from django_tenants.models import TenantMixin

    from tenants.models import School

    def migrated(n):
        school = School(schema_name=f"school_bench_migrate_{n:03d}", name=f"基准测试学校 migrate {n}",
                        code=f"38{School.objects.count():08d}", slug=f"bench-migrate-{n:03d}", kind="primary")  # fmt: skip
        school.auto_create_schema = False
        school.save()
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
            TenantMixin.create_schema(school, check_if_exists=True, verbosity=0)

    migrate = [timed(lambda n=n: migrated(n)) for n in range(count)]
    report("school_create_replay_median", median(replay), "s")
    report("school_create_replay_count", count, "schools")
    report("school_create_migrate_median", median(migrate), "s")
    report("school_create_migrate_count", count, "schools")
