"""Reading what was really sent to the configured broker (filesystem in `make test`, Redis in CI's
second run), without a worker to take it first."""

import queue

from district_portal.celery import app, ensure_filesystem_queue

REFRESH_TASK = "oversight.rollups.refresh_school_rollups"


def drain_refreshes() -> list[str]:
    """Take every message waiting in the configured broker's default queue (filesystem or Redis:
    whatever this run uses); return the schema each roll-up refresh among them was sent from."""
    ensure_filesystem_queue()
    schemas = []
    with app.connection_for_write() as conn:
        waiting = conn.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                message = waiting.get(block=False)
                if message.headers.get("task") == REFRESH_TASK:
                    schemas.append(message.headers.get("_schema_name"))
                message.ack()
        except queue.Empty:
            pass
        finally:
            waiting.close()
    return schemas
