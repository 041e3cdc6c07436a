"""Recording task failures from the worker's task_failure signal (district_portal/celery.py)."""

import logging

from django.db import connection
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)


def record_failure(*, task_name: str, task_id: str, error: BaseException) -> None:
    from oversight.operations.models import TaskFailure

    schema = getattr(connection, "schema_name", "public")
    try:
        with schema_context("public"):
            TaskFailure.objects.create(
                task_name=task_name[:200], task_id=(task_id or "")[:64],
                schema_name="" if schema == "public" else schema, error=f"{type(error).__name__}: {error}"[:2000],
            )  # fmt: skip
    except Exception:
        # The failure is still in the worker's log; losing the row must not hide the first error.
        logger.exception("could not record the failure of %s", task_name)
