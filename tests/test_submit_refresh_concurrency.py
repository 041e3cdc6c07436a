"""Phase-report submissions, returns and resubmissions while a real Celery worker runs the
schools' roll-up refreshes: no deadlock reaches anyone, and the progress roll-up ends equal to the
submissions. The submissions commit for real (threads with their own connections), so everything
made here is removed afterwards with raw deletes."""

import datetime as dt
import threading
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from district_portal.celery import app
from oversight import actions as district
from oversight import rollups
from oversight.models import Campaign, CampaignScope, Phase, PhaseSubmission
from oversight.models_rollups import ROLLUP_MODELS, PhaseProgressRollup, SchoolScorecard, ScorecardStats
from oversight.progress import ON_TIME, campaign_progress
from schools.actions import reports
from schools.models import AuditEvent, Notice, PhaseReport
from tenants.models import AuditEvent as DistrictAuditEvent
from tenants.models import School, User
from tests.processes import Worker

pytestmark = [pytest.mark.celery_worker]

PHASES = 6
SLUGS = ("alpha", "beta")


def _in_thread(errors, work):
    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 — every failure is the test's finding
            errors.append(repr(error))
        finally:
            connection.close()

    return threading.Thread(target=run)


def _submit_all(slug, phases, errors):
    school = School.objects.get(slug=slug)
    admin = User.objects.get(username=f"{slug}_admin")
    with tenant_context(school):
        for phase in phases:
            report = reports.start_report(acting_user=admin, phase=phase)
            report = reports.save_draft(acting_user=admin, report=report, figures={}, reasons={},
                                        sections={"work": f"第{phase.order}阶段工作。"},
                                        expected_version=report.version)  # fmt: skip
            reports.submit_report(acting_user=admin, report=report)


def _return_and_resubmit(slug, phases):
    school = School.objects.get(slug=slug)
    admin, staff = User.objects.get(username=f"{slug}_admin"), User.objects.get(username="bureau_staff")
    for phase in phases:
        submission = PhaseSubmission.objects.get(school=school, phase=phase, version=1)
        district.return_submission(acting_user=staff, submission=submission, comment="请补充数据。")
        with tenant_context(school):
            report = reports.start_report(acting_user=admin, phase=phase)
            reports.submit_report(acting_user=admin, report=report)


def _keep_refreshing(stop):
    schemas = [School.objects.get(slug=slug).schema_name for slug in SLUGS]
    with app.connection_for_write() as broker:
        while not stop.is_set():
            for schema in schemas:
                with schema_context(schema):
                    rollups.refresh_school_rollups.apply_async(connection=broker)
            time.sleep(0.05)


def _forget(campaign_pk):
    phase_ids = list(Phase.objects.filter(campaign_id=campaign_pk).values_list("pk", flat=True))
    submissions = PhaseSubmission.objects.filter(phase_id__in=phase_ids)
    for school in School.objects.filter(slug__in=SLUGS):
        with tenant_context(school):
            report_ids = [
                str(pk)
                for pk in PhaseReport.objects.filter(phase_id__in=phase_ids).values_list("pk", flat=True)
            ]
            AuditEvent.objects.filter(
                object_type="schools.phasereport", object_id__in=report_ids
            )._raw_delete("default")
            Notice.objects.filter(link__in=[f"/reports/phase/{pk}/" for pk in phase_ids])._raw_delete(
                "default"
            )
            PhaseReport.objects.filter(phase_id__in=phase_ids, previous__isnull=False)._raw_delete("default")
            PhaseReport.objects.filter(phase_id__in=phase_ids)._raw_delete("default")
        cache.delete(rollups._debounce_key(school.schema_name))
    submission_ids = [str(pk) for pk in submissions.values_list("pk", flat=True)]
    DistrictAuditEvent.objects.filter(
        object_type="oversight.phasesubmission", object_id__in=submission_ids
    )._raw_delete("default")
    DistrictAuditEvent.objects.filter(
        object_type="oversight.phase", object_id__in=[str(p) for p in phase_ids]
    )._raw_delete("default")
    DistrictAuditEvent.objects.filter(
        object_type="oversight.campaign", object_id=str(campaign_pk)
    )._raw_delete("default")
    # The scorecards are roll-ups too, and their sums name the campaign.
    for model in (*ROLLUP_MODELS, SchoolScorecard, ScorecardStats):
        model.objects.all()._raw_delete("default")
    submissions._raw_delete("default")
    Phase.objects.filter(pk__in=phase_ids)._raw_delete("default")
    Campaign.schools.through.objects.filter(campaign_id=campaign_pk)._raw_delete("default")
    Campaign.objects.filter(pk=campaign_pk)._raw_delete("default")
    connection.set_schema_to_public()


def test_submissions_and_returns_while_a_real_worker_refreshes_never_fail(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        bureau = User.objects.get(username="bureau_admin")
        campaign = district.create_campaign(acting_user=bureau, name=f"并发测试-{uuid.uuid4().hex[:6]}",
                                            year=2030, scope=CampaignScope.CHOSEN,
                                            schools=list(School.objects.filter(slug__in=SLUGS)))  # fmt: skip
        try:
            today = timezone.localdate()
            phases = [
                district.add_phase(
                    acting_user=bureau,
                    campaign=campaign,
                    name=f"第{i}阶段",
                    starts_on=today - dt.timedelta(days=30 + i),
                    ends_on=today + dt.timedelta(days=20),
                    report_due_on=today + dt.timedelta(days=25),
                )  # fmt: skip
                for i in range(1, PHASES + 1)
            ]
            worker = Worker(None)
            output = ""
            try:
                stop, errors = threading.Event(), []
                refresher = _in_thread(errors, lambda: _keep_refreshing(stop))
                refresher.start()
                for round_ in (_submit_all, lambda slug, phases, errors: _return_and_resubmit(slug, phases)):
                    threads = [
                        _in_thread(errors, lambda slug=slug, run=round_: run(slug, phases, errors))
                        for slug in SLUGS
                    ]
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join(timeout=300)
                stop.set()
                refresher.join(timeout=30)
                # Let the worker finish what is queued, then refresh once more here.
                time.sleep(3)
            finally:
                output = worker.stop()
            assert errors == []
            assert "Traceback" not in output and "deadlock" not in output.lower(), output
            submitted = PhaseSubmission.objects.filter(phase__campaign=campaign)
            assert submitted.count() == 2 * PHASES * len(SLUGS)
            assert submitted.filter(status="returned").count() == PHASES * len(SLUGS)
            # The stored progress says what the submissions say: every school × phase on time.
            for school in School.objects.filter(slug__in=SLUGS):
                with tenant_context(school):
                    rollups.refresh_school_rollups()
            truth = campaign_progress(campaign)
            assert {cell.state for cell in truth.cells.values()} == {ON_TIME}
            latest = {(s.school_id, s.phase_id): s.pk for s in submitted.filter(version=2)}
            stored = {(school_id, phase_id): submission_id for school_id, phase_id, submission_id in
                      PhaseProgressRollup.objects.filter(phase__campaign=campaign)
                      .values_list("school_id", "phase_id", "submission_id")}  # fmt: skip
            assert stored == latest
        finally:
            _forget(campaign.pk)
