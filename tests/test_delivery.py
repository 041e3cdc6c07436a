"""Delivery you can see: a notice counts as e-mailed only when the mail server took it; who has no
address is listed for bureau admins and for school admins (their own staff); a mail server that is
down makes a real worker retry with back-off, then mark the notice failed and the task failure
appear on the district's operations page."""

import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from district_portal.celery import app
from oversight.operations.models import TaskFailure
from schools.models import Notice, NoticeDelivery
from schools.notices import notify
from schools.tasks import email_notice, post_notice
from tenants.models import School, User
from tests.processes import ROOT, Worker, child_env
from tests.test_backup_restore import conninfo
from tests.test_celery_worker import redis_answers

pytestmark = pytest.mark.django_db

REDIS_11 = "redis://127.0.0.1:6379/11"


def alpha():
    return School.objects.get(slug="alpha")


def test_a_notice_to_someone_without_an_address_is_not_counted_as_sent():
    with tenant_context(alpha()):
        notice = notify(recipient_id=User.objects.get(username="alpha_gate").pk, title="值班提醒")
        assert email_notice(notice.pk) is False
        notice.refresh_from_db()
        assert notice.emailed_at is None
        assert notice.delivery == NoticeDelivery.NO_ADDRESS
    assert mail.outbox == []


def test_a_notice_to_someone_with_an_address_is_sent_once():
    User.objects.filter(username="alpha_moral").update(email="moral@alpha.example.cn")
    with tenant_context(alpha()):
        notice = notify(recipient_id=User.objects.get(username="alpha_moral").pk, title="整改提醒")
        assert email_notice(notice.pk) is True
        assert email_notice(notice.pk) is False  # already sent: never twice
        notice.refresh_from_db()
        assert notice.delivery == NoticeDelivery.SENT and notice.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["moral@alpha.example.cn"]]


def test_school_admins_see_their_staff_without_an_address_and_undelivered_notices(client_for):
    with tenant_context(alpha()):
        notice = notify(recipient_id=User.objects.get(username="alpha_gate").pk, title="门卫值班提醒")
        email_notice(notice.pk)
    page = client_for("alpha_admin", "alpha").get("/delivery/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "alpha_gate" in text and "alpha_counsellor" in text
    assert "beta_dorm" not in text  # another school's staff
    assert "门卫值班提醒" in text and "未发送：接收人没有邮箱" in text
    assert client_for("alpha_gate", "alpha").get("/delivery/").status_code == 403


def test_bureau_admins_see_every_account_without_an_address(client_for):
    User.objects.filter(username="beta_dorm").update(email="dorm@beta.example.cn")
    page = client_for("bureau_admin").get("/operations/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "alpha_gate" in text and "inspector_alpha" in text and "阿尔法小学" in text
    assert "beta_dorm" not in text
    assert client_for("bureau_staff").get("/operations/").status_code == 403
    assert client_for("inspector_alpha").get("/operations/").status_code == 403


def run_sql(sql: str, params=()) -> None:
    from django.db import connection

    with psycopg.connect(conninfo(connection.settings_dict["NAME"]), autocommit=True) as other:
        other.execute(sql, params)


@pytest.fixture
def failing_mail_worker(django_db_setup, django_db_blocker):
    if not redis_answers(REDIS_11):
        pytest.skip(f"SKIPPED LOUDLY: no Redis answers at {REDIS_11}")
    # The worker is another process: the recipient's address must be committed for it to see.
    run_sql("UPDATE tenants_user SET email = 'head@alpha.example.cn' WHERE username = 'alpha_head_teacher'")
    worker = Worker(REDIS_11, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                    EMAIL_HOST="127.0.0.1", EMAIL_PORT="1", EMAIL_MAX_RETRIES="2", EMAIL_RETRY_BACKOFF="1")  # fmt: skip
    try:
        yield worker
    finally:
        worker.stop()
        run_sql("UPDATE tenants_user SET email = '' WHERE username = 'alpha_head_teacher'")
        run_sql("DELETE FROM school_alpha.schools_notice WHERE title LIKE 'smtp-down-%%'")
        run_sql("DELETE FROM oversight_taskfailure WHERE task_name = 'schools.tasks.email_notice'")


def test_mail_that_cannot_be_delivered_is_retried_then_shown_as_failed(failing_mail_worker, client_for):
    title = f"smtp-down-{uuid.uuid4().hex[:8]}"
    recipient = User.objects.get(username="alpha_head_teacher")
    with app.connection_for_write(REDIS_11) as connection, tenant_context(alpha()):
        post_notice.apply_async(args=[recipient.pk, title], connection=connection)

    deadline = time.monotonic() + 90
    notice = None
    while time.monotonic() < deadline:
        with tenant_context(alpha()):
            notice = Notice.objects.filter(title=title, delivery=NoticeDelivery.FAILED).first()
        if notice and TaskFailure.objects.filter(task_name="schools.tasks.email_notice").exists():
            break
        time.sleep(0.5)
    assert notice is not None, "the worker did not give up on the notice"
    assert notice.emailed_at is None
    assert notice.delivery_attempts == 3  # the first try and two retries
    assert "Connection refused" in notice.delivery_error or "Errno" in notice.delivery_error
    failure = TaskFailure.objects.get(task_name="schools.tasks.email_notice")
    assert failure.schema_name == "school_alpha"

    page = client_for("bureau_admin").get("/operations/").content.decode()
    assert "schools.tasks.email_notice" in page and "阿尔法小学" in page
    school_page = client_for("alpha_admin", "alpha").get("/delivery/").content.decode()
    assert title in school_page and "发送失败" in school_page
    doctor = subprocess.run([sys.executable, "manage.py", "doctor"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=child_env(SECRET_KEY="x" * 50))  # fmt: skip
    assert doctor.returncode == 1
    (line,) = [line for line in doctor.stdout.splitlines() if line.startswith("FAIL task_failures")]
    assert "schools.tasks.email_notice school_alpha" in line
