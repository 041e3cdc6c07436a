"""Login throttling: after repeated failures an account is locked for a while, and so is a client
that keeps guessing across accounts. Counters live in the shared cache only."""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60

log = logging.getLogger(__name__)


def _account_key(username: str) -> str:
    normalized = get_user_model().normalize_username(username or "").lower()
    return "login-fail:account:" + hashlib.sha256(normalized.encode()).hexdigest()[:24]


def _client_key(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    return "login-fail:client:" + hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def _lock_key(key: str) -> str:
    return key.replace("login-fail:", "login-lock:", 1)


def seconds_locked(username: str, request=None) -> int:
    """How long this account (or this client) must still wait; 0 when it may try."""
    now = time.time()
    waits = []
    for key in (_account_key(username), _client_key(request)):
        if key:
            until = cache.get(_lock_key(key))
            if until:
                waits.append(int(until - now))
    return max([w for w in waits if w > 0], default=0)


def _count(key: str, limit: int) -> None:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        failures = 1
    if failures >= limit:
        cache.set(_lock_key(key), time.time() + LOCK_SECONDS, LOCK_SECONDS)
        cache.delete(key)
        log.warning("login locked after %s failures (%s)", failures, key.split(":")[1])


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    _count(_account_key(credentials.get("username", "")), MAX_FAILURES_PER_ACCOUNT)
    client = _client_key(request)
    if client:
        _count(client, MAX_FAILURES_PER_CLIENT)


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    cache.delete(_account_key(user.get_username()))
