"""migrate_schemas that also migrates the template schema, and skips schools already up to date.

A template that is not migrated with the others silently produces new schools missing tables
(the clone then fakes those migrations), so every migrate brings the template up to date.
"""

from django.conf import settings
from django.db import connection
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_exists
from psycopg import sql

from tenants.migration_status import schemas_behind


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        if self.sync_public and not self.schema_name:
            self.schema_name = public
        executor = get_executor(codename=self.executor)(self.args, self.options)

        if self.sync_public:
            executor.run_migrations(tenants=[public])
        if not self.sync_tenant:
            return
        if self.schema_name and self.schema_name != public:
            if not schema_exists(self.schema_name):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            executor.run_migrations(tenants=[self.schema_name])
            return

        template = settings.TENANT_BASE_SCHEMA
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}")
                .format(sql.Identifier(template))
                .as_string(cursor.connection)
            )
        schools = list(
            get_tenant_model().objects.exclude(schema_name=public).values_list("schema_name", flat=True)
        )
        # A named migration target (or a rollback) must reach every schema, not only those behind.
        explicit_target = bool(options.get("app_label") or options.get("migration_name"))
        todo = [template, *schools] if explicit_target else [template, *schemas_behind(schools)]
        if int(options.get("verbosity", 1)) >= 1:
            self.stdout.write(
                f"Schools up to date: {len(schools) - len(todo) + 1}; to migrate: {len(todo) - 1}"
            )
        executor.run_migrations(tenants=todo)
