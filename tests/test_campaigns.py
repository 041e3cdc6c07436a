"""Campaigns through the pages: the bureau sets up seed 004's phases and a monthly campaign with
no code; schools fill and submit their reports; review, matrix, heatmap data, exports."""

import datetime as dt
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django_tenants.utils import tenant_context
from docx import Document
from openpyxl import load_workbook

from oversight.models import Campaign, PhaseSubmission
from schools.models import PhaseReport
from tests.campaign_helpers import SEED_004, at, school, seed_campaign, server_clock, submit

pytestmark = pytest.mark.django_db


def test_the_bureau_sets_up_seed_004_and_a_monthly_campaign_through_the_pages(client_for):
    bureau = client_for("bureau_admin")
    response = bureau.post("/campaigns/new/", {"name": "防范校园欺凌专项行动", "year": 2022, "scope": "all"})
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="防范校园欺凌专项行动", year=2022)
    for name, start, end, due in SEED_004:
        response = bureau.post(f"/campaigns/{campaign.pk}/phases/", {
            "name": name, "starts_on": start, "ends_on": end, "report_due_on": due, "grace_days": 0})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
    assert list(campaign.phases.values_list("title", "report_due_on")) == [
        (n, d) for n, _s, _e, d in SEED_004
    ]

    # A phase with a custom report template, as JSON, validated.
    bad = bureau.post(f"/campaigns/{campaign.pk}/phases/", {
        "name": "补充", "starts_on": "2022-08-01", "ends_on": "2022-08-31", "report_due_on": "2022-07-01",
        "grace_days": 0, "report_template": '{"figures": ["nonsense"], "sections": []}'})  # fmt: skip
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "无法识别的统计项：nonsense" in page
    assert campaign.phases.count() == 4

    bureau.post(
        "/campaigns/new/", {"name": "校园欺凌防治月报", "year": 2023, "scope": "kinds", "kinds": ["junior"]}
    )
    monthly = Campaign.objects.get(name="校园欺凌防治月报")
    response = bureau.post(f"/campaigns/{monthly.pk}/monthly/", {"first_month": "2023-09-01", "months": 10,
                                                                 "due_day": 10, "grace_days": 0})  # fmt: skip
    assert response.status_code == 302
    assert monthly.phases.count() == 10
    assert monthly.phases.get(order=4).report_due_on == dt.date(2024, 1, 10)

    # Schools and inspectors cannot set campaigns up.
    assert (
        client_for("inspector_alpha")
        .post("/campaigns/new/", {"name": "x", "year": 2022, "scope": "all"})
        .status_code
        == 403
    )
    assert client_for("alpha_admin").get("/campaigns/").status_code == 403


def test_a_school_fills_and_submits_through_its_pages_and_the_client_cannot_set_the_time(client_for):
    campaign = seed_campaign()
    phase = campaign.phases.get(order=4)
    admin = client_for("alpha_admin", "alpha")
    with server_clock(at(dt.date(2022, 7, 20))):  # after the 15 July due date: late by the server's clock
        assert admin.post(f"/reports/phase/{phase.pk}/").status_code == 302
        with tenant_context(school("alpha")):
            report = PhaseReport.objects.get(phase=phase)
        page = admin.get(f"/reports/{report.pk}/").content.decode()
        assert "系统统计数" in page and "主要工作及成效" in page
        form = {f"figure_{k}": v for k, v in report.figures.items()}
        bad = admin.post(
            f"/reports/{report.pk}/save/", {**form, "figure_surveys": "-3", "version": report.version}
        )
        assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
        response = admin.post(f"/reports/{report.pk}/save/", {
            **form, "section_work": "开展法治讲座两次。", "version": report.version, "then": "submit",
            "submitted_at": "2022-07-01T08:00:00+08:00",  # a client's claim is ignored
        })  # fmt: skip
        assert response.status_code == 302
    submission = PhaseSubmission.objects.get(school=school("alpha"), phase=phase)
    assert submission.submitted_at == at(dt.date(2022, 7, 20))
    page = admin.get(f"/reports/{report.pk}/").content.decode()
    assert "已于" in page and "提交并锁定" in page
    # A head teacher may not submit; a locked report cannot be saved.
    assert client_for("alpha_head_teacher", "alpha").get("/reports/").status_code == 403
    again = admin.post(
        f"/reports/{report.pk}/save/", {**form, "section_work": "改", "version": report.version + 1}
    )
    assert again.status_code == 400 and "已提交并锁定" in again.content.decode()

    # The district sees it late, reviews it, and compares versions side by side.
    bureau = client_for("bureau_staff")
    matrix = bureau.get(f"/campaigns/{campaign.pk}/?view=table").content.decode()
    assert "逾期提交" in matrix and f"/submissions/{submission.pk}/" in matrix
    refused = bureau.post(f"/submissions/{submission.pk}/return/", {"comment": ""})
    assert refused.status_code == 400 and "必须填写审核意见" in refused.content.decode()
    assert bureau.post(f"/submissions/{submission.pk}/return/", {"comment": "请补充图片"}).status_code == 302
    with server_clock(at(dt.date(2022, 7, 25))):
        assert admin.post(f"/reports/phase/{phase.pk}/").status_code == 302
        with tenant_context(school("alpha")):
            v2 = PhaseReport.objects.get(phase=phase, number=2)
        assert admin.post(f"/reports/{v2.pk}/save/", {**form, "section_work": "开展法治讲座两次，附图片。",
                                                     "version": v2.version, "then": "submit"}).status_code == 302  # fmt: skip
    compare = admin.get(f"/reports/phase/{phase.pk}/compare/?a=1&b=2").content.decode()
    assert "开展法治讲座两次。" in compare and "开展法治讲座两次，附图片。" in compare
    second = PhaseSubmission.objects.get(phase=phase, version=2)
    district_compare = bureau.get(f"/submissions/{second.pk}/?compare={submission.pk}").content.decode()
    assert "第 1 版与第 2 版对比" in district_compare
    assert "附图片" not in district_compare  # narratives never reach the district

    summary = admin.get(f"/reports/summary/{campaign.pk}.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(summary.content)).paragraphs)
    assert "阿尔法小学2022年防范校园欺凌专项行动（测试）工作总结" in text and "附图片" in text


def test_the_progress_page_draws_a_heatmap_from_json_and_serves_plotly_itself(client_for):
    campaign = seed_campaign()
    submit("alpha", campaign.phases.get(order=1), at(dt.date(2022, 3, 1)))
    page = client_for("bureau_staff").get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "<script>" not in page.replace('<script type="application/json"', "")  # no inline script (CSP)
    data = json.loads(
        re.search(r'<script id="progress-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["x"] == ["宣传动员", "排查摸底", "全面整治", "检查总结"]
    assert set(data["y"]) == {"阿尔法小学", "贝塔中学"}
    alpha_row = data["y"].index("阿尔法小学")
    assert data["z"][alpha_row][0] == 3 and data["links"][alpha_row][0].startswith("/submissions/")
    # Hashed once collectstatic has run (as `serve` does), plain before.
    assert re.search(r"/static/plotly/plotly\.min(\.[0-9a-f]{12})?\.js", page)
    assert finders.find("plotly/plotly.min.js").endswith("plotly/package_data/plotly.min.js")
    script = client_for(None).get("/static/plotly/plotly.min.js")
    assert script.status_code == 200 and b"plotly" in b"".join(script.streaming_content)[:2000].lower()


def test_the_campaign_exports_to_xlsx(client_for):
    campaign = seed_campaign()
    submit("alpha", campaign.phases.get(order=1), at(dt.date(2022, 3, 1)))
    response = client_for("bureau_staff").get(f"/campaigns/{campaign.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["进度汇总", "学校×阶段", "报送数据"]
    summary = book["进度汇总"]
    assert [c.value for c in summary[4]][:5] == ["宣传动员", "2022-03-05", 2, 1, 1]
    figures = book["报送数据"]
    assert figures["A2"].value == "阿尔法小学" and figures["B2"].value == "宣传动员"


def test_the_api_sets_up_campaigns_and_reports_with_the_same_rules(client_for):
    bureau = client_for("bureau_admin")
    response = bureau.post(
        "/api/v1/campaigns/", {"name": "月报", "year": 2023}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    campaign_id = response.json()["id"]
    response = bureau.post(f"/api/v1/campaigns/{campaign_id}/monthly/", {"first_month": "2023-01-01", "months": 2},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()[0]["report_due_on"] == "2023-02-10"
    bad = bureau.post(f"/api/v1/campaigns/{campaign_id}/phases/", {
        "name": "x", "starts_on": "2023-05-01", "ends_on": "2023-05-31", "report_due_on": "2023-06-10",
        "report_template": {"figures": ["surveys"], "sections": [{"key": "Bad Key", "title": ""}]}},
        content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert client_for("inspector_alpha").post("/api/v1/campaigns/", {"name": "x", "year": 2023},
                                              content_type="application/json").status_code == 403  # fmt: skip
    jan = Campaign.objects.get(pk=campaign_id).phases.get(order=1)

    school_api = client_for("alpha_admin", "alpha")
    with server_clock(at(dt.date(2023, 2, 3))):
        report = school_api.post(
            "/api/v1/reports/", {"phase": jan.pk}, content_type="application/json"
        ).json()
        bad = school_api.post(f"/api/v1/reports/{report['id']}/save/", {"figures": {"surveys": "abc"},
                              "version": report["version"]}, content_type="application/json")  # fmt: skip
        assert bad.status_code == 400 and "应填写整数" in bad.json()["message"]
        school_api.post(f"/api/v1/reports/{report['id']}/save/", {"sections": {"work": "开展月度排查。"},
                        "version": report["version"]}, content_type="application/json")  # fmt: skip
        done = school_api.post(f"/api/v1/reports/{report['id']}/submit/", {"submitted_at": "2023-01-01T00:00:00Z"},
                               content_type="application/json")  # fmt: skip
        assert done.status_code == 200, done.content
        again = school_api.post(f"/api/v1/reports/{report['id']}/submit/", content_type="application/json")
    assert again.status_code == 400 and "不能重复提交" in again.json()["message"]
    submission_id = done.json()["submission"]["id"]
    assert PhaseSubmission.objects.get(pk=submission_id).submitted_at == at(dt.date(2023, 2, 3))

    refused = bureau.post(f"/api/v1/submissions/{submission_id}/return/", {}, content_type="application/json")
    assert refused.status_code == 400 and "必须填写审核意见" in refused.json()["message"]
    progress = bureau.get(f"/api/v1/campaigns/{campaign_id}/progress/").json()
    assert progress["phases"][0]["submitted"] == 1 and progress["phases"][0]["on_time"] == 1


def test_extensions_and_exemptions_through_the_api_are_counted_apart(client_for):
    from oversight.models import PhaseExemption, PhaseExtension
    from tenants.models import School
    from tests.campaign_helpers import seed_campaign

    campaign = seed_campaign()
    phase = campaign.phases.get(order=1)
    alpha, beta = School.objects.get(slug="alpha"), School.objects.get(slug="beta")
    bureau = client_for("bureau_staff")

    def post(path, data):
        return bureau.post(f"/api/v1/phases/{phase.pk}/{path}/", data, content_type="application/json")

    later = (phase.report_due_on + dt.timedelta(days=10)).isoformat()
    assert post("extend", {"school": alpha.pk, "due_on": later, "reason": "疫情停课"}).status_code == 201
    assert post("exempt", {"school": beta.pk, "reason": ""}).status_code == 400
    assert post("exempt", {"school": beta.pk, "reason": "学校撤并"}).status_code == 201
    assert post("exempt", {"school": beta.pk, "reason": "再次"}).status_code == 400
    assert PhaseExtension.objects.filter(phase=phase, school=alpha).count() == 1
    assert PhaseExemption.objects.filter(phase=phase, school=beta).count() == 1
    inspector = client_for("inspector_alpha").post(
        f"/api/v1/phases/{phase.pk}/exempt/",
        {"school": alpha.pk, "reason": "x"},
        content_type="application/json",
    )
    assert inspector.status_code == 403
