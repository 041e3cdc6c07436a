"""A real Celery worker on real Redis runs a school task in that school's schema."""

import os
import socket
import time
import uuid
from urllib.parse import urlparse

import pytest
from django_tenants.utils import tenant_context

from district_portal.celery import app
from schools.models import Notice
from schools.tasks import post_notice
from tenants.models import School, User
from tests.processes import Worker

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "").startswith("redis") and os.environ["CELERY_BROKER_URL"]
REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/15"


def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    if not redis_answers(REDIS_URL):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_URL}; the real-worker test needs one")
    worker = Worker(REDIS_URL)
    yield worker.process
    worker.stop()
    # The worker committed its notice: remove it, so later tests see the school as they left it.
    with django_db_blocker.unblock(), tenant_context(School.objects.get(slug="alpha")):
        Notice.objects.filter(title__startswith="worker-test-")._raw_delete("default")


def wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    return None


def test_a_task_sent_from_a_school_writes_into_that_schools_schema(worker):
    alpha, beta = School.objects.get(slug="alpha"), School.objects.get(slug="beta")
    recipient = User.objects.get(username="alpha_admin")
    title = f"worker-test-{uuid.uuid4().hex[:8]}"

    with app.connection_for_write(REDIS_URL) as connection, tenant_context(alpha):
        post_notice.apply_async(args=[recipient.pk, title], connection=connection)

    def delivered():
        with tenant_context(alpha):
            return Notice.objects.filter(title=title).exclude(delivery="pending").first()

    notice = wait_for(delivered)
    assert notice is not None, "the worker did not create and e-mail the notice in alpha's schema"
    assert notice.recipient_id == recipient.pk
    # alpha_admin has no e-mail address: the notice is in the app, and not counted as e-mailed.
    assert notice.delivery == "no_address" and notice.emailed_at is None
    with tenant_context(beta):
        assert not Notice.objects.filter(title=title).exists()
