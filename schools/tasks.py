"""School tasks. Each runs in the schema it was sent from (tenant-schemas-celery)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_tenant_model, tenant_context

from schools.models import Notice


@shared_task(name="schools.tasks.email_notice")
def email_notice(notice_id: int) -> bool:
    """E-mail one in-app notice to its recipient, once."""
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id, emailed_at__isnull=True).first()
    if notice is None:
        return False
    if notice.recipient.email:
        send_mail(
            subject=notice.title,
            message=f"{notice.body}\n\n{notice.link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.recipient.email],
        )
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    return True


@shared_task(name="schools.tasks.post_notice")
def post_notice(recipient_id: int, title: str, body: str = "", link: str = "") -> int:
    """Create a notice in the schema the task was sent from; it is e-mailed after commit."""
    from schools.notices import notify

    return notify(recipient_id=recipient_id, title=title, body=body, link=link).pk


@shared_task(name="schools.tasks.deliver_pending_notices_everywhere")
def deliver_pending_notices_everywhere() -> int:
    """Beat sweep: e-mail notices whose after-commit task was lost (e.g. the broker was down)."""
    sent = 0
    for school in get_tenant_model().objects.exclude(schema_name="public"):
        with tenant_context(school):
            pending = list(Notice.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True)[:500])
            for notice_id in pending:
                sent += int(email_notice(notice_id))
    connection.set_schema_to_public()
    return sent
