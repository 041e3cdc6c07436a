"""The reminder task as a real Celery task on a real worker (real Redis): it writes the notice
into the owing school's schema and nowhere else."""

import datetime as dt
import uuid

import pytest
from django_tenants.utils import tenant_context

from district_portal.celery import app
from oversight.models import Campaign, Phase, PhaseReminder
from oversight.models_rollups import PhaseProgressRollup
from oversight.tasks import send_phase_reminders
from schools.models import Notice
from tenants.models import School
from tests.processes import Worker
from tests.test_celery_worker import REDIS_URL, redis_answers, wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]


@pytest.fixture(scope="module")
def committed_campaign(django_db_setup, django_db_blocker):
    """The worker is another process, so the campaign is committed here and removed afterwards."""
    if not redis_answers(REDIS_URL):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_URL}; the real-worker test needs one")
    with django_db_blocker.unblock():
        campaign = Campaign.objects.create(name=f"提醒测试-{uuid.uuid4().hex[:6]}", year=2031)
        phase = Phase.objects.create(campaign=campaign, order=1, name="一月月报", starts_on=dt.date(2031, 1, 1),
                                     ends_on=dt.date(2031, 1, 31), report_due_on=dt.date(2031, 2, 10))  # fmt: skip
    yield phase
    with django_db_blocker.unblock():
        for school in School.objects.filter(slug__in=["alpha", "beta"]):
            with tenant_context(school):
                Notice.objects.filter(link=f"/reports/phase/{phase.pk}/").delete()
        PhaseReminder.objects.filter(phase=phase).delete()
        PhaseProgressRollup.objects.filter(phase=phase)._raw_delete(
            "default"
        )  # a refresh may have filed cells
        # Raw deletes: the collector would look for school-schema reports from the public schema.
        Phase.objects.filter(pk=phase.pk)._raw_delete("default")
        Campaign.objects.filter(pk=phase.campaign_id)._raw_delete("default")


@pytest.fixture(scope="module")
def worker(committed_campaign):
    worker = Worker(REDIS_URL)
    yield worker.process
    worker.stop()


def test_the_reminder_task_runs_on_a_real_worker_and_notifies_each_schools_admins(worker, committed_campaign):
    phase = committed_campaign
    with app.connection_for_write(REDIS_URL) as connection:
        send_phase_reminders.apply_async(args=["2031-02-07"], connection=connection)

    def delivered(slug):
        def check():
            with tenant_context(School.objects.get(slug=slug)):
                return list(Notice.objects.filter(link=f"/reports/phase/{phase.pk}/", delivery="no_address")
                            .values_list("recipient__username", "title"))  # fmt: skip

        return check

    assert wait_for(delivered("alpha")) == [("alpha_admin", "一月月报报告将于 2031-02-10 截止（还有 3 天）")]
    assert wait_for(delivered("beta")) == [("beta_admin", "一月月报报告将于 2031-02-10 截止（还有 3 天）")]
    # gamma is suspended: not in scope, no notice.
    with tenant_context(School.objects.get(slug="gamma")):
        assert not Notice.objects.filter(link=f"/reports/phase/{phase.pk}/").exists()
