"""The 责任督学 on a phone (390×844, one hand, 44 px targets), in a real Chromium against the real
server: plan and log a visit with the checklist and photos, raise a notice from the failed items,
the school answers it on its own site, the inspector re-checks and closes it, the district sees
coverage; and a visit form sent while the network is gone arrives exactly once when it is back.

Screenshots go to test-artifacts/. What these tests write through the server is removed afterwards,
so the rest of the suite starts from the same district."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from tests import test_browser
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# The browser and the server of tests/test_browser.py, shared.
browser = test_browser.browser
server = test_browser.server

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Everything the journeys may create, children first.
CREATED = [
    ("inspections", "NoticeItem"), ("inspections", "RectificationNotice"), ("inspections", "VisitAnswer"),
    ("inspections", "VisitPhoto"), ("inspections", "VisitPlan"), ("inspections", "Visit"),
    ("tenants", "AuditEvent"),
]  # fmt: skip


@pytest.fixture(scope="module")
def clean_afterwards(django_db_setup, django_db_blocker):
    from django.apps import apps
    from django.db import connections
    from django_tenants.utils import schema_context

    from schools.models import Notice
    from tenants.models import School

    def high_water():
        marks = {name: apps.get_model(app, name).objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                 for app, name in CREATED}  # fmt: skip
        with schema_context(School.objects.get(slug="alpha").schema_name):
            marks["Notice"] = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return marks

    with django_db_blocker.unblock():
        marks = high_water()
    yield
    with django_db_blocker.unblock():
        from inspections.models import VisitPlan

        VisitPlan.objects.filter(pk__gt=marks["VisitPlan"]).update(visit=None)
        for app, name in CREATED:
            apps.get_model(app, name).objects.filter(pk__gt=marks[name]).delete()
        with schema_context(School.objects.get(slug="alpha").schema_name):
            Notice.objects.filter(pk__gt=marks["Notice"]).delete()
        # Outside the db fixture nobody closes this connection, and the test database cannot be
        # dropped at the end of the session while it is open.
        connections.close_all()


def district(server):
    return f"http://{settings.DISTRICT_HOST}:{server.port}"


def alpha(server):
    return f"http://alpha.{settings.DISTRICT_HOST}:{server.port}"


def phone(browser):
    context = browser.new_context(**PHONE)
    return context, context.new_page()


def login(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inspector-{name}.png"), full_page=True)


def small_targets(page) -> list[str]:
    """Controls in the page's main part (and its tabs) smaller than 44 px tall, and any sideways scroll."""
    return page.evaluate("""() => {
      const bad = [];
      const sel = 'main button, main .btn, main select, main input[type=text], main input[type=date],' +
                  ' main input[type=number], main input[type=file], main textarea, main .form-check,' +
                  ' main .answer-choices label, .nav-pills .nav-link';
      for (const el of document.querySelectorAll(sel)) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // hidden (a closed <details>)
        if (box.height < 43.5) bad.push(`${el.tagName}.${el.className} "${(el.innerText||el.name||'').trim().slice(0,20)}" ${Math.round(box.height)}px`);
      }
      if (document.documentElement.scrollWidth > window.innerWidth + 1) bad.push('sideways scroll ' + document.documentElement.scrollWidth);
      return bad;
    }""")


def photo_file(tmp_path, name="site.jpg") -> str:
    path = tmp_path / name
    Image.new("RGB", (3000, 2000), (40, 120, 200)).save(path, format="JPEG")
    return str(path)


def count(model_name, **filters):
    from django.apps import apps

    return apps.get_model("inspections", model_name).objects.filter(**filters).count()


def test_an_inspector_closes_the_loop_on_a_phone(
    server, browser, clean_afterwards, tmp_path, django_db_blocker
):
    context, page = phone(browser)
    login(page, f"{district(server)}/inspections/me/", "inspector_alpha")
    assert page.locator("h1").first.inner_text() == "我的督导"
    # plan a visit for today, then file its record from the plan
    page.select_option("#id_school", label="阿尔法小学")
    page.fill("#id_planned_on", timezone.localdate().isoformat())
    page.select_option("#id_kind", "routine")
    page.click("button:has-text('添加督导计划')")
    page.wait_for_load_state()
    assert small_targets(page) == []
    shot(page, "1-home-with-plan")
    page.click("#plans a:has-text('填报记录')")
    page.wait_for_load_state()
    assert page.locator("#visit-form").count() == 1
    page.fill("#id_duration_minutes", "90")
    page.check("text=查阅资料")
    page.check("text=实地查看")
    page.click("#item-leadership label:has-text('是')")
    page.click("#item-video label:has-text('否')")
    page.fill("#item-video input[type=text]", "厕所外走廊无监控")
    page.fill("#item-ledger input[name^=answer]", "4")
    page.fill("#id_summary", "查阅排查台账，实地查看厕所、楼梯口等重点部位。")
    page.set_input_files("#id_photos", [photo_file(tmp_path), photo_file(tmp_path, "b.jpg")])
    assert small_targets(page) == []
    shot(page, "2-visit-form")
    with page.expect_navigation():
        page.click("button:has-text('填报')")
    assert "/inspections/" in page.url and page.locator("#visit-score").count() == 1
    assert page.locator("img[alt='现场照片']").count() == 2
    # raise the notice from the failed items (they come pre-ticked)
    assert page.locator("#notice-form input[name=answer_ids]:checked").count() == 2
    with page.expect_navigation():
        page.click("#notice-form button:has-text('下达')")
    assert page.locator(".notice-item").count() == 2
    assert small_targets(page) == []
    shot(page, "3-notice-raised")
    visit_url = page.url

    # the school answers on its own site
    school_context, school = phone(browser)
    login(school, f"{alpha(server)}/", "alpha_admin")
    assert school.locator("#panel-notices").count() == 1
    school.click("#panel-notices .list-group-item a")
    school.wait_for_load_state()
    for n in range(2):
        form = school.locator("form.answer-form").first
        form.locator("textarea[name$=measures]").fill(f"第{n + 1}项已整改：加装监控、补核台账。")
        form.locator("textarea[name$=evidence]").fill("验收单和核查记录存安全办备查。")
        with school.expect_navigation():
            form.locator("button").click()
    assert school.locator(".notice-status").inner_text() == "学校已答复，待复查"
    shot(school, "4-school-answered")

    # the inspector re-checks item by item and the notice closes
    page.goto(visit_url)
    for _ in range(2):
        form = page.locator("form.recheck-form").first
        form.locator("label:has-text('整改到位，销号')").click()
        form.locator("textarea").fill("现场复查，整改到位。")
        with page.expect_navigation():
            form.locator("button").click()
    assert page.locator(".notice-status").inner_text() == "已复查销号"
    assert small_targets(page) == []
    shot(page, "5-closed")

    # the district sees coverage
    bureau_context, bureau = phone(browser)
    login(bureau, f"{district(server)}/dashboard/", "bureau_staff")
    bureau.wait_for_selector("#chart-coverage .main-svg")
    row = bureau.locator("#table-coverage tr", has_text="inspector_alpha").inner_text()
    assert "0 / 1" in row  # her one school: one visit this semester of the two required
    bureau.locator("#card-coverage").scroll_into_view_if_needed()
    shot(bureau, "6-district-coverage")
    with django_db_blocker.unblock():
        assert count("RectificationNotice", status="closed", school__slug="alpha") >= 1
    for ctx in (context, school_context, bureau_context):
        ctx.close()


def test_a_visit_sent_offline_arrives_exactly_once(server, browser, clean_afterwards, django_db_blocker):
    with django_db_blocker.unblock():
        before = count("Visit")
    context, page = phone(browser)
    login(page, f"{district(server)}/inspections/new/", "inspector_alpha")
    page.select_option("#id_school", label="阿尔法小学")
    page.fill("#id_summary", "离线填写：检查宿舍夜间巡查记录。")
    page.click("#item-patrols label:has-text('部分')")
    # the draft survives a reload (local storage, per school and visit)
    page.reload()
    assert page.input_value("#id_summary") == "离线填写：检查宿舍夜间巡查记录。"
    assert page.locator("#item-patrols input[value=partly]").is_checked()
    context.set_offline(True)
    page.click("button:has-text('填报')")
    page.click("button:has-text('填报')")  # an impatient second tap while offline
    page.wait_for_selector(".draft-status:has-text('网络未连接')")
    shot(page, "7-offline")
    with django_db_blocker.unblock():
        assert count("Visit") == before
    with page.expect_navigation(url="**/inspections/*/"):
        context.set_offline(False)
    assert "离线填写" in page.locator("main").inner_text()
    shot(page, "8-arrived-once")
    with django_db_blocker.unblock():
        assert count("Visit") == before + 1
        assert count("Visit", summary="离线填写：检查宿舍夜间巡查记录。") == 1
    # the draft is gone once filed: a new form starts empty
    page.goto(f"{district(server)}/inspections/new/")
    assert page.input_value("#id_summary") == ""
    context.close()
