"""In-app notices to a school's members, e-mailed after the write commits."""

from django.db import connection, transaction
from django_tenants.utils import schema_context

from schools.models import Notice


def notify(*, recipient_id: int, title: str, body: str = "", link: str = "") -> Notice:
    notice = Notice.objects.create(recipient_id=recipient_id, title=title, body=body, link=link)
    schema = connection.schema_name

    def send():
        from schools.tasks import email_notice

        # Sent from the school's schema so the worker runs it there (tenant-schemas-celery).
        with schema_context(schema):
            email_notice.delay(notice.pk)

    # robust: with the broker down the write still stands; the beat sweep e-mails it later.
    transaction.on_commit(send, robust=True)
    return notice
