"""Beat's operations tasks: the heartbeat /healthz reads, and the nightly backup with retention."""

import datetime as dt
import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from oversight.operations import heartbeats

logger = logging.getLogger(__name__)
BACKUP_PREFIX = "district-"


@shared_task(name="oversight.operations.heartbeat")
def heartbeat() -> None:
    """Sent by beat every minute (beat marks its own heartbeat when it sends); run by a worker."""
    heartbeats.mark(heartbeats.WORKER)


@shared_task(name="oversight.operations.nightly_backup")
def nightly_backup() -> dict:
    """Dump the whole database into BACKUP_DIR, then delete dumps older than BACKUP_RETENTION_DAYS.
    A failed dump raises (and so shows on the operations page); old dumps are removed only after a
    new one was written."""
    folder = Path(settings.BACKUP_DIR)
    target = folder / f"{BACKUP_PREFIX}{timezone.localtime():%Y%m%d-%H%M%S}.dump"
    call_command("backup_database", str(target), stdout=open("/dev/null", "w"))
    return {"written": target.name, "removed": prune_backups(folder, settings.BACKUP_RETENTION_DAYS)}


def prune_backups(folder: Path, retention_days: int, now: dt.datetime | None = None) -> list[str]:
    cutoff = (now or timezone.now()).timestamp() - retention_days * 86400
    removed = []
    for dump in sorted(folder.glob(f"{BACKUP_PREFIX}*.dump")):
        if dump.stat().st_mtime < cutoff:
            dump.unlink()
            removed.append(dump.name)
    if removed:
        logger.info("removed %s backups older than %s days", len(removed), retention_days)
    return removed
