"""On the cluster of `make test-citus`: a school's schema moves to the other worker
(citus_schema_move) while a client keeps reading it, and nothing is lost or unreadable."""

import os
import threading

import psycopg
import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.test_backup_restore import conninfo

pytestmark = pytest.mark.skipif(
    not os.environ.get("CITUS_CLUSTER"), reason="needs the cluster of make test-citus"
)
ROWS = 300
TITLE = "迁移演练"


def placement(db, schema: str) -> int:
    return db.execute(
        "SELECT DISTINCT nodeport FROM citus_shards WHERE citus_table_type = 'schema' AND table_name::text LIKE %s",
        [f"{schema}.%"],
    ).fetchone()[0]


def test_a_school_moves_to_the_other_worker_while_a_client_reads_it(django_db_setup, django_db_blocker):
    from schools.models import Activity
    from tenants.models import School

    workers = [int(p) for p in os.environ["CITUS_PORTS"].split(",")[1:]]
    info = conninfo(connection.settings_dict["NAME"])
    with psycopg.connect(info, autocommit=True) as db:
        db.execute(
            "INSERT INTO school_beta.schools_activity (held_on, kind, title, audience, participants, notes, created_at,"
            " version, voided_reason) SELECT CURRENT_DATE, 'lecture', %s, '', n, '', now(), 1, ''"
            " FROM generate_series(1, %s) n",
            [TITLE, ROWS],
        )  # fmt: skip
        expected = (ROWS, ROWS * (ROWS + 1) // 2)
        before = placement(db, "school_beta")
        target = next(port for port in workers if port != before)
        seen, errors, stop = [], [], threading.Event()

        def read():
            with psycopg.connect(info, autocommit=True) as reader:
                reader.execute("SET search_path = school_beta, public")  # as the application does
                while not stop.is_set():
                    try:
                        seen.append(reader.execute(
                            "SELECT count(*), sum(participants) FROM schools_activity a "
                            "LEFT JOIN tenants_user u ON u.id = a.created_by_id WHERE title = %s", [TITLE],
                        ).fetchone())  # fmt: skip
                    except Exception as exc:  # recorded: the test fails on any
                        errors.append(repr(exc))

        thread = threading.Thread(target=read)
        thread.start()
        try:
            db.execute("SELECT citus_schema_move('school_beta', '127.0.0.1', %s)", [target])
        finally:
            stop.set()
            thread.join(timeout=60)
        try:
            assert placement(db, "school_beta") == target
            assert errors == []
            assert len(seen) > 1 and set(seen) == {expected}
            with django_db_blocker.unblock():
                with tenant_context(School.objects.get(slug="beta")):
                    assert Activity.objects.filter(title=TITLE).count() == ROWS
                connection.set_schema_to_public()
        finally:
            db.execute("DELETE FROM school_beta.schools_activity WHERE title = %s", [TITLE])
