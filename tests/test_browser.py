"""A person logs in with a real Chromium and lands on their site."""

import os
import shutil

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.processes import Server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(
            "SKIPPED LOUDLY: Debian's chromium is not installed (make test installs it when run as root)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests themselves never touch
    # the database, but Django's guard would refuse the session fixtures that do.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
        # The server's tip and login counters are committed rows: later tests start without them.
        from tenants.models import RateCounter

        with django_db_blocker.unblock():
            RateCounter.objects.all().delete()


def login(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_school_admin_logs_in_and_sees_the_school_dashboard(server, browser):
    page = browser.new_page()
    login(page, f"http://alpha.{settings.DISTRICT_HOST}:{server.port}/", "alpha_admin")
    assert page.locator("h1").first.inner_text() == "本校工作台"
    assert "阿尔法小学" in page.locator(".navbar-brand").inner_text()
    page.close()


def test_a_bureau_user_logs_in_to_the_district_overview(server, browser):
    page = browser.new_page()
    login(page, f"http://{settings.DISTRICT_HOST}:{server.port}/", "bureau_staff")
    assert page.locator("h1").first.inner_text() == "全区概览"
    assert page.get_by_text("贝塔中学").count() >= 1
    page.close()


def test_switching_to_english_translates_the_page(server, browser):
    page = browser.new_page()
    page.goto(f"http://{settings.DISTRICT_HOST}:{server.port}/accounts/login/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("h1").first.inner_text() == "Log in"
    page.close()


def test_an_anonymous_tip_is_triaged_and_closed_in_the_browser(server, browser):
    """The school workspace's done-when: from an anonymous tip to a closed incident, in the pages."""
    base = f"http://alpha.{settings.DISTRICT_HOST}:{server.port}"
    tipster = browser.new_page()
    tipster.goto(f"{base}/xinxiang/")
    tipster.fill("#id_body", "午休时有同学在厕所被抢零花钱。")
    tipster.click("text=匿名提交")
    code = tipster.locator("#receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) >= 16

    staff = browser.new_page()
    login(staff, f"{base}/tips/", "alpha_admin")
    staff.locator("table a").first.click()
    staff.fill("#id_occurred_at", "2026-01-05T12:30")
    staff.fill("#id_place", "厕所")
    staff.click("button:has-text('登记为欺凌事件')")
    staff.wait_for_load_state()
    assert staff.locator("h1").first.inner_text().startswith("20")  # the new incident's code
    staff.click("button:has-text('立案调查')")
    staff.wait_for_load_state()
    staff.select_option("#id_determination", "not_bullying")
    staff.fill("#id_findings", "经调查系同学间借钱纠纷，不构成欺凌。")
    staff.click("button:has-text('保存认定')")
    staff.wait_for_load_state()
    staff.fill("#id_closing_summary", "已调解，并向举报人反馈。")
    staff.check("#id_confirmed")
    # 结案 asks first (site.js, data-confirm): dismissing keeps the case open, accepting closes it.
    questions = []
    staff.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    staff.click("button:has-text('结案')")
    assert questions == ["结案后事件不能再修改，确认结案？"]
    assert "已结案" not in staff.locator("h1").first.inner_text()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.click("button:has-text('结案')")
    staff.wait_for_load_state()
    assert "已结案" in staff.locator("h1").first.inner_text()

    tipster.goto(f"{base}/xinxiang/chaxun/")
    tipster.fill("#id_code", code)
    tipster.click("button:has-text('查询')")
    assert tipster.locator("#tip-status").inner_text() == "学校正在处理"
    for page in (tipster, staff):
        page.close()
