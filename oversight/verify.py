"""Recompute every school's submission chain and compare it with what is stored (both schemas)."""

from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight.chain import canonical_content, chained_hash
from oversight.models import GENESIS_HASH, PhaseSubmission
from tenants.models import School


def verify_chains() -> tuple[int, list[str]]:
    """(rows checked, problems as sentences). A check command, so it may visit every schema."""
    problems, checked = [], 0
    for school in School.objects.exclude(schema_name="public").order_by("pk"):
        rows = list(PhaseSubmission.objects.filter(school=school).order_by("id"))
        if not rows:
            continue
        expected_prev = GENESIS_HASH
        with schema_context(school.schema_name):
            from schools.models import PhaseReport

            reports = {r.pk: r for r in PhaseReport.objects.filter(pk__in=[row.report_id for row in rows])}
            for row in rows:
                checked += 1
                where = _("%(school)s 第 %(id)s 号提交（%(phase)s 第 %(v)s 版）") % {
                    "school": school.name, "id": row.pk, "phase": row.phase.name, "v": row.version}  # fmt: skip
                if row.prev_hash != expected_prev:
                    problems.append(where + _("：前一哈希与链条不符"))
                report = reports.get(row.report_id)
                if report is None or report.submitted_at is None:
                    problems.append(where + _("：学校端找不到已提交的报告"))
                    expected_prev = row.content_hash
                    continue
                recomputed = chained_hash(
                    row.prev_hash, canonical_content(school_code=school.code, report=report)
                )
                if recomputed != row.content_hash or report.content_hash != row.content_hash:
                    problems.append(where + _("：内容哈希不符，报告内容可能被篡改"))
                if (
                    report.figures != row.figures
                    or report.number != row.version
                    or report.phase_id != row.phase_id
                ):
                    problems.append(where + _("：区级汇总数据与学校报告不一致"))
                if report.submitted_at != row.submitted_at:
                    problems.append(where + _("：提交时间与学校报告不一致"))
                expected_prev = row.content_hash
    return checked, problems


def verify_serious_reports() -> tuple[int, list[str]]:
    """Recompute every school's chain of serious-case reports from the stored rows."""
    from oversight.serious_cases.models import SeriousCaseReport
    from schools.actions.serious_reports import report_hash

    problems, checked = [], 0
    expected: dict[int, str] = {}
    rows = SeriousCaseReport.objects.select_related("school", "case").order_by("school_id", "id")
    for row in rows:
        checked += 1
        where = _("%(school)s 事件 %(code)s 第 %(n)s 份报告") % {
            "school": row.school.name, "code": row.case.case_code, "n": row.number}  # fmt: skip
        if row.prev_hash != expected.get(row.school_id, GENESIS_HASH):
            problems.append(where + _("：前一哈希与链条不符"))
        if report_hash(row.prev_hash, row) != row.content_hash:
            problems.append(where + _("：内容哈希不符，报告内容可能被篡改"))
        expected[row.school_id] = row.content_hash
    return checked, problems
