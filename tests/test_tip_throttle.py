"""The public mailbox's rate limit holds under parallel requests to the real server (the counter is
an atomic database row, not the file cache's add-then-incr), a throttled tip gets 429 with
Retry-After from the page and the API alike, and the endpoint takes JSON only."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from schools.models import Tip
from tenants.models import RateCounter, School
from tests.processes import Server

TIP = {"body": "我看到三年级有同学在厕所被人抢零花钱。", "happened_where": "厕所", "happened_when": "上周"}


def _tip_ids(django_db_blocker) -> set[int]:
    with django_db_blocker.unblock(), tenant_context(School.objects.get(slug="alpha")):
        return set(Tip.objects.values_list("pk", flat=True))


@pytest.fixture
def server(django_db_setup, django_db_blocker):
    # Tips that other real-server tests committed before this one are theirs: leave them be.
    running = Server()
    running.tips_before = _tip_ids(django_db_blocker)
    try:
        running.wait_ready(settings.DISTRICT_HOST)
        yield running
    finally:
        running.stop()
        # The server committed for real (this test holds no rolled-back transaction): take its
        # tips and counters away again.
        with django_db_blocker.unblock():
            with tenant_context(School.objects.get(slug="alpha")):
                Tip.objects.exclude(pk__in=running.tips_before).delete()
            connection.set_schema_to_public()
            RateCounter.objects.all().delete()


def _post_tip(port: int) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/public/tips/",
        data=json.dumps(TIP).encode(),
        headers={"Host": f"alpha.{settings.DISTRICT_HOST}:{port}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_twelve_parallel_tips_from_one_client_store_no_more_than_the_limit(server, django_db_blocker):
    start = threading.Barrier(12)
    answers = []

    def send():
        start.wait()
        answers.append(_post_tip(server.port))

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _headers in answers)
    assert statuses == [201] * 5 + [429] * 7
    assert all(int(headers["Retry-After"]) > 0 for status, headers in answers if status == 429)
    assert len(_tip_ids(django_db_blocker) - server.tips_before) == 5


@pytest.mark.django_db
def test_a_throttled_tip_gets_429_with_retry_after_on_the_page_as_in_the_api(client_for):
    page = client_for(None, "alpha")
    for _ in range(5):
        assert page.post("/xinxiang/", TIP).status_code == 200
    refused = page.post("/xinxiang/", TIP)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "提交太频繁" in refused.content.decode()
    # The API counts the same allowance for the same client.
    api = client_for(None, "alpha").post("/api/v1/public/tips/", TIP, content_type="application/json")
    assert api.status_code == 429 and int(api["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_public_tip_api_refuses_a_cross_site_form_post(client_for):
    alpha = School.objects.get(slug="alpha")
    client = client_for(None, "alpha")
    for path, data in (("/api/v1/public/tips/", TIP), ("/api/v1/public/tips/lookup/", {"code": "X"})):
        # What a form on another site can send without a preflight.
        response = client.post(path, data, HTTP_ORIGIN="https://evil.example", enctype="multipart/form-data")
        assert response.status_code == 415, path
        urlencoded = client.generic(
            "POST", path, "body=x", content_type="application/x-www-form-urlencoded",
            HTTP_ORIGIN="https://evil.example",
        )  # fmt: skip
        assert urlencoded.status_code == 415, path
        assert "不支持" in urlencoded.json()["message"]
    with tenant_context(alpha):
        assert not Tip.objects.exists()
