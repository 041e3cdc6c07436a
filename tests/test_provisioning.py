"""A school's schema is made by replaying the template's DDL, and must be exactly what migrating
would have made: the catalogs of a replayed and a migrated schema are compared object by object.
A new school is in the district roll-ups from the transaction that creates it."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from oversight.models_rollups import SchoolRollup
from oversight.rollups import differences, reconcile
from tenants import ddl_replay
from tenants.actions.provisioning import SchoolSpec, create_school

pytestmark = pytest.mark.django_db


def _fetch(cursor, query, params=()):
    cursor.execute(query, params)
    return cursor.fetchall()


def catalog(schema: str) -> dict:
    """Everything a migration can make in a schema, with the schema's own name written as S."""
    with transaction.atomic(), connection.cursor() as cursor:
        saved = _fetch(cursor, "SELECT current_setting('search_path')")[0][0]
        cursor.execute("SELECT set_config('search_path', '', true)")
        try:
            nsp = _fetch(cursor, "SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])[0][0]
            found = {
                "tables": _fetch(
                    cursor,
                    "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' ORDER BY 1",
                    [nsp],
                ),
                "columns": _fetch(
                    cursor,
                    """
                    SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                           a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attcollation,
                           row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)
                      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                     WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
                     ORDER BY 1, 9
                    """,
                    [nsp],
                ),
                "constraints": _fetch(
                    cursor,
                    """
                    SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid), c.condeferrable,
                           c.condeferred, c.convalidated
                      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                     WHERE t.relnamespace = %s AND c.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY 1, 2
                    """,
                    [nsp],
                ),
                "indexes": _fetch(
                    cursor,
                    "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c "
                    "WHERE c.relnamespace = %s AND c.relkind = 'i' ORDER BY 1",
                    [nsp],
                ),
                "sequences": _fetch(
                    cursor,
                    """
                    SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
                           s.seqmax, s.seqcache, s.seqcycle,
                           (SELECT t.relname || '.' || a.attname || ':' || d.deptype::text FROM pg_depend d
                              JOIN pg_class t ON t.oid = d.refobjid
                              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                             WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refobjsubid > 0)
                      FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
                     WHERE c.relnamespace = %s ORDER BY 1
                    """,
                    [nsp],
                ),
            }
            found["sequence values"] = [
                (name, *_fetch(cursor, f'SELECT last_value, is_called FROM "{schema}"."{name}"')[0])
                for name, *_rest in found["sequences"]
            ]
            found["migration records"] = _fetch(
                cursor, f'SELECT id, app, name FROM "{schema}".django_migrations ORDER BY id'
            )
            rows = {}
            for (table,) in found["tables"]:
                if table != "django_migrations":
                    rows[table] = _fetch(
                        cursor, f'SELECT coalesce(json_agg(t ORDER BY t), \'[]\') FROM "{schema}"."{table}" t'
                    )
            found["rows"] = rows
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [saved])
    return json.loads(json.dumps(found, default=str).replace(f"{schema}.", "S."))


def assert_same_catalog(expected: dict, actual: dict):
    for part in expected:
        assert actual[part] == expected[part], part
    assert (
        expected["tables"]
        and expected["indexes"]
        and expected["constraints"]
        and expected["migration records"]
    )


def test_a_replayed_schema_is_identical_to_a_migrated_one():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA h_migrated")
    call_command("migrate_schemas", schema_name="h_migrated", interactive=False, verbosity=0)
    connection.set_schema_to_public()

    ddl_replay.replay("h_replayed", ddl_replay.generate("h_migrated"))

    assert_same_catalog(catalog("h_migrated"), catalog("h_replayed"))


def test_a_created_school_is_the_template_under_its_own_name():
    school = create_school(
        acting_user=None, spec=SchoolSpec(name="回放新校", code="3299300001", slug="replayed", kind="primary")
    )
    assert_same_catalog(catalog(settings.TENANT_BASE_SCHEMA), catalog(school.schema_name))


def test_a_new_school_is_in_the_rollups_as_soon_as_it_exists():
    reconcile()  # the session's schools were edited behind the roll-ups' back (a bare UPDATE)
    before, problems = differences()
    assert problems == []
    schools = [
        create_school(
            acting_user=None,
            spec=SchoolSpec(
                name=f"新开通学校{n}", code=f"329930010{n}", slug=f"fresh-{n}", kind="junior", area="春江镇"
            ),
        )
        for n in range(3)
    ]
    filed = dict(SchoolRollup.objects.filter(school__in=schools).values_list("school_id", "area"))
    assert filed == {school.pk: "春江镇" for school in schools}
    checked, problems = differences()
    assert (checked, problems) == (before + 3, [])


def test_the_template_ddl_is_kept_until_migrate():
    key = ddl_replay.CACHE_PREFIX + ddl_replay.state_key()
    ddl_replay.invalidate()
    assert cache.get(key) is None
    text = ddl_replay.template_ddl()
    assert cache.get(key) == text
    call_command("migrate", verbosity=0)
    assert cache.get(key) is None
    assert ddl_replay.template_ddl() == text  # the same migration state gives the same schema
