"""The Celery app. Tasks sent from inside a school's schema context run in that schema
(tenant-schemas-celery); send school tasks from inside the school's context."""

import os
from pathlib import Path

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
