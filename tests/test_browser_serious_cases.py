"""The done-when of issue 12, in a real Chromium: a serious case goes from the school's incident to
the district's register with its first report, a 续报 and a closing report; an appeal is decided;
the flags show on the dashboard. Screenshots under test-artifacts/."""

import datetime as dt
import pathlib

import pytest
from django.conf import settings

from tests.test_browser import browser, login, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serious-{name}.png"), full_page=True)


def report(page, account, kind=None):
    if kind:
        page.select_option("#serious-report #id_kind", kind)
    page.select_option("#serious-report #id_place_category", "playground")
    page.fill("#serious-report #id_account", account)
    page.click("#serious-report button:has-text('报送区教育局')")
    page.wait_for_load_state()


def submit(page, button):
    with page.expect_navigation():
        page.click(button)


def add_party(page, name, role):
    page.fill("#id_student_name", name)
    page.fill("#id_grade", "五年级")
    page.fill("#id_class_name", "五年级2班")
    page.select_option("#id_role", role)
    page.fill("#id_family_notified_at", dt.datetime.now().strftime("%Y-%m-%dT%H:%M"))
    submit(page, "button:has-text('添加当事学生')")


def test_a_serious_case_is_reported_up_appealed_and_flagged(server, browser):  # noqa: F811
    school_base = f"http://alpha.{settings.DISTRICT_HOST}:{server.port}"
    district_base = f"http://{settings.DISTRICT_HOST}:{server.port}"
    school = browser.new_page()
    login(school, f"{school_base}/incidents/new/", "alpha_admin")
    school.select_option("#id_source", "teacher")
    school.fill("#id_occurred_at", (dt.datetime.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    school.fill("#id_place", "操场")
    school.fill("#id_summary", "课间多名学生围殴一名学生，致其受伤。")
    school.click("main button:has-text('保存')")
    school.wait_for_load_state()
    code = school.locator("h1").first.inner_text().split()[0]
    school.click("button:has-text('立案调查')")
    school.wait_for_load_state()
    school.select_option("#id_determination", "bullying")
    school.check("#id_kinds_0")
    school.select_option("#id_severity", "serious")
    school.fill("#id_findings", "经调查属实，情节严重。")
    school.click("button:has-text('保存认定')")
    school.wait_for_load_state()
    assert "该事件须在规定时限内向区教育局报送首报" in school.content()
    # Who was involved, each family told the same day, and help for the pupil who was hurt.
    add_party(school, "欧阳晓雯", "victim")
    add_party(school, "司马长风", "perpetrator")
    school.fill("form[action$='/support/'] input[name=provided_by]", "心理老师")
    submit(school, "button:has-text('登记帮扶')")

    # A report naming a pupil is refused with the span masked, and nothing is filed.
    report(school, "受害学生电话 13912345678，已送医。")
    assert "手机号码" in school.content() and "139******78" in school.content()
    report(school, "课间在操场发生肢体冲突，一名学生受伤，已送医并通知家长。")
    assert school.locator("#serious-report").get_by_text("首报").count() >= 1
    shot(school, "1-first-report")
    # The measure decided after the first report changes the reported facts: a 续报 is due.
    school.select_option("#measure-party", label="司马长风（实施者）")
    school.select_option("form[action$='/measures/'] select[name=kind]", "punish_general")
    submit(school, "button:has-text('登记措施')")
    report(school, "对实施者予以教育惩戒；受伤学生已出院返校，心理老师跟进辅导。", kind="follow_up")
    school.fill("#id_closing_summary", "处置完毕，家长认可。")
    school.fill("#id_follow_up_waiver", "受害学生由心理老师日常跟进，不另行安排追踪辅导。")
    school.check("#id_confirmed")
    school.once("dialog", lambda dialog: dialog.accept())
    submit(school, "button:has-text('结案')")
    assert "已结案" in school.locator("h1").first.inner_text()
    report(school, "事件处置完毕，已结案。", kind="closing")
    timeline = school.locator("#serious-report").inner_text()
    assert "首报" in timeline and "续报" in timeline and "结案报告" in timeline
    shot(school, "2-school-timeline")

    district = browser.new_page()
    login(district, f"{district_base}/serious-cases/", "bureau_staff")
    assert code in district.locator("#serious-register").inner_text()
    # A case the district learned of from the media, never reported by the school: 漏报 at once.
    district.locator("details summary").click()
    district.select_option("#id_school", label="阿尔法小学")
    district.select_option("#id_source", "media")
    district.fill("#id_source_detail", "本地公众号")
    district.fill("#id_learned_at", (dt.datetime.now() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    district.fill("#id_occurred_on", (dt.date.today() - dt.timedelta(days=3)).isoformat())
    district.click("button:has-text('登记')")
    district.wait_for_load_state()
    assert "漏报" in district.locator("#serious-register").inner_text()
    shot(district, "3-district-register")
    district.get_by_role("link", name=code).click()
    district.wait_for_load_state()
    assert district.locator("#timeline li").count() >= 5
    shot(district, "4-district-timeline")

    district.goto(f"{district_base}/appeals/")
    district.select_option("#id_school", label="阿尔法小学")
    district.fill("#id_case_code", code)
    district.select_option("#id_channel", "letter")
    district.fill("#id_grounds", "家长认为处置过轻，请求复查。")
    district.click("button:has-text('受理')")
    district.wait_for_load_state()
    district.select_option("#id_state", "changed")
    district.fill("#id_reasons", "处置措施不足，责令学校补充教育惩戒。")
    district.click("button:has-text('登记复查结果')")
    district.wait_for_load_state()
    assert "变更" in district.locator("h1").inner_text()
    shot(district, "5-appeal-decided")

    school.goto(f"{school_base}/appeals/")
    school.fill("textarea[name=response]", "已补充教育惩戒并告知家长。")
    school.click("button:has-text('登记整改情况')")
    school.wait_for_load_state()
    assert "已补充教育惩戒并告知家长" in school.content()

    district.goto(f"{district_base}/dashboard/")
    assert int(district.locator("#tile-serious-missing").inner_text()) >= 1
    assert district.locator("#chart-serious-flags .main-svg").count() >= 1
    shot(district, "6-dashboard-flags")
    for page in (school, district):
        page.close()
