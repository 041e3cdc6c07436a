"""The disclosure expiry sweep as a real Celery task on a real worker (real Redis): a published item
past its expiry date is withdrawn, with its public notice and an audit row by no user."""

import datetime as dt

import pytest
from django.utils import timezone

from district_portal.celery import app
from oversight.disclosures.models import Disclosure, DisclosureState
from oversight.disclosures.tasks import expire_disclosures
from oversight.serious_cases.models import SeriousCase
from tenants.models import AuditEvent, School, User
from tests.processes import Worker
from tests.test_celery_worker import REDIS_URL, redis_answers, wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]


@pytest.fixture(scope="module")
def committed_disclosures(django_db_setup, django_db_blocker):
    """The worker is another process, so the rows are committed here and removed afterwards."""
    if not redis_answers(REDIS_URL):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_URL}; the real-worker test needs one")
    with django_db_blocker.unblock():
        school = School.objects.get(slug="beta")
        now, today = timezone.now(), timezone.localdate()
        case = SeriousCase.objects.create(school=school, incident_id=990001, case_code="EXP-001", occurred_on=today,
                                          first_known_at=now, due_from=now, report_due_at=now, closed_on=today,
                                          facts_hash="x")  # fmt: skip
        common = {"serious_case": case, "occurred_on": today, "facts": "到期测试", "measures": "处置",
                  "drafted_by": User.objects.get(username="bureau_staff"), "state": DisclosureState.PUBLISHED,
                  "publish_at": now - dt.timedelta(days=5 * 366)}  # fmt: skip
        due = Disclosure.objects.create(title="已到期", expires_on=today - dt.timedelta(days=1), **common)
        kept = Disclosure.objects.create(title="未到期", expires_on=today + dt.timedelta(days=30), **common)
    yield due, kept
    with django_db_blocker.unblock():
        AuditEvent.objects.filter(
            object_type="oversight.disclosure", object_id__in=[str(due.pk), str(kept.pk)]
        ).delete()
        Disclosure.objects.filter(pk__in=[due.pk, kept.pk])._raw_delete("default")
        SeriousCase.objects.filter(pk=case.pk)._raw_delete("default")


@pytest.fixture(scope="module")
def worker(committed_disclosures):
    worker = Worker(REDIS_URL)
    yield worker.process
    worker.stop()


def test_the_expiry_task_withdraws_what_has_expired_on_a_real_worker(worker, committed_disclosures):
    due, kept = committed_disclosures
    with app.connection_for_write(REDIS_URL) as connection:
        expire_disclosures.apply_async(connection=connection)

    def withdrawn():
        return Disclosure.objects.filter(pk=due.pk, state=DisclosureState.WITHDRAWN).first()

    row = wait_for(withdrawn)
    assert row is not None and "期限届满" in row.withdraw_reason and row.withdrawn_by is None
    assert Disclosure.objects.get(pk=kept.pk).state == DisclosureState.PUBLISHED
    event = AuditEvent.objects.get(action="disclosure.expired", object_id=str(due.pk))
    assert event.actor is None
