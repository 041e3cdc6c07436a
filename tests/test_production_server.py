"""The production web server as `make serve` and the Docker image start it: gunicorn, whitenoise's
hashed and compressed static files with a far-future cache, one JSON log line per request, and the
start-up refusals of a real deployment (no demo key, no demo passwords, no DEBUG)."""

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import brotli
import pytest
from django.conf import settings

from district_portal.production import accounts_with_demo_password, refusals
from tenants.models import User
from tests.processes import ROOT, Server, child_env, fetch, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    running = Server(LOG_FORMAT="json")
    try:
        running.wait_ready(settings.DISTRICT_HOST)
        yield running
    finally:
        running.stop()


def raw_get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": f"{settings.DISTRICT_HOST}:{port}", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def hashed_url(name: str) -> str:
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    return settings.STATIC_URL + manifest["paths"][name]


def test_the_server_is_gunicorn(server):
    _, headers, _ = raw_get(server.port, "/accounts/login/")
    assert headers["server"].startswith("gunicorn")


def test_pages_link_hashed_static_files(server):
    status, body = fetch(server.port, settings.DISTRICT_HOST, "/accounts/login/")
    assert status == 200
    assert re.search(r"/static/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css", body)


def test_plotly_is_sent_compressed_with_brotli_or_gzip_and_cached_for_ever(server):
    url = hashed_url("plotly/plotly.min.js")
    original = (settings.STATIC_ROOT / "plotly" / "plotly.min.js").read_bytes()
    _, headers, body = raw_get(server.port, url, **{"Accept-Encoding": "br, gzip"})
    assert headers["content-encoding"] == "br"
    assert len(body) < len(original) / 3
    assert brotli.decompress(body) == original
    assert "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
    _, headers, body = raw_get(server.port, url, **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == original
    assert headers["vary"].lower() == "accept-encoding"


def test_each_request_is_one_json_log_line_with_its_id_schema_and_user(server):
    raw_get(server.port, "/accounts/login/", **{"X-Request-ID": "trace-0123456789"})
    fetch(server.port, f"alpha.{settings.DISTRICT_HOST}", "/accounts/login/")
    time.sleep(0.5)
    entries = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    requests = [e for e in entries if e["logger"] == "district_portal.requests"]
    ours = [e for e in requests if e["request_id"] == "trace-0123456789"]
    assert len(ours) == 1
    assert ours[0]["path"] == "/accounts/login/" and ours[0]["status"] == 200
    assert ours[0]["schema"] == "public" and ours[0]["user_id"] is None
    assert any(e["schema"] == "school_alpha" for e in requests)


def test_the_demo_password_is_refused_outside_the_demo(settings):
    settings.SEED_DEMO = False
    settings.SECRET_KEY_GENERATED = False
    assert refusals() == []
    User.objects.create_user(username="left_over_demo", password=settings.DEMO_PASSWORD)
    (problem,) = refusals()
    assert "left_over_demo" in problem and "changepassword" in problem
    settings.SEED_DEMO = True
    assert refusals() == []


def test_serve_refuses_a_generated_secret_key_and_debug_in_one_line_each():
    result = subprocess.run(
        [sys.executable, "-m", "district_portal.cli", "serve", "--port", str(free_port())], cwd=ROOT,
        env=child_env(SECRET_KEY="", DEBUG="1"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, result.stderr
    assert "DEBUG is on" in lines[0] and "DEBUG=0" in lines[0]
    assert "SECRET_KEY is not set" in lines[1] and "secrets.token_urlsafe" in lines[1]


def test_a_docker_style_start_without_seed_demo_serves_with_no_demo_accounts():
    """docker/entrypoint.sh's web role, run directly: migrate, no seeding, gunicorn on the port."""
    port = free_port()
    env = child_env(SECRET_KEY="x" * 50, PORT=str(port), SITE_PORT=str(port), BIND="127.0.0.1",
                    PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")  # fmt: skip
    env.pop("SEED_DEMO", None)
    process = subprocess.Popen(["sh", str(ROOT / "docker" / "entrypoint.sh"), "web"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _ = fetch(port, settings.DISTRICT_HOST, "/accounts/login/")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200
        status, body = fetch(port, settings.DISTRICT_HOST, "/healthz")
        assert status in (200, 503) and json.loads(body)["checks"]["database"]["ok"]
        assert not User.objects.filter(username__in=["xuejia_admin", "inspector1"]).exists()
        assert accounts_with_demo_password() == []
        # Graceful stop: SIGTERM ends gunicorn with exit code 0.
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=45) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
