"""A school's phase report: prefilled figures, reasons for changes, submit → locked, hashed and
chained, a de-identified row in public; review; every refusal the issue names."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import tenant_context

from oversight import actions as district
from oversight.chain import canonical_content, chained_hash
from oversight.models import GENESIS_HASH, PhaseSubmission
from schools.actions import reports
from schools.models import Activity, ActivityKind, Hazard, Notice, PhaseReport
from tests.campaign_helpers import at, school, seed_campaign, server_clock, submit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return seed_campaign()


@pytest.fixture
def phases(campaign):
    return list(campaign.phases.order_by("order"))


def test_figures_are_prefilled_from_the_schools_records_in_the_window(phases):
    alpha = school("alpha")
    with tenant_context(alpha):
        Activity.objects.create(
            held_on=dt.date(2022, 3, 10), kind=ActivityKind.SURVEY, title="问卷", participants=800
        )
        Activity.objects.create(held_on=dt.date(2022, 3, 11), kind=ActivityKind.PATROL, title="巡查")
        Activity.objects.create(held_on=dt.date(2022, 3, 12), kind=ActivityKind.CLASS_MEETING, title="班会",
                                participants=45)  # fmt: skip
        Activity.objects.create(held_on=dt.date(2022, 4, 2), kind=ActivityKind.SURVEY, title="窗口之外")
        Activity.objects.create(held_on=dt.date(2022, 3, 13), kind=ActivityKind.SURVEY, title="作废",
                                voided_at=at(dt.date(2022, 3, 14)), voided_reason="重复")  # fmt: skip
        Hazard.objects.create(found_on=dt.date(2022, 3, 8), place="toilet", risk_kind="盲区", method="site_check",
                              found_by="政教处", description="无监控", responsible="总务处", deadline=dt.date(2022, 3, 20),
                              status="fixed", fixed_on=dt.date(2022, 3, 18))  # fmt: skip
        with server_clock(at(dt.date(2022, 3, 20))):
            report = reports.start_report(acting_user=user("alpha_admin"), phase=phases[1])
    assert report.prefilled["surveys"] == 1
    assert report.prefilled["patrols"] == 1
    assert report.prefilled["activity_class_meeting"] == 1
    assert report.prefilled["activity_participants"] == 45
    assert report.prefilled["hazards_found"] == 1 and report.prefilled["hazards_fixed"] == 1
    assert report.figures == report.prefilled


def test_submit_locks_hashes_chains_and_sends_only_figures_up(phases):
    first = submit("alpha", phases[0], at(dt.date(2022, 3, 1)), sections={"work": "学生张三已转介心理辅导。"})
    second = submit("alpha", phases[1], at(dt.date(2022, 4, 1)))
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.content_hash
    assert first.submitted_at == at(dt.date(2022, 3, 1))
    assert first.status == "submitted" and first.version == 1
    # Nothing narrative reaches the public schema.
    row = PhaseSubmission.objects.filter(pk=first.pk).values()[0]
    assert "张三" not in str(row)
    with tenant_context(school("alpha")):
        report = PhaseReport.objects.get(pk=first.report_id)
        assert report.is_locked and report.sections["work"] == "学生张三已转介心理辅导。"
        assert report.content_hash == chained_hash(GENESIS_HASH, canonical_content(school_code="3299000001",
                                                                                     report=report))  # fmt: skip
        # Editing a locked report is refused.
        with pytest.raises(ValidationError, match="已提交并锁定"):
            reports.save_draft(
                expected_version=report.version,
                acting_user=user("alpha_admin"),
                report=report,
                figures={},
                reasons={},
                sections={},
            )
        # Submitting it again is refused with a clear message, and no duplicate row appears.
        with pytest.raises(ValidationError, match="不能重复提交"):
            reports.submit_report(acting_user=user("alpha_admin"), report=report)
        # Asking for a new draft while the report is under review is refused too.
        with server_clock(at(dt.date(2022, 3, 2))), pytest.raises(ValidationError, match="已提交"):
            reports.start_report(acting_user=user("alpha_admin"), phase=phases[0])
    assert PhaseSubmission.objects.filter(school=school("alpha"), phase=phases[0]).count() == 1


def test_a_changed_figure_needs_a_reason_and_bad_figures_are_refused(phases):
    with server_clock(at(dt.date(2022, 3, 20))), tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phases[1])
        for raw, message in (
            ("-1", "不能为负数"),
            ("三", "应填写整数"),
            ("1.5", "应填写整数"),
            ("", "应填写整数"),
        ):
            with pytest.raises(ValidationError, match=message) as error:
                reports.save_draft(expected_version=report.version, acting_user=user("alpha_admin"), report=report, figures={"surveys": raw},
                                   reasons={"surveys": "补录"}, sections={})  # fmt: skip
            assert "figure_surveys" in error.value.message_dict
        with pytest.raises(ValidationError, match="请说明修改原因") as error:
            reports.save_draft(expected_version=report.version, acting_user=user("alpha_admin"), report=report, figures={"surveys": "2"},
                               reasons={}, sections={})  # fmt: skip
        assert "reason_surveys" in error.value.message_dict
        report = reports.save_draft(expected_version=report.version, acting_user=user("alpha_admin"), report=report, figures={"surveys": "2"},
                                    reasons={"surveys": "纸质问卷未录入系统"}, sections={"work": "已开展排查。"})  # fmt: skip
        assert report.figures["surveys"] == 2 and report.overrides == {"surveys": "纸质问卷未录入系统"}
        submission = reports.submit_report(acting_user=user("alpha_admin"), report=report)
    assert submission.figures["surveys"] == 2 and submission.overridden == ["surveys"]


def test_a_required_section_must_be_written(phases):
    with server_clock(at(dt.date(2022, 3, 20))), tenant_context(school("alpha")):
        report = reports.start_report(acting_user=user("alpha_admin"), phase=phases[1])
        with pytest.raises(ValidationError, match="主要工作及成效"):
            reports.submit_report(acting_user=user("alpha_admin"), report=report)
    assert not PhaseSubmission.objects.exists()


def test_outside_the_window_is_refused_unless_an_extension_was_granted(phases):
    phase = phases[3]  # 检查总结: 1–31 July, due 15 July, late reports accepted until 4 August
    with pytest.raises(ValidationError, match="才开放填报"):
        submit("alpha", phase, at(dt.date(2022, 6, 30)))
    with pytest.raises(ValidationError, match="逾期须经区教育局批准延期"):
        submit("alpha", phase, at(dt.date(2022, 8, 5)))
    assert not PhaseSubmission.objects.exists()
    district.grant_extension(acting_user=user("bureau_staff"), phase=phase, school=school("alpha"),
                             due_on=dt.date(2022, 8, 10), reason="校舍维修，资料整理延后")  # fmt: skip
    submission = submit("alpha", phase, at(dt.date(2022, 8, 9)))
    assert submission.submitted_at == at(dt.date(2022, 8, 9))


def test_an_exempted_school_cannot_submit(phases):
    district.grant_exemption(acting_user=user("bureau_staff"), phase=phases[0], school=school("beta"),
                             reason="新建校区，本阶段尚未招生")  # fmt: skip
    with pytest.raises(ValidationError, match="免报"):
        submit("beta", phases[0], at(dt.date(2022, 2, 1)))


def test_review_accept_or_return_with_a_comment_and_resubmit_as_a_new_version(phases):
    submission = submit("alpha", phases[0], at(dt.date(2022, 3, 1)))
    with pytest.raises(ValidationError, match="必须填写审核意见"):
        district.return_submission(acting_user=user("bureau_staff"), submission=submission, comment="  ")
    submission.refresh_from_db()
    assert submission.status == "submitted"

    district.return_submission(
        acting_user=user("bureau_staff"), submission=submission, comment="请补充问卷数据"
    )
    with tenant_context(school("alpha")):
        notices = list(
            Notice.objects.filter(title__contains="退回").values_list("recipient__username", "body")
        )
    assert notices == [("alpha_admin", "审核意见：请补充问卷数据。请修改后重新提交。")]
    with pytest.raises(ValidationError, match="不能再审核"):
        district.accept_submission(acting_user=user("bureau_staff"), submission=submission)

    resubmitted = submit("alpha", phases[0], at(dt.date(2022, 3, 8)), sections={"work": "已补充问卷数据。"})
    assert resubmitted.version == 2 and resubmitted.prev_hash == submission.content_hash
    district.accept_submission(acting_user=user("bureau_staff"), submission=resubmitted)
    with tenant_context(school("alpha")):
        versions = list(PhaseReport.objects.filter(phase=phases[0]).order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].previous_id == versions[0].pk
    assert versions[0].sections["work"] != versions[1].sections["work"]  # both versions kept
    assert list(PhaseSubmission.objects.filter(phase=phases[0]).values_list("version", "status")) == [
        (1, "returned"), (2, "accepted")]  # fmt: skip


def test_the_public_unique_constraint_refuses_a_duplicate_that_slips_past_the_checks(phases):
    submission = submit("alpha", phases[0], at(dt.date(2022, 3, 1)))
    with tenant_context(school("alpha")):
        report = PhaseReport.objects.get(pk=submission.report_id)
        # A racing request that read the draft before the first one locked it holds a stale copy:
        PhaseReport.objects.filter(pk=report.pk).update(
            submitted_at=None
        )  # pretend the lock was not yet seen
        with server_clock(at(dt.date(2022, 3, 1))), pytest.raises(ValidationError, match="不能重复提交"):
            reports.submit_report(acting_user=user("alpha_admin"), report=report)
    assert PhaseSubmission.objects.filter(phase=phases[0]).count() == 1


def test_verify_submissions_catches_a_tampered_public_row_and_a_tampered_report(phases, capsys):
    first = submit("alpha", phases[0], at(dt.date(2022, 3, 1)))
    submit("alpha", phases[1], at(dt.date(2022, 4, 1)))
    submit("beta", phases[0], at(dt.date(2022, 3, 2)))
    call_command("verify_submissions")
    assert "哈希链完整" in capsys.readouterr().out

    PhaseSubmission.objects.filter(pk=first.pk).update(figures={**first.figures, "surveys": 99})
    with pytest.raises(CommandError, match="发现 1 处异常"):
        call_command("verify_submissions")
    assert "区级汇总数据与学校报告不一致" in capsys.readouterr().err
    PhaseSubmission.objects.filter(pk=first.pk).update(figures=first.figures)

    with tenant_context(school("alpha")):
        PhaseReport.objects.filter(pk=first.report_id).update(sections={"work": "改过的内容"})
    with pytest.raises(CommandError):
        call_command("verify_submissions")
    assert "内容哈希不符" in capsys.readouterr().err
    connection.set_schema_to_public()
