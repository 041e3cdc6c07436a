"""Smoke test: the real web server, started as `make run` starts it, answers on each host name."""

import pytest
from django.conf import settings

from tests.processes import Server, fetch

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    running = Server()
    try:
        running.wait_ready(settings.DISTRICT_HOST)
        yield running
    finally:
        running.stop()


def test_the_district_login_page_is_served_on_the_district_host(server):
    status, body = fetch(server.port, settings.DISTRICT_HOST, "/accounts/login/")
    assert status == 200
    assert "工作人员及责任督学登录" in body


def test_a_school_login_page_is_served_on_the_school_host(server):
    status, body = fetch(server.port, f"alpha.{settings.DISTRICT_HOST}", "/accounts/login/")
    assert status == 200
    assert "阿尔法小学 工作人员登录" in body


def test_an_unknown_host_gets_404_from_the_real_server(server):
    status, body = fetch(server.port, f"nosuch.{settings.DISTRICT_HOST}", "/")
    assert status == 404
    assert "未找到该站点" in body


def test_static_assets_are_served_by_the_app_itself(server):
    for path in ["/static/bootstrap/css/bootstrap.min.css", "/static/django_htmx/htmx-2.min.js"]:
        status, _ = fetch(server.port, settings.DISTRICT_HOST, path)
        assert status == 200, path
