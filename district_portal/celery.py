"""The Celery app. Tasks sent from inside a school's schema context run in that schema
(tenant-schemas-celery); send school tasks from inside the school's context."""

import os
from pathlib import Path

from celery.signals import beat_init, before_task_publish, task_failure
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district_portal.settings")

app = CeleryApp("district_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_filesystem_queue() -> None:
    """kombu's filesystem transport needs its folders before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@task_failure.connect
def _record_task_failure(sender=None, task_id=None, exception=None, **_):
    """A task that failed for good (retries exhausted, or none asked for) is kept for the
    operations page and `doctor`; the traceback is in the worker's log."""
    from oversight.operations.failures import record_failure

    record_failure(task_name=getattr(sender, "name", str(sender)), task_id=task_id, error=exception)


@beat_init.connect
def _beat_heartbeat(**_):
    """Only in the beat process: every task it sends (the heartbeat every minute) marks beat alive."""
    from oversight.operations import heartbeats

    def mark(**_):
        heartbeats.mark(heartbeats.BEAT)

    before_task_publish.connect(mark, weak=False)
    mark()
