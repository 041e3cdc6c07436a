"""Re-running a whole transaction that PostgreSQL chose as a deadlock victim.

A deadlock rolls the victim back entirely, so running the same function again is safe when the
function is one complete transaction (a durable action or a task) that reads its inputs afresh.
Lock order is what keeps deadlocks away; this is the net for the rare one that remains."""

import functools
import logging
import time

from django.db import OperationalError, connection

log = logging.getLogger(__name__)

DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"
ATTEMPTS = 3


def _retryable(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in (DEADLOCK, SERIALIZATION_FAILURE)


def retry_on_deadlock(function):
    """Run `function` (a whole transaction) again, up to ATTEMPTS times, when it was a deadlock's victim."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                # Inside an outer transaction a retry would run on a broken one: let it rise.
                if attempt == ATTEMPTS or connection.in_atomic_block or not _retryable(error):
                    raise
                log.warning(
                    "%s was a deadlock victim (attempt %s); running it again", function.__name__, attempt
                )
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    return wrapper
