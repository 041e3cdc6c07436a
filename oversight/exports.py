"""The campaign's progress table and every submitted figure, as one XLSX workbook."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from oversight.models import PhaseSubmission
from oversight.progress import LATE, MISSING, ON_TIME
from oversight.reporting import FIGURES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
FILLS = {ON_TIME: "C6EFCE", LATE: "FFEB9C", MISSING: "FFC7CE"}


def _header(sheet, row: int, values) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=str(value))
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def campaign_xlsx(progress) -> Workbook:
    campaign = progress.campaign
    book = Workbook()
    summary = book.active
    summary.title = _("进度汇总")
    summary["A1"] = f"{campaign.year} {campaign.name} · " + _("阶段报告进度（%(at)s）") % {
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    summary["A1"].font = Font(bold=True, size=14)
    columns = [_("阶段"), _("截止日期"), _("应报"), _("已报"), _("按时"), _("逾期"), _("缺报"), _("未到期"),
               _("退回"), _("通过"), _("待审核"), _("免报"), _("延期"), _("完整率%"), _("及时率%")]  # fmt: skip
    _header(summary, 3, columns)
    rows = [(p.name, p.report_due_on.isoformat(), t) for p, t in progress.phase_rows()]
    rows.append((_("合计"), "", progress.total))
    for offset, (name, due, t) in enumerate(rows, start=4):
        values = [name, due, t.expected, t.submitted, t.on_time, t.late, t.missing, t.pending, t.returned,
                  t.accepted, t.awaiting_review, t.exempted, t.extended, t.completeness, t.timeliness]  # fmt: skip
        for column, value in enumerate(values, start=1):
            summary.cell(row=offset, column=column, value=value)
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 12

    matrix = book.create_sheet(_("学校×阶段"))
    _header(matrix, 1, [_("学校")] + [p.name for p in progress.phases])
    matrix.column_dimensions["A"].width = 24
    for row, (school, cells) in enumerate(progress.rows(), start=2):
        matrix.cell(row=row, column=1, value=school.name)
        for column, cell in enumerate(cells, start=2):
            target = matrix.cell(row=row, column=column, value=cell.label)
            if cell.state in FILLS:
                target.fill = PatternFill("solid", fgColor=FILLS[cell.state])
    for column in range(2, len(progress.phases) + 2):
        matrix.column_dimensions[get_column_letter(column)].width = 18

    figures = book.create_sheet(_("报送数据"))
    keys = []
    for phase in progress.phases:
        keys += [k for k in phase.figure_keys() if k not in keys]
    _header(
        figures, 1, [_("学校"), _("阶段"), _("版本"), _("状态"), _("提交时间")] + [FIGURES[k] for k in keys]
    )
    submissions = PhaseSubmission.objects.filter(phase__in=progress.phases, school__in=progress.schools).select_related(
        "school", "phase").order_by("school__name", "phase__order", "version")  # fmt: skip
    for row, s in enumerate(submissions, start=2):
        values = [s.school.name, s.phase.name, s.version, s.get_status_display(),
                  timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M")] + [s.figures.get(k) for k in keys]  # fmt: skip
        for column, value in enumerate(values, start=1):
            figures.cell(row=row, column=column, value=value)
    figures.column_dimensions["A"].width = 24
    return book
