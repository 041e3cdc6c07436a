"""Load on the real web server: gunicorn started as `make serve` starts it, against Django's
runserver in the same run as the baseline, on the demo district (seeded into the throwaway
database).

Clients are a bounded pool of threads, each a logged-in user with its own session and keep-alive
connection, looping over its pages as fast as the server answers: bureau users on the dashboard
and campaign pages, school admins on their dashboard, incident list and report pages, anonymous
visitors on the tip page (爱心信箱). Per server and client count it prints requests per second,
p50 and p95 per page, and errors. BENCH_LOAD_SECONDS (default 20 small, 40 full) sets each round's
length; BENCH_LOAD_CLIENTS (default "20,50") the client counts. Only the loopback address is used.

Client threads share the machine's cores with the server (Python's GIL included), so absolute
figures understate what a separate client machine would see; the ratio between the two servers
is the point."""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings

from bench.harness import report

ROOT = Path(__file__).resolve().parent.parent
SECONDS = {"small": 20, "full": 40}
SCHOOL_SLUGS = ("xuejia", "xuejia-mid")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user, password = quote(db.get("USER") or ""), quote(db.get("PASSWORD") or "")
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{db['NAME']}?host={host}"
    return f"postgresql://{user}:{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, kind: str):
        self.kind, self.port = kind, _free_port()
        env = {**os.environ, "DATABASE_URL": _database_url(), "SITE_PORT": str(self.port), "SEED_DEMO": "1",
               "CACHE_URL": "file://" + settings.CACHES["default"]["LOCATION"], "PYTHONUNBUFFERED": "1"}  # fmt: skip
        if kind == "gunicorn":
            command = [sys.executable, "-m", "district_portal.cli", "serve", "--port", str(self.port)]
        else:
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload",
                       "--skip-checks"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                requests.get(self.url("/accounts/login/"), headers=self.host(None), timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError(f"{kind} did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def host(self, slug: str | None) -> dict:
        name = f"{slug}.{settings.DISTRICT_HOST}" if slug else settings.DISTRICT_HOST
        return {"Host": f"{name}:{self.port}"}

    def stop(self) -> None:
        import signal

        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def _profiles(campaign_id: int) -> list[tuple[str, str | None, str | None, list[tuple[str, str]]]]:
    """(label, username, school slug, [(page name, path)]) — clients are dealt these in turn."""
    bureau = [("dashboard", "/dashboard/"), ("campaigns", "/campaigns/"),
              ("campaign_detail", f"/campaigns/{campaign_id}/")]  # fmt: skip
    school = [("school_home", "/"), ("incident_list", "/incidents/"), ("report_list", "/reports/")]
    tip = [("tip_page", "/xinxiang/")]
    return [
        ("bureau", "bureau_admin", None, bureau),
        ("school", f"{SCHOOL_SLUGS[0]}_admin", SCHOOL_SLUGS[0], school),
        ("bureau", "bureau_staff", None, bureau),
        ("school", f"{SCHOOL_SLUGS[1]}_admin", SCHOOL_SLUGS[1], school),
        ("anonymous", None, SCHOOL_SLUGS[0], tip),
    ]


def _login(session: requests.Session, server: Server, username: str, slug: str | None) -> None:
    headers = server.host(slug)
    page = session.get(server.url("/accounts/login/"), headers=headers, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(server.url("/accounts/login/"), headers={**headers, "Referer": server.url("/")},
                          data={"username": username, "password": settings.DEMO_PASSWORD,
                                "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)  # fmt: skip
    if answer.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {answer.status_code}")


def _round(server: Server, clients: int, seconds: float, campaign_id: int) -> dict:
    profiles = _profiles(campaign_id)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    sessions = []
    for number in range(clients):
        _label, username, slug, pages = profiles[number % len(profiles)]
        session = requests.Session()
        if username:
            _login(session, server, username, slug)
        sessions.append((session, slug, pages))
    start_line = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(session, slug, pages, offset):
        headers = server.host(slug)
        start_line.wait()
        index = offset
        while time.monotonic() < stop_at[0]:
            name, path = pages[index % len(pages)]
            index += 1
            began = time.perf_counter()
            try:
                ok = (
                    session.get(
                        server.url(path), headers=headers, timeout=30, allow_redirects=False
                    ).status_code
                    == 200
                )
            except requests.RequestException:
                ok = False
            took = time.perf_counter() - began
            with lock:
                latencies[name].append(took)
                if not ok:
                    errors[name] += 1

    threads = [threading.Thread(target=client, args=(s, slug, pages, n), daemon=True)
               for n, (s, slug, pages) in enumerate(sessions)]  # fmt: skip
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    for session, _slug, _pages in sessions:
        session.close()
    return {"latencies": dict(latencies), "errors": dict(errors), "elapsed": elapsed}


def _quantile(samples: list[float], q: float) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q * 100) - 1]


def _print_round(kind: str, clients: int, result: dict) -> float:
    every = [t for samples in result["latencies"].values() for t in samples]
    rps = len(every) / result["elapsed"]
    prefix = f"load_{kind}_c{clients}"
    report(f"{prefix}_rps", rps, "req/s")
    report(f"{prefix}_p50", _quantile(every, 0.50) * 1000, "ms")
    report(f"{prefix}_p95", _quantile(every, 0.95) * 1000, "ms")
    report(f"{prefix}_errors", sum(result["errors"].values()), "requests")
    for page, samples in sorted(result["latencies"].items()):
        report(f"{prefix}_{page}_p50", _quantile(samples, 0.50) * 1000, "ms")
        report(f"{prefix}_{page}_p95", _quantile(samples, 0.95) * 1000, "ms")
        report(f"{prefix}_{page}_requests", len(samples), "requests")
        report(f"{prefix}_{page}_errors", result["errors"].get(page, 0), "requests")
    return rps


def run(scale: str) -> None:
    from django.core.management import call_command
    from django.db import connections

    from oversight.models import Campaign

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    campaign_id = Campaign.objects.order_by("pk").values_list("pk", flat=True).first()
    connections.close_all()
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", SECONDS[scale]))
    levels = [int(n) for n in os.environ.get("BENCH_LOAD_CLIENTS", "20,50").split(",")]
    print(f"load: {os.cpu_count()} cores, {seconds:.0f} s a round, clients {levels}, loopback only",
          file=sys.stderr)  # fmt: skip
    throughput = {}
    for kind in ("runserver", "gunicorn"):
        server = Server(kind)
        try:
            _round(server, 5, 3, campaign_id)  # warm-up: imports, templates, connections
            for clients in levels:
                throughput[(kind, clients)] = _print_round(
                    kind, clients, _round(server, clients, seconds, campaign_id)
                )
        finally:
            server.stop()
    for clients in levels:
        if throughput.get(("runserver", clients)):
            report(f"load_speedup_c{clients}", throughput[("gunicorn", clients)] / throughput[("runserver", clients)],
                   "x")  # fmt: skip
