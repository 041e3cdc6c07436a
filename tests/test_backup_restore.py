"""A backup holds every school: restored into a fresh database, each school's schema and rows are there."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenants.models import School

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
