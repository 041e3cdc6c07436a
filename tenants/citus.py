"""Running on Citus with schema-based sharding: what the data model must keep, and the one step the
database needs before any school exists.

With `citus.enable_schema_based_sharding = on`, every `CREATE SCHEMA` — each school's, and the
template's — becomes a distributed schema whose tables live together on one worker. A school
table may keep a foreign key only to a *reference table* (a public table copied to every node);
a key to a plain public table is refused ("the referencing and referenced rows need to be stored
on the same node"). So after the public schema is migrated, and before the template is, every
public table that a school table references — and every public table those reference in turn —
is made a reference table (`prepare_public`, called by migrate when the Citus extension is there).

`problems()` states the rules over every model, so a change that would break Citus fails a test
on a single server already (tests/test_citus_model.py):
- a school table's keys point into its own schema, or to a public table that can be a reference
  table (one whose own foreign keys point only to such tables) — and those keys to public are
  kept by the application, not by a database foreign key (schools/models/__init__.py says why);
- no public table points into a school's schema (a school's tables do not exist in public);
- every school table has a primary key (logical replication, which citus_schema_move uses, needs
  a replica identity).
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from psycopg import sql


def _is_school_model(model) -> bool:
    return model._meta.app_config.name in settings.TENANT_APPS and model._meta.app_config.name not in (
        settings.SHARED_APPS
    )


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _targets(model) -> list:
    return [
        f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None
    ]


def reference_models() -> list:
    """The public models that must be reference tables: those school tables point to, closed
    over their own foreign keys."""
    todo = [t for m in _models() if _is_school_model(m) for t in _targets(m) if not _is_school_model(t)]
    seen: dict[str, object] = {}
    while todo:
        model = todo.pop()
        if model._meta.db_table in seen:
            continue
        seen[model._meta.db_table] = model
        todo += [t for t in _targets(model) if not _is_school_model(t)]
    return sorted(seen.values(), key=lambda m: m._meta.db_table)


def problems() -> list[str]:
    found = []
    for model in _models():
        label = f"{model._meta.label} ({model._meta.db_table})"
        if _is_school_model(model):
            if model._meta.pk is None:
                found.append(f"{label}: a school table without a primary key")
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target is not None and not _is_school_model(target) and field.db_constraint:
                    found.append(
                        f"{label}.{field.name}: a database foreign key into public ({target._meta.label}); "
                        "each school would add triggers to that table (use db_constraint=False)"
                    )
        else:
            for target in _targets(model):
                if _is_school_model(target):
                    found.append(
                        f"{label}: a public table with a foreign key into a school's schema ({target._meta.label})"
                    )
    return found


def installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def prepare_public(stdout=None) -> list[str]:
    """Make every public table school tables reference a reference table (idempotent)."""
    made = []
    with connection.cursor() as cursor:
        for model in reference_models():
            table = model._meta.db_table
            cursor.execute(
                "SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(%s) AND partmethod = 'n' "
                "AND repmodel = 't'",
                [f"public.{table}"],
            )
            if cursor.fetchone() is not None:
                continue  # already a reference table
            # A table may already be a "Citus local table" (Citus makes the public tables that a
            # new reference table is linked to by foreign keys such): create_reference_table turns
            # that into a reference table too.
            cursor.execute(
                sql.SQL("SELECT create_reference_table({})")
                .format(sql.Literal(f"public.{table}"))
                .as_string(cursor.connection)
            )
            made.append(table)
    if stdout is not None and made:
        stdout.write(f"Citus reference tables: {', '.join(made)}")
    return made
