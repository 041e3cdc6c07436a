"""`manage.py migrate` over many schools: only the schools behind are migrated, in a pool of
processes, and one school's failure is reported without stopping the others.

Run as a separate process against the session's committed schools (forked pool processes cannot
see a test's uncommitted transaction), and put back as found afterwards."""

import subprocess
import sys

import psycopg
from django.db import connection

from tests.processes import ROOT, child_env
from tests.test_backup_restore import conninfo


def manage(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def records(db, schema: str) -> set[str]:
    return {
        r[0] for r in db.execute(f"SELECT app || '.' || name FROM \"{schema}\".django_migrations").fetchall()
    }


def test_only_the_schools_behind_migrate_and_a_failure_does_not_stop_the_others(django_db_setup):
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaf = next(name for app, name in graph.leaf_nodes() if app == "schools")
    previous = next(name for app, name in graph.node_map[("schools", leaf)].parents if app == "schools")
    latest = f"schools.{leaf}"
    with psycopg.connect(conninfo(connection.settings_dict["NAME"]), autocommit=True) as db:
        assert latest in records(db, "school_alpha") and latest in records(db, "school_beta")
        rolled_back = manage("migrate_schemas", "schools", previous, "--schema", "school_alpha", "-v", "0")
        assert rolled_back.returncode == 0, rolled_back.stderr
        # beta is behind too, and its migration cannot be recorded (a check refuses the record).
        row = db.execute(
            "DELETE FROM school_beta.django_migrations WHERE app || '.' || name = %s RETURNING id, app, name, applied",
            [latest],
        ).fetchone()
        db.execute(
            f"ALTER TABLE school_beta.django_migrations ADD CONSTRAINT test_refuses CHECK (name <> '{leaf}')"
        )
        try:
            result = manage("migrate", "--jobs", "2")
            assert result.returncode != 0
            assert "to migrate: 2" in result.stdout
            assert "Migrated: 1; failed: 1" in result.stdout
            assert "school_beta" in result.stderr
            assert latest in records(db, "school_alpha")  # the other school went on and is current

            db.execute("ALTER TABLE school_beta.django_migrations DROP CONSTRAINT test_refuses")
            db.execute(
                "INSERT INTO school_beta.django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)",
                row,
            )
            row = None
            again = manage("migrate", "--jobs", "2")
            assert again.returncode == 0, again.stderr
            assert "to migrate: 0" in again.stdout
        finally:
            db.execute("ALTER TABLE school_beta.django_migrations DROP CONSTRAINT IF EXISTS test_refuses")
            if row is not None:
                db.execute(
                    "INSERT INTO school_beta.django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)",
                    row,
                )
