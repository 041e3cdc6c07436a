"""Rate limits for the public pages. The client key is a salted hash of the address, kept only in
the cache for the length of the window — it is never written to the database."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def _client(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:16]


def allow(request, scope: str, *, per_client: int, per_school: int, window: int = 3600) -> bool:
    """Count one attempt; False once this client or this school has used up the window's allowance."""
    bucket = int(time.time() // window)
    keys = [
        f"throttle:{connection.schema_name}:{scope}:{bucket}:client:{_client(request)}",
        f"throttle:{connection.schema_name}:{scope}:{bucket}:school",
    ]
    limits = [per_client, per_school]
    for key, limit in zip(keys, limits, strict=True):
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        if count > limit:
            return False
    return True
