"""The host → school lookup is cached, and the cache follows every change to schools and domains."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.host_lookup import school_for_host
from tenants.models import Domain, School

pytestmark = pytest.mark.django_db


def test_a_repeated_lookup_asks_the_database_once():
    school_for_host("alpha.localhost")
    with CaptureQueriesContext(connection) as queries:
        assert school_for_host("alpha.localhost").slug == "alpha"
    assert len(queries) == 0


def test_suspending_a_school_takes_effect_at_once(client_for):
    client = client_for(None, "alpha")
    assert client.get("/accounts/login/").status_code == 200  # now cached
    school = School.objects.get(slug="alpha")
    school.status = "suspended"
    school.save()
    assert client.get("/accounts/login/").status_code == 503


def test_a_renamed_domain_stops_answering_on_the_old_name(client_for):
    assert client_for(None, "alpha").get("/accounts/login/").status_code == 200
    domain = Domain.objects.get(domain="alpha.localhost")
    domain.domain = "alpha2.localhost"
    domain.save()
    assert client_for(None, "alpha").get("/accounts/login/").status_code == 404
    assert client_for(None, "alpha2").get("/accounts/login/").status_code == 200


def test_an_unknown_host_is_remembered_until_a_domain_is_added(client_for):
    assert client_for(None, "later").get("/accounts/login/").status_code == 404
    Domain.objects.create(domain="later.localhost", tenant=School.objects.get(slug="beta"), is_primary=False)
    assert client_for(None, "later").get("/accounts/login/").status_code == 200


def test_password_reset_sends_a_chinese_mail_with_a_working_link(client_for):
    from tenants.models import User

    User.objects.filter(username="alpha_admin").update(email="admin@alpha.example.cn")
    client = client_for(None, "alpha")
    response = client.post("/accounts/password-reset/", {"email": "admin@alpha.example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "重置密码"
    link = next(line for line in message.body.splitlines() if "/reset/" in line)
    path = link.split("localhost", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert "设置新密码" in response.content.decode()


def test_pages_are_chinese_even_for_an_english_browser(client_for):
    response = client_for(None, "alpha").get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_pages_forbid_inline_scripts_and_framing(client_for):
    response = client_for(None, "alpha").get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client_for):
    client = client_for(None, "alpha")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alpha_admin", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "alpha_admin", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "登录失败次数过多，已暂时锁定" in response.content.decode()
    assert client.get("/").status_code == 302  # still not logged in
    other = client_for(None, "alpha").post(
        "/accounts/login/", {"username": "alpha_gate", "password": "correct-horse-battery"}
    )
    assert other.status_code == 302  # another account is unaffected
