"""`python -m bench --scale small|full`.

Every benchmark runs on a throwaway database (bench_<pid>) created on the configured server and
dropped at the end, even on failure: the demo's data must neither skew the figures nor be touched.
"""

import argparse
import importlib
import os
import signal
import sys
import tempfile
from contextlib import contextmanager

from psycopg import sql

# migrate_noop first, so that it measures exactly its own N schools.
MODULES = ("migrate_noop", "school_creation", "host_lookup", "rollups", "scale", "memory", "load")


def _admin(statement: sql.Composable) -> None:
    """Run one CREATE/DROP DATABASE on the configured server.

    It connects to the configured database because that one is known to exist and be reachable;
    CREATE and DROP DATABASE read nothing in it.
    """
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        **db.get("OPTIONS", {}),
    }
    with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        conn.execute(statement)


@contextmanager
def bench_database(keep: str | None = None):
    """A throwaway database, or with `keep` a named one that is created once and kept, so that the
    2,000-school data set is generated once and measured again after a change."""
    from django.conf import settings

    name = keep or f"bench_{os.getpid()}"
    try:
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except Exception:
        if not keep:
            raise
        print(f"reusing database {name}", file=sys.stderr)
    original = settings.DATABASES["default"]["NAME"]
    # Django opens no connection before setup(), so every connection it makes goes here.
    settings.DATABASES["default"]["NAME"] = name
    try:
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        settings.DATABASES["default"]["NAME"] = original
        if keep:
            print(f"kept database {name} (drop it with: DROP DATABASE {name})", file=sys.stderr)
        else:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"dropped database {name}", file=sys.stderr)


def _private_file_cache(directory: str) -> None:
    """With no CACHE_URL the cache is files under var/cache, shared with the demo; the same backend
    in a temporary folder measures the same thing without writing into (or culling) the demo's."""
    from django.conf import settings

    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        cache["LOCATION"] = directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "full"), default="small")
    parser.add_argument(
        "--keep-database", metavar="NAME", help="use and keep this database (reuses its data)"
    )
    parser.add_argument("--only", choices=MODULES, action="append", help="run just these benchmarks")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district_portal.settings")
    # A task sent during a benchmark must run here, on the throwaway database, not in the demo's queue.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    # `finally` blocks (the DROP DATABASE) do not run on SIGTERM unless it becomes an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from django.conf import settings

    from district_portal.env import SettingError

    try:
        settings.DATABASES  # noqa: B018  (loading settings starts the embedded server if needed)
    except SettingError as exc:
        sys.exit(f"Configuration error / 配置错误: {exc}")

    with bench_database(args.keep_database), tempfile.TemporaryDirectory(prefix="bench-cache-") as cache_dir:
        _private_file_cache(cache_dir)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        for name in args.only or MODULES:
            importlib.import_module(f"bench.{name}").run(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
