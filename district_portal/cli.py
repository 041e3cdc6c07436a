"""`make run`: one command from a fresh clone to a served demo district.

    python -m district_portal.cli run     migrate, seed the demo, start worker + beat + web
    python -m district_portal.cli serve   only the web server (what `run` starts last), no seeding

Both serve with gunicorn (district_portal/gunicorn_conf.py) after collecting the static files.
`serve` outside the demo (SEED_DEMO unset) refuses to start with DEBUG on, a generated SECRET_KEY
or an account with the demo password. Ctrl-C or SIGTERM stops everything gracefully; the embedded
PostgreSQL stops with this process.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def _prepare_environment() -> None:
    """Settings errors become one line; an embedded database is started once, here, and its
    address handed to every child so that they all talk to the same server."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district_portal.settings")
    from django.conf import settings

    from district_portal.env import SettingError

    try:
        database_url = settings.DATABASE_URL
    except SettingError as exc:
        sys.exit(f"Configuration error / 配置错误: {exc}")
    os.environ["DATABASE_URL"] = database_url


def serve_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "district_portal" / "gunicorn_conf.py"),
            "--bind", f"{host}:{port}", "district_portal.wsgi:application"]  # fmt: skip


def runserver_command(host: str, port: int) -> list[str]:
    """Django's development server: only the benchmark's baseline uses it."""
    return _manage("runserver", f"{host}:{port}", "--noreload", "--skip-checks")


def collect_static() -> None:
    """Hashed, compressed copies for whitenoise; quick when nothing changed."""
    subprocess.run(_manage("collectstatic", "--noinput", "-v", "0"), check=True)


def _refuse_unsafe_start() -> bool:
    import django

    django.setup()
    from django.db import connection

    from district_portal.production import refusals

    problems = refusals()
    connection.close()
    for problem in problems:
        print(f"拒绝启动 / refusing to start: {problem}", file=sys.stderr)
    return bool(problems)


def _run_server(command: list[str]) -> int:
    """Run the server in the foreground, passing SIGTERM on, so that gunicorn finishes the requests
    in hand (graceful_timeout) while this process keeps the embedded database up until it exits."""
    server = subprocess.Popen(command)

    def forward(signum, _frame):
        if server.poll() is None:
            server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return server.wait()


def _wait_for_http(port: int, host_header: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": host_header}
            )
            with urllib.request.urlopen(request, timeout=2):
                return True
        except Exception:
            time.sleep(0.3)
    return False


def run(port: int, bind: str) -> int:
    # The one-command demo: its demo accounts and generated key are expected (see production.py).
    os.environ["SEED_DEMO"] = "1"
    _prepare_environment()
    os.environ.setdefault("SITE_PORT", str(port))
    from django.conf import settings

    print("== 数据库迁移 / migrating the public, template and school schemas", flush=True)
    subprocess.run(_manage("migrate", "--noinput", "-v", "0"), check=True)
    print("== 演示数据 / seeding the demo district", flush=True)
    seeded = subprocess.run(_manage("seed_demo"), check=True, capture_output=True, text=True)
    print("== 静态文件 / collecting and compressing static files", flush=True)
    collect_static()

    children: list[subprocess.Popen] = []
    celery = [sys.executable, "-m", "celery", "-A", "district_portal"]
    var = Path(settings.VAR_DIR)
    children.append(subprocess.Popen([*celery, "worker", "-l", "warning", "--concurrency", "2"]))
    children.append(
        subprocess.Popen([*celery, "beat", "-l", "warning", "-s", str(var / "celerybeat-schedule")])
    )
    children.append(subprocess.Popen(serve_command(bind, port)))

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=40)  # gunicorn's graceful_timeout is 30 s
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        if not _wait_for_http(port, settings.DISTRICT_HOST):
            print("!! 网站未能启动 / the web server did not start", file=sys.stderr)
            stop()
            return 1
        print()
        print("=" * 78)
        print(seeded.stdout.rstrip())
        print("=" * 78)
        print(f"区教育局平台 / district site:  http://{settings.DISTRICT_HOST}:{port}/")
        print("学校站点 / school sites:      http://<站点标识>." + f"{settings.DISTRICT_HOST}:{port}/")
        print("按 Ctrl-C 停止 / press Ctrl-C to stop", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        print("!! 有进程意外退出，正在停止 / a process exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n正在停止 / stopping …", flush=True)
        return 0
    finally:
        stop()


def serve(port: int, bind: str) -> int:
    _prepare_environment()
    os.environ.setdefault("SITE_PORT", str(port))
    if _refuse_unsafe_start():
        return 2
    collect_static()
    return _run_server(serve_command(bind, port))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="district_portal")
    parser.add_argument("command", choices=["run", "serve"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1"))
    args = parser.parse_args(argv)
    return {"run": run, "serve": serve}[args.command](args.port, args.bind)


if __name__ == "__main__":
    sys.exit(main())
