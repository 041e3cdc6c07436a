"""Bulk onboarding from a page: a bureau admin uploads the 学校名单, sees the row check, confirms,
and a real Celery worker creates the schools while the page shows the progress."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.onboarding.models import OnboardingJob
from tenants.models import AuditEvent, School
from tests.processes import ROOT, child_env

HEADER = "学校名称,学校标识码,站点标识,学段类型,寄宿制,在校学生数,所属街道/片区"
ROWS = [
    "页面开通小学,3299500001,page-one,小学,否,600,春江镇",
    "页面开通中学,3299500002,page-two,初中,是,900,春江镇",
    "缺代码学校,,page-bad,小学,否,100,",
]


def upload(client, text: str, name="学校名单.csv"):
    return client.post("/onboarding/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


@pytest.mark.django_db
def test_only_bureau_admins_may_onboard_and_a_bad_file_is_refused_with_a_reason(client_for):
    assert client_for("bureau_staff").get("/onboarding/").status_code == 403
    assert client_for("inspector_alpha").get("/onboarding/").status_code == 403
    admin = client_for("bureau_admin")
    bad = upload(admin, "x", name="名单.txt")
    assert bad.status_code == 400 and "只支持 .csv 或 .xlsx" in bad.content.decode()
    unknown = upload(admin, "校名,代码\n甲,1\n")
    assert unknown.status_code == 400 and "无法识别的列" in unknown.content.decode()
    assert not OnboardingJob.objects.exists()


@pytest.mark.django_db
def test_the_row_check_is_shown_before_anything_is_created(client_for):
    admin = client_for("bureau_admin")
    response = upload(admin, "\n".join([HEADER, *ROWS]) + "\n")
    assert response.status_code == 302
    page = admin.get(response["Location"]).content.decode()
    assert "可开通 2 行" in page and "有问题 1 行" in page
    assert "第 4 行" in page and "缺少“学校标识码”" in page
    assert "确认开通 2 所学校" in page
    assert not School.objects.filter(slug__startswith="page-").exists()
    job = OnboardingJob.objects.get()
    assert client_for("bureau_staff").get(f"/onboarding/{job.pk}/").status_code in (403, 404)
    assert AuditEvent.objects.filter(action="onboarding.checked", object_id=str(job.pk)).exists()


def _worker() -> subprocess.Popen:
    from district_portal.celery import app, ensure_filesystem_queue

    ensure_filesystem_queue()
    with app.connection_for_write() as conn:
        conn.SimpleQueue(app.conf.task_default_queue).clear()
    env = child_env()
    if settings.CELERY_BROKER_URL == "filesystem://":
        env.pop("CELERY_BROKER_URL", None)  # the default: the same folders under var/celery as here
    else:
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "district_portal", "worker", "--pool", "solo", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


@pytest.mark.celery_worker
def test_confirming_runs_the_onboarding_on_a_real_worker_with_progress(django_db_setup, django_db_blocker):
    from tenants.models import User

    with django_db_blocker.unblock():  # the worker is another process: everything here is committed
        worker = _worker()
        job = None
        try:
            admin = Client(HTTP_HOST=settings.DISTRICT_HOST)
            admin.force_login(User.objects.get(username="bureau_admin"))
            job = OnboardingJob.objects.get(
                pk=upload(admin, "\n".join([HEADER, *ROWS]) + "\n")["Location"].split("/")[-2]
            )
            assert admin.post(f"/onboarding/{job.pk}/start/").status_code == 302
            page = admin.get(f"/onboarding/{job.pk}/").content.decode()
            assert "正在开通" in page or "已完成" in page
            assert admin.post(f"/onboarding/{job.pk}/start/").status_code == 400  # confirmed once only
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.state == "finished":
                    break
                time.sleep(1)
            assert job.state == "finished", "the worker did not finish the onboarding"
            page = admin.get(f"/onboarding/{job.pk}/").content.decode()
            assert "已完成" in page and "已开通 2 所学校" in page and "100%" in page
            made = School.objects.filter(slug__in=["page-one", "page-two"])
            assert made.count() == 2 and (job.created, job.failures) == (2, [])
            assert set(AuditEvent.objects.filter(action="school.created", school__in=made).values_list(
                "actor__username", flat=True)) == {"bureau_admin"}  # fmt: skip
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=30)
            for school in School.objects.filter(slug__in=["page-one", "page-two"]):
                AuditEvent.objects.filter(school=school).delete()
                school.delete(force_drop=True)
            if job is not None:
                AuditEvent.objects.filter(object_type="oversight.onboardingjob").delete()
                OnboardingJob.objects.filter(pk=job.pk).delete()
