"""The district's follow-through in a real Chromium, as the users see it: a school's missing phase
report leads to a summons with its DOCX notice; the school acknowledges and answers; an
accountability record is made with a statement and a challenge; a closed serious case is disclosed
after two sign-offs and then withdrawn. Screenshots under test-artifacts/follow-through/."""

import datetime as dt
import io
import pathlib
import time

import pytest
from django.conf import settings
from docx import Document

from tests.test_browser import browser, login, server  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.browser
SHOTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts" / "follow-through"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def submit(page, label):
    with page.expect_navigation():
        page.click(f"button:has-text('{label}')")


def test_from_a_missing_report_to_a_withdrawn_disclosure(server, browser):  # noqa: F811
    district = f"http://{settings.DISTRICT_HOST}:{server.port}"
    school = f"http://alpha.{settings.DISTRICT_HOST}:{server.port}"
    bureau = browser.new_page(accept_downloads=True)
    login(bureau, f"{district}/campaigns/new/", "bureau_admin")

    # A serious case, reported on time and closed by the school.
    head = browser.new_page()
    login(head, f"{school}/incidents/new/", "alpha_admin")
    head.select_option("#id_source", index=1)
    head.fill("#id_occurred_at", (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    head.fill("#id_place", "操场")
    head.fill("#id_summary", "课间推搡致一名学生受伤。")
    submit(head, "保存")
    shot(head, "00-incident")
    incident_url = head.url
    submit(head, "立案调查")
    told = dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    for name, role in (("欧阳晓雯", "victim"), ("司马长风", "perpetrator")):
        head.fill("#id_student_name", name)
        head.fill("#id_grade", "五年级")
        head.fill("#id_class_name", "五年级2班")
        head.select_option("#id_role", role)
        head.fill("#id_family_notified_at", told)
        submit(head, "添加当事学生")
    head.select_option("#id_determination", "bullying")
    head.locator("input[name=kinds][value=physical]").check()
    head.select_option("#id_severity", "serious")
    head.fill("#id_findings", "推搡致伤。")
    submit(head, "保存认定")
    # The closing checklist, done before the first report so that report already has the facts.
    head.select_option("#measure-party", label="司马长风（实施者）")
    head.select_option("form[action$='/measures/'] select[name=kind]", "criticism")
    submit(head, "登记措施")
    head.fill("form[action$='/support/'] input[name=provided_by]", "心理老师")
    submit(head, "登记帮扶")
    head.select_option("#id_place_category", "playground")
    head.fill("#id_account", "课间在操场发生肢体冲突，一名学生受伤，学校已启动调查。")
    submit(head, "报送区教育局")
    head.fill("#id_closing_summary", "已处理完毕。")
    head.fill("#id_follow_up_waiver", "受害学生由心理老师日常跟进，不另行安排追踪辅导。")
    head.check("#id_confirmed")
    head.once("dialog", lambda dialog: dialog.accept())
    submit(head, "结案")
    assert "已结案" in head.locator("h1").first.inner_text(), incident_url

    # A campaign whose first phase was due in 2021: every school's report is missing.
    bureau.fill("#id_name", "浏览器测试专项行动")
    bureau.fill("#id_year", "2021")
    submit(bureau, "创建")
    bureau.fill("#id_name", "宣传动员")
    bureau.fill("#id_starts_on", "2021-01-01")
    bureau.fill("#id_ends_on", "2021-02-28")
    bureau.fill("#id_report_due_on", "2021-03-05")
    submit(bureau, "添加阶段")

    # The summons, for the missing report.
    bureau.goto(f"{district}/summons/")
    bureau.select_option("#id_school_pick", label="阿尔法小学")
    submit(bureau, "下一步")
    bureau.get_by_label("阶段报告未报 · 浏览器测试专项行动·宣传动员").check()
    # The meeting is set a few seconds ahead (the field takes seconds), so the record can follow
    # it without waiting minutes; a record before the meeting time is refused (tests/test_summons.py).
    meeting = dt.datetime.now().replace(microsecond=0) + dt.timedelta(seconds=20)
    if meeting.second == 0:  # Chromium drops ":00" from the field's value, which Playwright refuses
        meeting += dt.timedelta(seconds=1)
    bureau.fill("#id_meeting_at", meeting.strftime("%Y-%m-%dT%H:%M:%S"))
    bureau.fill("#id_place", "区教育局三楼会议室")
    bureau.fill("#id_summoned_posts", "校长、政教主任")
    bureau.fill("#id_interviewers", "安监科科长")
    bureau.fill("#id_documents", "阶段工作台账")
    submit(bureau, "发出约谈通知")
    assert "已逾期" in bureau.locator("#reasons").inner_text()
    shot(bureau, "01-summons-issued")
    with bureau.expect_download() as download:
        bureau.click("#docx-link")
    text = "\n".join(
        p.text for p in Document(io.BytesIO(pathlib.Path(download.value.path()).read_bytes())).paragraphs
    )
    assert (
        "约谈通知书" in text
        and "阿尔法小学" in text
        and "区教育局三楼会议室" in text
        and "校长、政教主任" in text
    )
    summons_url = bureau.url

    # The school signs for it on its own site.
    head.goto(f"{school}/summons/")
    head.locator("#summonses a").first.click()
    head.wait_for_load_state()
    submit(head, "签收约谈通知")
    assert head.locator("#summons-state").inner_text() == "学校已签收"
    shot(head, "02-school-acknowledged")

    # After the meeting the bureau enters its record with the commitments.
    while dt.datetime.now() < meeting + dt.timedelta(seconds=1):
        time.sleep(0.5)
    bureau.goto(summons_url)
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    bureau.fill("#id_attendees", "校长 张校长\n政教主任 李主任")
    bureau.fill("#id_problems_raised", "阶段报告逾期未报，台账不全。")
    bureau.fill("#id_school_statement", "学校承认问题，立即整改。")
    bureau.fill("#id_commitments", f"补报阶段报告 | 校长 | {due}")
    submit(bureau, "保存约谈记录")
    assert bureau.locator("#summons-state").inner_text() == "已约谈"
    shot(bureau, "03-meeting-recorded")

    # The school answers with its rectification report.
    head.reload()
    head.fill("#id_report_text", "已补报阶段报告，完善台账制度。")
    head.fill("#id_evidence", "补报回执、台账目录")
    head.locator("input[name=done]").first.check()
    submit(head, "提交整改报告")
    assert head.locator("#summons-state").inner_text() == "整改报告待核查"
    shot(head, "04-school-reported")
    bureau.goto(summons_url)
    bureau.select_option("#id_accept", "1")
    bureau.fill("#id_comment", "整改到位。")
    submit(bureau, "登记核查结论")
    assert bureau.locator("#summons-state").inner_text() == "已核查办结"

    # Accountability on the summons, with the statement and a challenge.
    bureau.goto(f"{district}/accountability/")
    bureau.select_option("select[name=school]", label="阿尔法小学")
    submit(bureau, "下一步")
    bureau.select_option("#id_target", "person")
    bureau.select_option("#id_measure", "admonition")
    bureau.fill("#id_person_post", "校长")
    bureau.fill("#id_person_name", "张校长")
    bureau.fill("#id_facts", "阶段报告逾期未报，经约谈后整改。")
    bureau.fill("#id_basis", "《问责办法》第七条")
    bureau.fill("#id_deciding_body", "区教育局")
    bureau.locator("input[name=links][value^='summons:']").first.check()
    submit(bureau, "登记问责")
    bureau.fill("#id_statement", "已认识到问题，今后按时报送。")
    submit(bureau, "登记陈述申辩")
    bureau.fill("#id_grounds", "认为处理偏重，申请复核。")
    submit(bureau, "登记复核申请")
    assert bureau.locator("#record-state").inner_text() == "复核中"
    assert "张校长" in bureau.locator("#person-name").inner_text()
    shot(bureau, "05-accountability-challenged")

    # The disclosure: drafted by one member of staff, signed by two others, published, withdrawn.
    drafter = browser.new_page()
    login(drafter, f"{district}/disclosures/", "bureau_staff")
    drafter.locator("#closed-cases a").first.click()
    drafter.wait_for_load_state()
    drafter.fill("#id_title", "关于一起学生欺凌事件处置情况的说明")
    drafter.fill("#id_facts", "本月我区一所小学发生一起学生欺凌事件，一名学生受伤。")
    drafter.fill("#id_measures", "学校依规处置，开展心理辅导，对相关学生进行教育。")
    drafter.select_option("#id_accountability", index=1)
    submit(drafter, "保存草稿")
    disclosure_url = drafter.url
    reviewer = browser.new_page()
    for signer, page in (("bureau_admin", bureau), ("bureau_reviewer", reviewer)):
        if signer == "bureau_reviewer":
            login(page, disclosure_url, signer)
        else:
            page.goto(disclosure_url)
        for box in page.locator("input[name=checklist]").all():
            box.check()
        submit(page, "确认并签字")
    shot(reviewer, "06-disclosure-signed-twice")
    drafter.goto(disclosure_url)
    drafter.click("#publish")
    drafter.wait_for_load_state()
    assert drafter.locator("#disclosure-state").inner_text() == "已发布"

    public = browser.new_page()
    public.goto(f"{district}/xinxi/")
    assert "关于一起学生欺凌事件处置情况的说明" in public.content()
    shot(public, "07-public-page")
    drafter.fill("#id_reason", "经研究，依当事人家长申请撤回。")
    drafter.click("#withdraw")
    drafter.wait_for_load_state()
    public.reload()
    assert "本月我区一所小学" not in public.content() and "依当事人家长申请撤回" in public.content()
    shot(public, "08-withdrawn-notice")
    for page in (bureau, head, drafter, reviewer, public):
        page.close()
