"""A backup holds every school: restored into a fresh database, each school's schema and rows are there."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from oversight.operations.tasks import nightly_backup
from tenants.models import School
from tests.conftest import SCHOOLS as SCHOOLS_IN_TEST_WORLD

pytestmark = pytest.mark.django_db


def conninfo(database: str) -> str:
    s = connection.settings_dict
    parts = {"host": s.get("HOST"), "port": s.get("PORT"), "user": s.get("USER"), "password": s.get("PASSWORD"),
             "dbname": database}  # fmt: skip
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def test_a_dump_restores_into_a_fresh_database_with_every_schools_data(tmp_path):
    test_db = connection.settings_dict["NAME"]
    restored = f"{test_db}_restored"
    schools = list(School.objects.values_list("schema_name", "name"))
    # pg_dump sees only committed rows: write one in alpha outside the test's transaction.
    with psycopg.connect(conninfo(test_db), autocommit=True) as other:
        other.execute("INSERT INTO school_alpha.schools_activity (held_on, kind, title, audience, participants, notes,"
                      " created_at, version, voided_reason) VALUES (CURRENT_DATE, 'lecture', '备份恢复演练', '', 0, '',"
                      " now(), 1, '')")  # fmt: skip
    try:
        call_command("backup_database", str(tmp_path / "district.dump"), stdout=open("/dev/null", "w"))
        call_command("restore_database", str(tmp_path / "district.dump"), "--into", restored,
                     stdout=open("/dev/null", "w"))  # fmt: skip
        with psycopg.connect(conninfo(restored)) as copy:
            names = dict(copy.execute("SELECT schema_name, name FROM tenants_school").fetchall())
            assert names == dict(schools)
            for schema, _name in schools:
                assert (
                    copy.execute(f'SELECT count(*) FROM "{schema}".schools_incident').fetchone() is not None
                )
            titles = [
                r[0] for r in copy.execute("SELECT title FROM school_alpha.schools_activity").fetchall()
            ]
            assert "备份恢复演练" in titles
        with pytest.raises(CommandError, match="已存在"):
            call_command("restore_database", str(tmp_path / "district.dump"), "--into", restored)
    finally:
        with psycopg.connect(conninfo(test_db), autocommit=True) as other:
            other.execute("DELETE FROM school_alpha.schools_activity WHERE title = '备份恢复演练'")
            other.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def database_url(database: str) -> str:
    from tests.processes import test_database_url

    test_db = connection.settings_dict["NAME"]
    url = test_database_url()
    return url.replace(f"/{test_db}", f"/{database}", 1)


def manage_on(database: str, *args: str) -> subprocess.CompletedProcess:
    from tests.processes import ROOT, child_env

    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=child_env(DATABASE_URL=database_url(database)))  # fmt: skip


def test_a_restored_backup_passes_the_roll_up_and_submission_checks(tmp_path):
    """The drill an operator runs: restore last night's dump into a new database and prove it
    sound — roll-ups equal each school's records, submitted reports untampered. The source is a
    copy of the test database brought to a production state (roll-ups reconciled, as beat does
    hourly), so the shared test database is left as it is."""
    test_db = connection.settings_dict["NAME"]
    live, restored = f"{test_db}_live", f"{test_db}_drill"
    try:
        call_command("backup_database", str(tmp_path / "seed.dump"), stdout=open("/dev/null", "w"))
        call_command(
            "restore_database", str(tmp_path / "seed.dump"), "--into", live, stdout=open("/dev/null", "w")
        )
        for step in (("reconcile_rollups",), ("backup_database", str(tmp_path / "nightly.dump"))):
            done = manage_on(live, *step)
            assert done.returncode == 0, done.stderr
        done = manage_on(live, "restore_database", str(tmp_path / "nightly.dump"), "--into", restored)
        assert done.returncode == 0, done.stderr

        rollups = manage_on(restored, "check_rollups")
        assert rollups.returncode == 0, rollups.stdout + rollups.stderr
        submissions = manage_on(restored, "verify_submissions")
        assert submissions.returncode == 0, submissions.stdout + submissions.stderr
        # The checks really read the copy: with a roll-up figure changed there, check_rollups fails.
        with psycopg.connect(conninfo(restored), autocommit=True) as copy:
            changed = copy.execute(
                "UPDATE oversight_schoolrollup SET open_incidents = open_incidents + 1"
            ).rowcount
        assert changed == len(SCHOOLS_IN_TEST_WORLD)
        broken = manage_on(restored, "check_rollups")
        assert broken.returncode == 1 and "open incidents" in broken.stderr
    finally:
        with psycopg.connect(conninfo(test_db), autocommit=True) as other:
            for database in (live, restored):
                other.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_the_nightly_backup_writes_a_dump_and_removes_those_past_retention(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_RETENTION_DAYS = 7
    old = tmp_path / "district-20200101-023000.dump"
    recent = tmp_path / "district-20200110-023000.dump"
    old.write_bytes(b"old")
    recent.write_bytes(b"recent")
    now = time.time()
    os.utime(old, (now - 8 * 86400, now - 8 * 86400))
    os.utime(recent, (now - 2 * 86400, now - 2 * 86400))

    result = nightly_backup()

    assert result["removed"] == [old.name]
    assert not old.exists() and recent.exists()
    written = tmp_path / result["written"]
    assert written.stat().st_size > 1000
    assert "nightly-backup" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_BEAT_SCHEDULE["nightly-backup"]["task"] == nightly_backup.name
