"""One school created by cloning the template schema (the normal path) vs by running every
tenant migration on an empty schema (django-tenants' path without a template)."""

from django.test import override_settings

from bench.harness import create_school, median, report, timed

SCHOOLS = {"small": 3, "full": 10}


def run(scale: str) -> None:
    count = SCHOOLS[scale]
    clone = [timed(lambda n=n: create_school("clone", n)) for n in range(count)]
    # django-tenants reads this setting on every schema creation, so overriding it here sends
    # create_school down the CREATE SCHEMA + migrate_schemas path and changes nothing else.
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        migrate = [timed(lambda n=n: create_school("migrate", n)) for n in range(count)]
    report("school_create_clone_median", median(clone), "s")
    report("school_create_clone_count", count, "schools")
    report("school_create_migrate_median", median(migrate), "s")
    report("school_create_migrate_count", count, "schools")
