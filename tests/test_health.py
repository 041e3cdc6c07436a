"""/healthz and `manage.py doctor` tell an operator what is broken: a broker that is down makes
/healthz answer 503 naming it and doctor exit non-zero with the fix; with the broker, a worker and
beat running, /healthz answers 200."""

import json
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache

from oversight.operations import heartbeats
from tests.processes import ROOT, Beat, Server, Worker, child_env, fetch
from tests.test_celery_worker import redis_answers

pytestmark = pytest.mark.django_db

DOWN_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_11 = "redis://127.0.0.1:6379/11"


def healthz(server) -> tuple[int, dict]:
    status, body = fetch(server.port, settings.DISTRICT_HOST, "/healthz")
    return status, json.loads(body)


@pytest.fixture(scope="module")
def server_with_broker_down(django_db_setup, django_db_blocker):
    running = Server(CELERY_BROKER_URL=DOWN_BROKER)
    try:
        running.wait_ready(settings.DISTRICT_HOST)
        yield running
    finally:
        running.stop()


def test_healthz_answers_503_naming_the_broker_that_is_down(server_with_broker_down):
    status, body = healthz(server_with_broker_down)
    assert status == 503
    assert body["status"] == "fail"
    broker = body["checks"]["broker"]
    assert broker["ok"] is False
    assert "127.0.0.1:1" in broker["detail"]
    assert "CELERY_BROKER_URL" in broker["fix"]
    # What still works is reported as working.
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["school_schemas"]["ok"] is True


def test_doctor_exits_non_zero_and_says_how_to_fix_the_broker():
    result = subprocess.run(
        [sys.executable, "manage.py", "doctor"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=child_env(CELERY_BROKER_URL=DOWN_BROKER, SECRET_KEY="x" * 50),
    )  # fmt: skip
    assert result.returncode == 1
    broker_lines = [line for line in result.stdout.splitlines() if line.startswith("FAIL broker")]
    assert broker_lines and "127.0.0.1:1" in broker_lines[0], result.stdout
    assert "CELERY_BROKER_URL" in result.stdout.split("FAIL broker", 1)[1].splitlines()[1]
    assert "OK   postgresql" in result.stdout
    assert "broker" in result.stderr


def test_doctor_names_the_generated_secret_key_and_a_missing_mail_server():
    result = subprocess.run(
        [sys.executable, "manage.py", "doctor"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=child_env(SECRET_KEY="", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                      EMAIL_HOST="127.0.0.1", EMAIL_PORT="1"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "FAIL settings: SECRET_KEY is not set" in result.stdout
    assert "FAIL email" in result.stdout and "127.0.0.1:1" in result.stdout


def test_healthz_answers_200_when_broker_worker_and_beat_run(django_db_setup, django_db_blocker, tmp_path):
    if not redis_answers(REDIS_11):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_11}")
    cache.delete_many([heartbeats.WORKER, heartbeats.BEAT])
    server = Server(CELERY_BROKER_URL=REDIS_11)
    worker = Worker(REDIS_11)
    beat = Beat(REDIS_11, tmp_path / "beat-schedule")
    try:
        server.wait_ready(settings.DISTRICT_HOST)
        status, body = healthz(server)
        deadline = time.monotonic() + 90
        while status != 200 and time.monotonic() < deadline:
            time.sleep(1)
            status, body = healthz(server)
        assert status == 200, body
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "school_schemas", "broker", "worker", "beat", "disk"}
    finally:
        beat.stop()
        worker.stop()
        server.stop()
