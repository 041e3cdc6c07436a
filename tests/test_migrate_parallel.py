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

    latest = "schools.0002_phase_reports"  # creates schools_phasereport
    # A school is behind when it lacks a current leaf migration, and its history must stay
    # consistent: beta loses the records of 0002 and of every migration after it.
    lost = sorted(
        f"{app}.{name}"
        for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.backwards_plan(
            ("schools", "0002_phase_reports")
        )
    )
    with psycopg.connect(conninfo(connection.settings_dict["NAME"]), autocommit=True) as db:
        assert latest in records(db, "school_alpha") and latest in records(db, "school_beta")
        rolled_back = manage("migrate_schemas", "schools", "0001", "--schema", "school_alpha", "-v", "0")
        assert rolled_back.returncode == 0, rolled_back.stderr
        # beta's records of those migrations are lost while its tables stay: re-applying 0002 fails.
        rows = db.execute(
            "DELETE FROM school_beta.django_migrations WHERE app || '.' || name = ANY(%s) "
            "RETURNING id, app, name, applied",
            [lost],
        ).fetchall()
        try:
            result = manage("migrate", "--jobs", "2")
            assert result.returncode != 0
            assert "to migrate: 2" in result.stdout
            assert "Migrated: 1; failed: 1" in result.stdout
            assert "school_beta" in result.stderr and "already exists" in result.stderr
            assert set(lost) <= records(db, "school_alpha")  # the other school went on and is current
            assert (
                db.execute("SELECT to_regclass('school_alpha.schools_phasereport')").fetchone()[0] is not None
            )

            restore(db, rows)
            rows = []
            again = manage("migrate", "--jobs", "2")
            assert again.returncode == 0, again.stderr
            assert "to migrate: 0" in again.stdout
        finally:
            restore(db, rows)


def restore(db, rows) -> None:
    for row in rows:
        db.execute(
            "INSERT INTO school_beta.django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)",
            row,
        )
