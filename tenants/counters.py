"""Atomic fixed-window counters and lock-outs, shared by the login guard and the public throttles.

Each bump is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on a row of the public schema, so
parallel requests from many processes can never both read the same count (the file cache's
`add` + `incr` could: 12 parallel tips were all stored against a limit of 5). Keys carry only
hashes, never an address or a name."""

import hashlib
import math

from django.conf import settings
from django.db import connection

_TABLE = "public.tenants_ratecounter"


def hashed(*parts: str) -> str:
    return hashlib.sha256(":".join([settings.SECRET_KEY, *parts]).encode()).hexdigest()[:24]


def hit(key: str, window_seconds: int) -> tuple[int, int]:
    """Count one event in the window that `key` is in; returns (count so far, seconds until the
    window ends). An expired window restarts at 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_TABLE} AS c (key, count, expires_at)
            VALUES (%s, 1, now() + make_interval(secs => %s))
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
                expires_at = CASE WHEN c.expires_at <= now() THEN EXCLUDED.expires_at
                                  ELSE c.expires_at END
            RETURNING count, EXTRACT(EPOCH FROM (expires_at - now()))
            """,
            [key, window_seconds],
        )
        count, remaining = cursor.fetchone()
    return count, max(1, math.ceil(remaining))


def lock(key: str, seconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_TABLE} AS c (key, count, expires_at)
            VALUES (%s, 1, now() + make_interval(secs => %s))
            ON CONFLICT (key) DO UPDATE SET count = c.count + 1, expires_at = EXCLUDED.expires_at
            """,
            [key, seconds],
        )


def seconds_left(keys: list[str]) -> int:
    """The longest time any of these windows or locks still runs; 0 when none does."""
    if not keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(EXTRACT(EPOCH FROM (expires_at - now()))) FROM {_TABLE} "
            "WHERE key = ANY(%s) AND expires_at > now()",
            [list(keys)],
        )
        (remaining,) = cursor.fetchone()
    return math.ceil(remaining) if remaining else 0


def forget(key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE key = %s", [key])


def purge_expired() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE expires_at <= now()")
        return cursor.rowcount


def client_address(request) -> str:
    """The client's address. Behind `TRUSTED_PROXY_HOPS` reverse proxies it is the entry of
    X-Forwarded-For that the outermost trusted proxy appended; anything further left was written
    by the client and is not believed."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    return forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
