"""`make test-citus`: a real Citus cluster on this machine — a coordinator and two workers of the
machine's PostgreSQL 15 on loopback ports 9700–9702, data under var/citus/ — and the parts of the
suite that prove the application runs on it.

  python -m tests.citus_cluster run     install Citus if missing, start, run the suite, stop
  python -m tests.citus_cluster start   start (and set up) the cluster only; prints DATABASE_URL
  python -m tests.citus_cluster stop

Citus is found in PostgreSQL 15's library folder; when missing it is installed with the shared
installer (`../shared/citus/install.sh` beside the repository, or /work/shared/citus) when this
runs as root. Otherwise the run is skipped with a loud reason, and exits 0: a machine without
Citus cannot say anything about Citus.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("CITUS_PG_BIN", "/usr/lib/postgresql/15/bin"))
BASE = ROOT / "var" / "citus"
PORTS = (9700, 9701, 9702)  # coordinator, worker 1, worker 2
DATABASE = "test_citus_district"
SUITE = [
    "tests/test_citus_model.py",
    "tests/test_provisioning.py",
    "tests/test_rollups.py",
    "tests/test_site_isolation.py",
    "tests/test_route_isolation.py",
    "tests/test_dashboard.py",
    "tests/test_phase_reports.py",
    "tests/test_citus_move.py",
]


def say(text: str) -> None:
    print(f"== citus: {text}", flush=True)


def _library_dir() -> Path | None:
    pg_config = PG_BIN / "pg_config"
    if not pg_config.exists():
        return None
    return Path(
        subprocess.run([pg_config, "--pkglibdir"], capture_output=True, text=True, check=True).stdout.strip()
    )


def ensure_citus() -> str | None:
    """None when Citus is usable, else the reason it is not."""
    if not (PG_BIN / "postgres").exists():
        return f"no PostgreSQL 15 server at {PG_BIN} (Debian's postgresql-15)"
    lib = _library_dir()
    if lib and (lib / "citus.so").exists():
        return None
    installers = [ROOT.parent / "shared" / "citus" / "install.sh", Path("/work/shared/citus/install.sh")]
    installer = next((p for p in installers if p.exists()), None)
    if installer is None:
        return "Citus is not installed and no ../shared/citus/install.sh was found"
    if os.geteuid() != 0:
        return f"Citus is not installed and {installer} needs root"
    say(f"installing Citus with {installer} (a few minutes the first time)")
    # The installer unpacks into a temporary folder of its own; the shared folder may be read-only.
    result = subprocess.run(["bash", str(installer)], text=True)
    if result.returncode != 0 or not ((_library_dir() or Path("/nonexistent")) / "citus.so").exists():
        return f"the Citus installer failed (exit {result.returncode})"
    return None


def _as_postgres(args: list, **kwargs) -> subprocess.CompletedProcess:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *map(str, args)]
    return subprocess.run([str(a) for a in args], **kwargs)


def _dir(port: int) -> Path:
    return BASE / f"node{port}"


def _psql(port: int, sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
         "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"psql on {port}: {sql}\n{result.stderr}")
    return result.stdout.strip()


def start() -> str:
    stop(quiet=True)
    if BASE.exists():
        shutil.rmtree(BASE)
    BASE.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(BASE, "postgres", "postgres")
    for port in PORTS:
        data = _dir(port)
        _as_postgres([PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
                     check=True, capture_output=True)  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{data}'\n"
                "shared_preload_libraries = 'citus'\nwal_level = logical\nmax_locks_per_transaction = 1024\n"
                "max_connections = 300\nmax_prepared_transactions = 200\nshared_buffers = 64MB\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_replication_slots = 20\nmax_wal_senders = 20\ntimezone = 'UTC'\n"
            )
        _as_postgres([PG_BIN / "pg_ctl", "-D", data, "-l", data / "server.log", "-w", "-t", "60", "start"],
                     check=True, capture_output=True)  # fmt: skip
    for port in PORTS:
        _psql(port, f"CREATE DATABASE {DATABASE}")
        _psql(port, "CREATE EXTENSION citus", DATABASE)
    coordinator = PORTS[0]
    _psql(coordinator, f"SELECT citus_set_coordinator_host('127.0.0.1', {coordinator})", DATABASE)
    for port in PORTS[1:]:
        _psql(coordinator, f"SELECT citus_add_node('127.0.0.1', {port})", DATABASE)
    # Every CREATE SCHEMA — each school's — becomes a distributed schema on one worker.
    _psql(coordinator, f"ALTER DATABASE {DATABASE} SET citus.enable_schema_based_sharding = on", DATABASE)
    nodes = _psql(
        coordinator, "SELECT string_agg(nodeport::text, ',' ORDER BY nodeport) FROM pg_dist_node", DATABASE
    )
    say(f"cluster up: coordinator {coordinator}, nodes {nodes}; data in {BASE}")
    return f"postgres://postgres@127.0.0.1:{coordinator}/{DATABASE}"


def stop(quiet: bool = False) -> None:
    for port in reversed(PORTS):
        data = _dir(port)
        if (data / "postmaster.pid").exists():
            _as_postgres([PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], capture_output=True)
    if not quiet:
        say("cluster stopped")


def run() -> int:
    reason = ensure_citus()
    if reason:
        print("!" * 100, f"\n!!! make test-citus SKIPPED: {reason}\n" + "!" * 100, flush=True)
        return 0
    started = time.monotonic()
    url = start()
    env = {**os.environ, "DATABASE_URL": url, "TEST_DATABASE_NAME": DATABASE, "CITUS_CLUSTER": "1",
           "CITUS_PORTS": ",".join(map(str, PORTS))}  # fmt: skip
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    try:
        # The prepared database is the test database (--reuse-db): pytest-django must not make a
        # plain one, which would have no Citus in it.
        code = subprocess.run(
            [sys.executable, "-m", "pytest", "--reuse-db", "-q", "-p", "no:cacheprovider", *SUITE,
             *sys.argv[2:]], cwd=ROOT, env=env,
        ).returncode  # fmt: skip
    finally:
        stop()
    say(f"suite exit {code} in {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command == "run":
        sys.exit(run())
    if command == "start":
        reason = ensure_citus()
        if reason:
            sys.exit(f"citus: {reason}")
        print(start())
    elif command == "stop":
        stop()
    else:
        sys.exit(__doc__)
