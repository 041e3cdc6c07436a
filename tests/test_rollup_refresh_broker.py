"""A school's write reaches the district roll-ups through the real broker: one refresh for a burst
of writes, sent from the school's schema; with the broker down the write still stands and the
reconcile repairs the roll-ups; and a real Celery worker on real Redis does the refresh."""

import datetime as dt
import subprocess
import sys
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight import rollups
from oversight.models_rollups import ROLLUP_MODELS, HazardRollup
from schools.actions import ledger
from schools.models import AuditEvent, Hazard
from tenants.models import School, User
from tests.broker import drain_refreshes
from tests.processes import ROOT, Worker, child_env
from tests.test_celery_worker import REDIS_URL, redis_answers, wait_for

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every send is refused

# A school admin records a hazard through the action, in another process, and commits.
WRITE = """
import datetime as dt, sys
import django
django.setup()
from django.utils import timezone
from django_tenants.utils import tenant_context
from schools.actions import ledger
from tenants.models import School, User
slug, risk = sys.argv[1], sys.argv[2]
school, admin = School.objects.get(slug=slug), User.objects.get(username=slug + "_admin")
today = timezone.localdate()
with tenant_context(school):
    hazard = ledger.record_hazard(acting_user=admin, found_on=today, place="toilet", risk_kind=risk,
        method="site_check", found_by="政教处", description="走廊无监控", responsible="总务处",
        deadline=today + dt.timedelta(days=7))
print(hazard.pk)
"""


def write_in_another_process(slug: str, broker: str) -> int:
    """Record a hazard in `slug`'s school from a separate process whose broker is `broker`."""
    result = subprocess.run(
        [sys.executable, "-c", WRITE, slug, f"rollup-test-{uuid.uuid4().hex[:8]}"], cwd=ROOT,
        env=child_env(CELERY_BROKER_URL=broker, DJANGO_SETTINGS_MODULE="district_portal.settings"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def forget_committed(slug: str, hazard_pk: int) -> None:
    """Remove what the other process committed (raw deletes: the app itself never deletes)."""
    with tenant_context(School.objects.get(slug=slug)):
        AuditEvent.objects.filter(object_type__icontains="hazard", object_id=str(hazard_pk))._raw_delete(
            "default"
        )
        Hazard.objects.filter(pk=hazard_pk)._raw_delete("default")
    for model in ROLLUP_MODELS:
        model.objects.all()._raw_delete("default")


def record_hazard(user):
    today = timezone.localdate()
    return ledger.record_hazard(
        acting_user=user, found_on=today, place="toilet", risk_kind="监控盲区", method="site_check",
        found_by="政教处", description="走廊无监控", responsible="总务处", deadline=today + dt.timedelta(days=7),
    )  # fmt: skip


def test_a_burst_of_writes_sends_one_refresh_from_the_schools_schema(
    school, django_capture_on_commit_callbacks
):
    admin = User.objects.get(username="alpha_admin")
    drain_refreshes()
    with tenant_context(school):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                record_hazard(admin)
    assert drain_refreshes() == [school.schema_name]

    # The task clears the pending mark before it counts, so a write after it sends a new refresh.
    with tenant_context(school):
        rollups.refresh_school_rollups()
    assert HazardRollup.objects.get(school=school).count == 3
    with tenant_context(school), django_capture_on_commit_callbacks(execute=True):
        record_hazard(admin)
    assert drain_refreshes() == [school.schema_name]


@pytest.fixture(scope="module")
def committed_with_the_broker_down(django_db_setup, django_db_blocker):
    """Module-scoped: what another process commits must be removed outside the tests' transactions."""
    with django_db_blocker.unblock():
        cache.delete(rollups._debounce_key("school_beta"))
        pk = write_in_another_process("beta", DEAD_BROKER)
    yield pk
    with django_db_blocker.unblock():
        forget_committed("beta", pk)
        connection.set_schema_to_public()


def test_with_the_broker_down_the_write_stands_and_the_reconcile_repairs(committed_with_the_broker_down):
    beta = School.objects.get(slug="beta")
    with tenant_context(beta):
        assert Hazard.objects.filter(pk=committed_with_the_broker_down).exists()  # the write was stored
    assert not HazardRollup.objects.filter(school=beta).exists()  # no refresh could be sent
    assert cache.get(rollups._debounce_key(beta.schema_name)) is None  # so the next write tries again
    assert any("hazards" in problem for problem in rollups.school_differences(beta))

    rollups.reconcile_rollups()  # what beat runs every hour
    assert HazardRollup.objects.get(school=beta).count == 1
    assert rollups.differences()[1] == []


@pytest.fixture(scope="module")
def worker_on_redis(django_db_setup, django_db_blocker):
    if not redis_answers(REDIS_URL):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_URL}; the real-worker test needs one")
    worker = Worker(REDIS_URL)
    with django_db_blocker.unblock():
        cache.delete(rollups._debounce_key("school_alpha"))
        pk = write_in_another_process("alpha", REDIS_URL)
    yield pk
    worker.stop()
    with django_db_blocker.unblock():
        forget_committed("alpha", pk)
        connection.set_schema_to_public()


@pytest.mark.celery_worker
def test_a_real_worker_refreshes_the_schools_rollups_after_its_write(worker_on_redis):
    alpha = School.objects.get(slug="alpha")
    refreshed = wait_for(lambda: HazardRollup.objects.filter(school=alpha).first())
    assert refreshed is not None, "the worker did not refresh alpha's roll-ups"
    assert refreshed.count == 1
    assert not HazardRollup.objects.exclude(school=alpha).exists()  # only the school that wrote
