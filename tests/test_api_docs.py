"""The API docs page (/api/docs/) on the district host and on every school host: served by the app
itself (no CDN, intranets have no internet), and working under our Content-Security-Policy."""

import os
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.processes import Server

SITES = [None, "alpha", "beta"]  # the district, and two schools


class Assets(HTMLParser):
    """Every script, stylesheet and icon a page loads, and whether any script is inline."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            else:
                self._in_script = True
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def same_origin_path(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SITES)
def test_the_docs_page_loads_only_our_own_assets(client_for, slug):
    client = client_for(None, slug)  # public, like /api/schema/
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )

    page = Assets()
    page.feed(response.content.decode())
    assert page.inline_scripts == 0, "an inline script would be blocked by script-src 'self'"
    assert page.urls, "the page loads nothing?"
    foreign = [url for url in page.urls if not same_origin_path(url)]
    assert foreign == [], f"assets from another origin: {foreign}"

    scripts = [url for url in page.urls if ".js" in url or "script" in url]
    # swagger-ui-bundle.js, or its hashed name once collectstatic has run (as `serve` does)
    assert any(re.search(r"swagger-ui-bundle(\.[0-9a-f]{12})?\.js", url) for url in scripts)
    assert any(url.startswith("/api/docs/?") and "script" in url for url in scripts), scripts
    for url in page.urls:
        asset = client.get(url)
        assert asset.status_code == 200, (url, asset.status_code)
        if url in scripts:
            assert "javascript" in asset["Content-Type"], (url, asset["Content-Type"])

    init = client.get("/api/docs/?script=")
    body = init.content.decode()
    assert "SwaggerUIBundle(" in body
    assert '"/api/schema/"' in body  # this site's own schema


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SITES)
def test_the_schema_the_docs_page_reads_is_served(client_for, slug):
    response = client_for(None, slug).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert ("/api/v1/schools/" in paths) == (slug is None)
    assert ("/api/v1/incidents/" in paths) == (slug is not None)


# --- in a real browser: Swagger UI actually starts under the CSP ---------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(
            "SKIPPED LOUDLY: Debian's chromium is not installed (make test installs it when run as root)"
        )
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    running = Server()
    try:
        running.wait_ready(settings.DISTRICT_HOST)
        yield running
    finally:
        running.stop()


@pytest.mark.browser
@pytest.mark.parametrize("slug", [None, "alpha"])
def test_swagger_ui_starts_under_the_content_security_policy(server, browser, slug):
    origin = f"http://{settings.DISTRICT_HOST if slug is None else f'{slug}.{settings.DISTRICT_HOST}'}:{server.port}"
    page = browser.new_page()
    problems, requested = [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{origin}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)  # the operations are listed
    assert (
        page.locator(".swagger-ui .info .title")
        .first.inner_text()
        .startswith("District anti-bullying oversight API")
    )
    path = "/api/v1/schools/" if slug is None else "/api/v1/incidents/"
    assert page.get_by_text(path, exact=True).count() >= 1
    page.close()
    assert problems == [], problems  # a CSP refusal shows up here as a console error
    assert [url for url in requested if not url.startswith(origin + "/")] == []
