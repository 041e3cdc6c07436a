"""The login lock-out holds at every door where a password is checked — the site's login and the
Django admin's — per account and per client, and the client is who the trusted proxy says it is."""

import pytest
from django.test import override_settings

from tenants import login_guard
from tenants.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = User.objects.get(username="bureau_admin")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _admin_login(client, username, password, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **extra)


def test_the_admin_login_locks_a_superuser_after_repeated_wrong_passwords(client_for, superuser):
    client = client_for(None)
    for _ in range(login_guard.MAX_FAILURES_PER_ACCOUNT):
        assert _admin_login(client, "bureau_admin", "wrong").status_code == 200
    response = _admin_login(client, "bureau_admin", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多，已暂时锁定" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_failures_on_the_site_login_lock_the_admin_login_too(client_for, superuser):
    for _ in range(login_guard.MAX_FAILURES_PER_ACCOUNT):
        client_for(None).post("/accounts/login/", {"username": "bureau_admin", "password": "wrong"})
    response = _admin_login(client_for(None), "bureau_admin", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert "登录失败次数过多，已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_client_guessing_across_accounts_is_locked_out_and_other_clients_are_not(client_for):
    guesser = {"REMOTE_ADDR": "10.1.1.1"}
    users = ["alpha_admin", "alpha_moral", "alpha_counsellor", "alpha_gate", "alpha_head_teacher"]
    for attempt in range(login_guard.MAX_FAILURES_PER_CLIENT):
        client_for(None, "alpha").post(
            "/accounts/login/", {"username": users[attempt % len(users)], "password": "wrong"}, **guesser
        )
    # No single account reached its own limit, yet the client is locked, for every account.
    locked = client_for(None, "alpha").post(
        "/accounts/login/", {"username": "beta_admin", "password": PASSWORD}, **guesser
    )
    assert "登录失败次数过多，已暂时锁定" in locked.content.decode()
    admin = _admin_login(client_for(None), "bureau_admin", PASSWORD, **guesser)
    assert "登录失败次数过多，已暂时锁定" in admin.content.decode()
    other = client_for(None, "beta").post(
        "/accounts/login/", {"username": "beta_admin", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert other.status_code == 302


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_a_trusted_proxy_the_forwarded_client_is_locked_not_the_proxy(client_for):
    proxy = "10.0.0.1"
    users = ["alpha_admin", "alpha_moral", "alpha_counsellor", "alpha_gate"]
    for attempt in range(login_guard.MAX_FAILURES_PER_CLIENT):
        # The guesser forges a left-hand entry each time; only the proxy's own entry counts.
        client_for(None, "alpha").post(
            "/accounts/login/",
            {"username": users[attempt % len(users)], "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
        )
    again = client_for(None, "beta").post(
        "/accounts/login/",
        {"username": "beta_admin", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    assert "登录失败次数过多，已暂时锁定" in again.content.decode()
    neighbour = client_for(None, "beta").post(
        "/accounts/login/",
        {"username": "beta_admin", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert neighbour.status_code == 302


def test_a_locked_attempt_does_not_extend_the_lock_nor_count_as_a_guess(client_for):
    client = client_for(None, "alpha")
    for _ in range(login_guard.MAX_FAILURES_PER_ACCOUNT):
        client.post("/accounts/login/", {"username": "alpha_gate", "password": "wrong"})
    first = login_guard.seconds_locked("alpha_gate")
    client.post("/accounts/login/", {"username": "alpha_gate", "password": "wrong"})
    assert 0 < login_guard.seconds_locked("alpha_gate") <= first


def test_expired_lock_out_windows_are_purged_and_live_ones_kept(client_for):
    import datetime as dt

    from django.utils import timezone

    from tenants.models import RateCounter
    from tenants.tasks import purge_expired_counters

    client_for(None, "alpha").post("/accounts/login/", {"username": "alpha_gate", "password": "wrong"})
    live = set(RateCounter.objects.values_list("key", flat=True))
    RateCounter.objects.create(
        key="login-fail:account:old", count=3, expires_at=timezone.now() - dt.timedelta(1)
    )
    assert purge_expired_counters() == 1
    assert set(RateCounter.objects.values_list("key", flat=True)) == live
