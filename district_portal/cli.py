"""`make run`: one command from a fresh clone to a served demo district.

    python -m district_portal.cli run     migrate, seed the demo, start worker + beat + web
    python -m district_portal.cli serve   only the web server (what `run` starts last)

Ctrl-C stops everything; the embedded PostgreSQL stops with this process.
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
    return _manage("runserver", f"{host}:{port}", "--noreload", "--skip-checks")


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
    _prepare_environment()
    os.environ.setdefault("SITE_PORT", str(port))
    from django.conf import settings

    print("== 数据库迁移 / migrating the public, template and school schemas", flush=True)
    subprocess.run(_manage("migrate", "--noinput", "-v", "0"), check=True)
    print("== 演示数据 / seeding the demo district", flush=True)
    seeded = subprocess.run(_manage("seed_demo"), check=True, capture_output=True, text=True)

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
                child.wait(timeout=10)
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
    return subprocess.call(serve_command(bind, port))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="district_portal")
    parser.add_argument("command", choices=["run", "serve"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1"))
    args = parser.parse_args(argv)
    return {"run": run, "serve": serve}[args.command](args.port, args.bind)


if __name__ == "__main__":
    sys.exit(main())
