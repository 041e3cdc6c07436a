"""The worker's and beat's last signs of life, kept in the shared cache (which is why the cache
must be shared by every process: `doctor` checks it)."""

import time

from django.core.cache import cache

WORKER = "ops:heartbeat:worker"
BEAT = "ops:heartbeat:beat"


def mark(which: str) -> None:
    cache.set(which, time.time(), timeout=None)


def age(which: str) -> float | None:
    """Seconds since the last heartbeat, or None if there has never been one."""
    last = cache.get(which)
    return None if last is None else max(0.0, time.time() - last)
