"""Starting real processes (web server, Celery worker) against the test database."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    s = connection.settings_dict
    user = quote(s.get("USER") or "")
    password = quote(s.get("PASSWORD") or "")
    host = s.get("HOST") or ""
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{s['NAME']}?host={host}"
    return f"postgresql://{user}:{password}@{host or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def child_env(**extra) -> dict:
    env = {**os.environ, "DATABASE_URL": test_database_url(), "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, host: str, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"{host}:{port}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# A deployment sets its own key; `serve` refuses the generated one outside the demo.
TEST_SECRET_KEY = "test-only-secret-key-for-the-real-server-tests-0123456789"


class Server:
    """`python -m district_portal.cli serve` — the same web server (gunicorn) `make run` starts."""

    def __init__(self, **env):
        env.setdefault("SECRET_KEY", TEST_SECRET_KEY)
        self.port = free_port()
        # A file, not a pipe: the access log of a long test would fill a pipe and stall the server.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "district_portal.cli", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=child_env(SITE_PORT=str(self.port), **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, host: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                fetch(self.port, host, "/accounts/login/")
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("server did not answer in time")

    def output(self) -> str:
        """Everything the server printed so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=40)  # gunicorn lets requests in hand finish first
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)


class Worker:
    """`celery -A district_portal worker` on `broker_url`. Whatever earlier tests left queued there
    (a refresh sent after a captured commit, say) is purged first: a task from another test, run
    now, would commit into the database the other tests share."""

    def __init__(self, broker_url: str | None, **env):
        """broker_url None: the broker this run is configured with (files under var/celery when
        CELERY_BROKER_URL is unset), which the test process sends to as well; `env`: extra settings
        for the worker process."""
        from district_portal.celery import app, ensure_filesystem_queue

        if broker_url is None:
            ensure_filesystem_queue()
        with app.connection_for_write(broker_url) as conn:
            conn.SimpleQueue(app.conf.task_default_queue).clear()
        env = child_env(**env) if broker_url is None else child_env(CELERY_BROKER_URL=broker_url, **env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "district_portal", "worker", "--pool", "solo", "-l", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> str:
        """Stop the worker; returns what it printed."""
        os.killpg(self.process.pid, 15)
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            output, _ = self.process.communicate()
        return output.decode(errors="replace")


class Beat:
    """`celery -A district_portal beat` on `broker_url`, with a throw-away schedule file."""

    def __init__(self, broker_url: str, schedule_file: Path, **env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "district_portal", "beat", "-l", "warning", "-s", str(schedule_file)],
            cwd=ROOT, env=child_env(CELERY_BROKER_URL=broker_url, **env), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
