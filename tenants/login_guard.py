"""Login lock-out: after repeated failures an account is locked for a while, and so is a client
that keeps guessing across accounts.

The lock is enforced by the authentication backend (`LockoutBackend`, the password check of
AUTHENTICATION_BACKENDS), so every door that checks a password — the site login, the Django admin
login, anything calling `authenticate()` — refuses a locked account or client before any password
is checked. Counters are atomic database rows (`tenants.counters`)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from tenants import counters

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60

log = logging.getLogger(__name__)


def _account_key(username: str) -> str:
    normalized = get_user_model().normalize_username(username or "").lower()
    return "login-fail:account:" + counters.hashed("account", normalized)


def _client_key(request) -> str | None:
    if request is None:
        return None
    return "login-fail:client:" + counters.hashed("client", counters.client_address(request))


def _lock_key(key: str) -> str:
    return key.replace("login-fail:", "login-lock:", 1)


def seconds_locked(username: str, request=None) -> int:
    """How long this account (or this client) must still wait; 0 when it may try."""
    keys = [_lock_key(k) for k in (_account_key(username), _client_key(request)) if k]
    return counters.seconds_left(keys)


def _count(key: str, limit: int) -> None:
    failures, _ = counters.hit(key, WINDOW_SECONDS)
    if failures >= limit:
        counters.lock(_lock_key(key), LOCK_SECONDS)
        counters.forget(key)
        log.warning("login locked after %s failures (%s)", failures, key.split(":")[1])


class LockoutBackend(ModelBackend):
    """The password check of `ModelBackend`, refused outright for a locked account or client
    (PermissionDenied also ends Django's walk through any further backends). Marks the request so
    that the login forms can say why."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        wait = seconds_locked(username or "", request)
        if wait:
            if request is not None:
                request.login_locked_for = wait
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "login_locked_for", 0):
        return  # refused by the lock without a password check: not another guess
    _count(_account_key(credentials.get("username", "")), MAX_FAILURES_PER_ACCOUNT)
    client = _client_key(request)
    if client:
        _count(client, MAX_FAILURES_PER_CLIENT)


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    counters.forget(_account_key(user.get_username()))
