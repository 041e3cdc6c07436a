"""`migrate` with nothing to apply over N schools: ours asks PostgreSQL once which schemas are
behind (tenants.migration_status); stock django-tenants loads the migration graph per schema."""

from django.core.management import call_command
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from bench.harness import ensure_schools, report, timed
from tenants.migration_status import schemas_behind

SCHOOLS = {"small": 5, "full": 50}


def run(scale: str) -> None:
    count = SCHOOLS[scale]
    schemas = [school.schema_name for school in ensure_schools(count)]
    # Otherwise the figure would include real migrations rather than the no-op it claims to be.
    behind = schemas_behind(schemas)
    if behind:
        raise RuntimeError(f"schools behind on migrations before the no-op migrate: {behind}")
    ours = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    stock = timed(lambda: call_command(MigrateSchemasCommand(), interactive=False, verbosity=0))
    report("migrate_noop_total", ours, "s")
    report("migrate_noop_stock_total", stock, "s")
    report("migrate_noop_schools", len(schemas), "schools")
