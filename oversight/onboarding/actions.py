"""Bulk onboarding from a page: check the uploaded list, confirm it, run it as a Celery task.

The rows are checked by the same code as `manage.py onboard_schools` (tenants.onboarding) and the
schools are created by the same action (tenants.actions.provisioning.create_schools), a batch per
transaction; a row whose school already exists is skipped, so a run that died is simply run again.
"""

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.onboarding.models import OnboardingJob
from oversight.onboarding.workflow import JobState, can_move
from tenants import audit
from tenants.actions.provisioning import create_schools
from tenants.onboarding import check_file

MAX_BYTES = 5 * 1024 * 1024
BATCH = 10  # schools per transaction (each holds its schema's locks until the commit)


def _require_admin(user) -> None:
    if user is None or not user.is_authenticated or not user.is_bureau_admin:
        raise PermissionDenied(_("只有教育局管理员可以批量开通学校。"))


def _rows(file_name: str, content: bytes):
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(_("只支持 .csv 或 .xlsx 格式的学校名单。"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return check_file(path)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        except Exception:  # a file that is not what its name says (a broken workbook)
            raise ValidationError(
                _("无法读取该文件，请使用学校名单模板另存为 .xlsx 或 .csv 后重新上传。")
            ) from None


@transaction.atomic(durable=True)
def check_upload(*, acting_user, file_name: str, content: bytes) -> OnboardingJob:
    """Check every row of an uploaded list and keep it, waiting for the admin's confirmation."""
    _require_admin(acting_user)
    if not content:
        raise ValidationError(_("文件是空的。"))
    if len(content) > MAX_BYTES:
        raise ValidationError(_("文件超过 5 MB，请分成几个文件上传。"))
    rows = _rows(file_name, content)
    job = OnboardingJob.objects.create(
        created_by=acting_user, file_name=file_name[:200], content=content, total_rows=len(rows),
        good_rows=sum(1 for r in rows if not r.problems and not r.done),
        skipped_rows=sum(1 for r in rows if r.done),
        problems=[[r.line, "；".join(r.problems)] for r in rows if r.problems],
    )  # fmt: skip
    audit.record(actor=acting_user, action="onboarding.checked", obj=job, changes={
        "file": job.file_name, "rows": job.total_rows, "good": job.good_rows, "bad": len(job.problems),
        "skipped": job.skipped_rows})  # fmt: skip
    return job


@transaction.atomic(durable=True)
def start_onboarding(*, acting_user, job: OnboardingJob) -> OnboardingJob:
    """The admin confirms the checked list: the onboarding task is sent once this commits."""
    _require_admin(acting_user)
    job = OnboardingJob.objects.select_for_update().get(pk=job.pk)
    if not can_move(job.state, JobState.RUNNING):
        raise ValidationError(_("这份名单已经开始开通，不能再次确认。"))
    if not job.good_rows:
        raise ValidationError(_("这份名单没有可开通的行。"))
    job.state, job.started_at = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    audit.record(actor=acting_user, action="onboarding.started", obj=job, changes={"good": job.good_rows})
    from oversight.onboarding.tasks import run_onboarding

    pk = job.pk
    transaction.on_commit(lambda: run_onboarding.delay(pk))
    return job


def run(job_id: int) -> OnboardingJob:
    """The task's body: create the confirmed list's schools a batch at a time, recording progress
    after each batch (its own transaction). Rows whose school exists by now are skipped."""
    job = OnboardingJob.objects.get(pk=job_id)
    if job.state != JobState.RUNNING:
        return job
    rows = _rows(job.file_name, bytes(job.content))
    todo = [r for r in rows if not r.problems and not r.done]
    already = job.good_rows - len(todo)  # created by an earlier run of this job that died
    if already > 0:
        OnboardingJob.objects.filter(pk=job.pk).update(processed=already)
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        failure = None
        try:
            made = len(create_schools(acting_user=job.created_by, specs=[r.spec for r in chunk]))
        except (ValidationError, PermissionDenied, DatabaseError) as exc:
            made = 0
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            failure = ["、".join(str(r.line) for r in chunk), text]
        with transaction.atomic():
            update = {"processed": F("processed") + len(chunk), "created": F("created") + made}
            OnboardingJob.objects.filter(pk=job.pk).update(**update)
            if failure:
                locked = OnboardingJob.objects.select_for_update().get(pk=job.pk)
                locked.failures = [*locked.failures, failure]
                locked.save(update_fields=["failures"])
    return _finish(job.pk)


@transaction.atomic(durable=True)
def _finish(job_id: int) -> OnboardingJob:
    job = OnboardingJob.objects.select_for_update().get(pk=job_id)
    job.state, job.finished_at = JobState.FINISHED, timezone.now()
    job.save(update_fields=["state", "finished_at"])
    audit.record(actor=job.created_by, action="onboarding.finished", obj=job,
                 changes={"created": job.created, "failed_batches": len(job.failures)})  # fmt: skip
    return job
