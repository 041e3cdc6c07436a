"""School tasks. Each runs in the schema it was sent from (tenant-schemas-celery)."""

import datetime as dt
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import get_tenant_model, tenant_context

from schools.models import Notice, NoticeDelivery

# What a mail server that is down, refusing or timing out raises; anything else is a bug, not retried.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    name="schools.tasks.email_notice", bind=True, autoretry_for=MAIL_ERRORS,
    retry_backoff=settings.EMAIL_RETRY_BACKOFF, retry_backoff_max=3600, retry_jitter=True, max_retries=settings.EMAIL_MAX_RETRIES,
)  # fmt: skip
def email_notice(self, notice_id: int) -> bool:
    """E-mail one in-app notice to its recipient, once. It counts as sent only when the mail server
    took it; a recipient without an address is recorded as such; a failure is retried with back-off
    (30 s, 1 min, 2 min … up to an hour) and, when the retries run out, recorded as failed (and the
    task failure shows on the district's operations page)."""
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id, emailed_at__isnull=True).first()
    if notice is None:
        return False
    if not notice.recipient.email:
        Notice.objects.filter(pk=notice.pk).update(delivery=NoticeDelivery.NO_ADDRESS, delivery_error="")
        return False
    try:
        send_mail(
            subject=notice.title,
            message=f"{notice.body}\n\n{notice.link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.recipient.email],
        )
    except MAIL_ERRORS as exc:
        last = self.request.retries >= self.max_retries
        Notice.objects.filter(pk=notice.pk).update(
            delivery=NoticeDelivery.FAILED if last else NoticeDelivery.RETRYING,
            delivery_error=f"{type(exc).__name__}: {exc}"[:500], delivery_attempts=F("delivery_attempts") + 1,
        )  # fmt: skip
        raise
    Notice.objects.filter(pk=notice.pk).update(
        emailed_at=timezone.now(), delivery=NoticeDelivery.SENT, delivery_error="",
        delivery_attempts=F("delivery_attempts") + 1,
    )  # fmt: skip
    return True


@shared_task(name="schools.tasks.post_notice")
def post_notice(recipient_id: int, title: str, body: str = "", link: str = "") -> int:
    """Create a notice in the schema the task was sent from; it is e-mailed after commit."""
    from schools.notices import notify

    return notify(recipient_id=recipient_id, title=title, body=body, link=link).pk


@shared_task(name="schools.tasks.deliver_pending_notices_everywhere")
def deliver_pending_notices_everywhere() -> int:
    """Beat sweep: queue the e-mail of notices whose after-commit task was lost (the broker was
    down). Each is sent from its school's schema, so it runs there and gets the task's retries."""
    # Younger notices still have their own task in flight; sending those too could mail twice.
    older_than = timezone.now() - dt.timedelta(minutes=10)
    queued = 0
    for school in get_tenant_model().objects.exclude(schema_name="public"):
        with tenant_context(school):
            pending = list(
                Notice.objects.filter(
                    emailed_at__isnull=True, delivery=NoticeDelivery.PENDING, created_at__lt=older_than
                ).values_list("pk", flat=True)[:500]
            )
            for notice_id in pending:
                email_notice.delay(notice_id)
                queued += 1
    connection.set_schema_to_public()
    return queued
