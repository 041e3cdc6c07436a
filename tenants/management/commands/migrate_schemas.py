"""migrate_schemas that also migrates the template schema, migrates only the schools that are behind,
and migrates those in parallel.

- A template that is not migrated with the others silently produces new schools missing tables,
  so every migrate brings the template up to date — and drops the template DDL that new schools
  are replayed from (tenants.ddl_replay), which the new migration state makes stale.
- One query finds the schools behind (tenants.migration_status); with nothing to apply, 2,000
  schools cost that query, not 2,000 runs of the migration graph (django-tenants #719).
- The schools behind migrate in a bounded pool of forked processes (`--jobs`, default: the CPU
  count, at most 4: each holds a connection and the server's locks), with a progress bar. A school
  whose migration fails is reported at the end with its error and does not stop the others; the
  command then exits non-zero naming every failed school, so a deploy never passes silently.
"""

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_exists
from psycopg import sql
from tqdm import tqdm

from tenants import citus, ddl_replay
from tenants.migration_status import schemas_behind

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))


def _migrate_one(args, options, schema: str) -> tuple[str, str | None]:
    """In a pool process: migrate one schema; (schema, None) or (schema, the error)."""
    import contextlib
    import sys

    quiet = io.StringIO()
    try:
        # django-tenants writes each schema's progress to sys.stdout: keep it off the progress bar.
        with contextlib.redirect_stdout(quiet):
            run_migrations(args, options, "pool", schema, allow_atomic=False)
        return schema, None
    except Exception as exc:  # reported in the summary; the other schools go on
        connections.close_all()
        if options.get("verbosity", 1) >= 2:
            print(quiet.getvalue(), file=sys.stderr)
        return schema, f"{type(exc).__name__}: {exc}"


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--jobs",
            type=int,
            default=DEFAULT_JOBS,
            help="schools migrated at once (processes, each with its own connection)",
        )

    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        if self.sync_public and not self.schema_name:
            self.schema_name = public
        executor = get_executor(codename=self.executor)(self.args, self.options)

        if self.sync_public:
            executor.run_migrations(tenants=[public])
            if citus.installed():
                # Before the template is migrated: its tables' keys to public tables need these.
                citus.prepare_public(self.stdout)
        if not self.sync_tenant:
            return
        if self.schema_name and self.schema_name != public:
            if not schema_exists(self.schema_name):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            executor.run_migrations(tenants=[self.schema_name])
            if self.schema_name == settings.TENANT_BASE_SCHEMA:
                ddl_replay.invalidate()
            return

        template = settings.TENANT_BASE_SCHEMA
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}")
                .format(sql.Identifier(template))
                .as_string(cursor.connection)
            )
        executor.run_migrations(tenants=[template])
        ddl_replay.invalidate()

        schools = list(
            get_tenant_model().objects.exclude(schema_name=public).values_list("schema_name", flat=True)
        )
        # A named migration target (or a rollback) must reach every schema, not only those behind.
        explicit_target = bool(options.get("app_label") or options.get("migration_name"))
        todo = schools if explicit_target else schemas_behind(schools)
        verbosity = int(options.get("verbosity", 1))
        if verbosity >= 1:
            self.stdout.write(f"Schools up to date: {len(schools) - len(todo)}; to migrate: {len(todo)}")
        if not todo:
            return
        jobs = max(1, options.get("jobs") or 1)
        if jobs == 1 or len(todo) == 1 or connection.in_atomic_block:
            # In a transaction (a test, a caller's atomic block) forked processes would not see
            # its uncommitted state: migrate here, one after another.
            executor.run_migrations(tenants=todo)
            return
        self._run_pool(todo, jobs, verbosity)

    def _run_pool(self, todo: list[str], jobs: int, verbosity: int) -> None:
        options = {**self.options, "verbosity": max(0, verbosity - 1)}
        connections.close_all()  # each forked process opens its own
        failures = {}
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
            futures = [pool.submit(_migrate_one, self.args, options, schema) for schema in todo]
            with tqdm(total=len(todo), desc="migrate", unit="school", disable=verbosity == 0) as bar:
                for future in as_completed(futures):
                    try:
                        schema, error = future.result()
                    except Exception as exc:  # the process itself died
                        schema, error = "?", f"{type(exc).__name__}: {exc}"
                    if error:
                        failures[schema] = error
                    bar.update(1)
        if verbosity >= 1:
            self.stdout.write(f"Migrated: {len(todo) - len(failures)}; failed: {len(failures)}")
        if failures:
            for schema, error in sorted(failures.items()):
                self.stderr.write(f"  {schema}: {error}")
            raise CommandError(f"{len(failures)} school(s) failed to migrate: {', '.join(sorted(failures))}")
