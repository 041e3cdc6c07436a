"""Which school schemas are behind on migrations — found with one query, not one migrate per schema.

`migrate_schemas` over hundreds of schemas takes minutes even when nothing is to be applied
(django-tenants #719), because it loads the migration graph once per schema. We ask PostgreSQL
instead which schemas lack one of the current leaf migrations, and migrate only those.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

CHUNK = 500


def leaf_migrations() -> list[str]:
    """The latest migration of each app whose tables live in a school's schema (TENANT_APPS).

    A district-layer migration changes nothing in a school's schema (the router keeps its tables in
    public), so it does not make 2,000 schools "behind": deploying one migrates public alone."""
    tenant_labels = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if app in tenant_labels)


def schemas_behind(schemas: list[str]) -> list[str]:
    if not schemas:
        return []
    leaves = leaf_migrations()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        behind = [s for s in schemas if s not in with_table]
        candidates = [s for s in schemas if s in with_table]
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start : start + CHUNK]
            parts = [
                sql.SQL(
                    "SELECT {name}::text, count(*) FROM {schema}.django_migrations "
                    "WHERE app || '.' || name = ANY(%(leaves)s)"
                ).format(name=sql.Literal(schema), schema=sql.Identifier(schema))
                for schema in chunk
            ]
            query = sql.SQL(" UNION ALL ").join(parts)
            cursor.execute(query.as_string(cursor.connection), {"leaves": leaves})
            behind.extend(schema for schema, count in cursor.fetchall() if count < len(leaves))
    return behind
