"""Spreadsheets a school hands to the district or an inspector, in the layouts they already know."""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from schools.workflows.hazard import OPEN_STATUSES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)

# (header, column width, wraps long text)
HAZARD_COLUMNS = (
    (gettext_lazy("序号"), 6, False),
    (gettext_lazy("发现日期"), 12, False),
    (gettext_lazy("重点部位"), 11, False),
    (gettext_lazy("隐患类型"), 16, True),
    (gettext_lazy("排查方式"), 10, False),
    (gettext_lazy("发现人"), 10, False),
    (gettext_lazy("隐患描述"), 36, True),
    (gettext_lazy("整改措施"), 30, True),
    (gettext_lazy("责任人"), 10, False),
    (gettext_lazy("整改期限"), 12, False),
    (gettext_lazy("整改状态"), 10, False),
    (gettext_lazy("完成日期"), 12, False),
)


def _text(cell, value: str) -> None:
    """A user's text stays text: never a formula, never a character Excel refuses."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    cell.data_type = "s"


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def hazard_ledger_xlsx(school_name: str, hazards, *, today) -> Workbook:
    """The 台账 layout: a title row, one bold header row, one bordered row per entry."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("排查台账")
    width = len(HAZARD_COLUMNS)
    last = get_column_letter(width)

    sheet.merge_cells(f"A1:{last}1")
    title = sheet["A1"]
    _text(title, _("%(school)s校园欺凌隐患排查台账") % {"school": school_name})
    title.font = Font(bold=True, size=16)
    title.alignment = CENTRE
    sheet.row_dimensions[1].height = 32

    for column, (header, column_width, _wraps) in enumerate(HAZARD_COLUMNS, start=1):
        cell = sheet.cell(row=2, column=column)
        _text(cell, str(header))
        cell.font = Font(bold=True)
        cell.alignment = CENTRE
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.row_dimensions[2].height = 22

    overdue_font = Font(color="C00000", bold=True)
    for number, hazard in enumerate(hazards, start=1):
        row = number + 2
        values = (
            number, _date(hazard.found_on), hazard.get_place_display(), hazard.risk_kind,
            hazard.get_method_display(), hazard.found_by, hazard.description, hazard.measure,
            hazard.responsible, _date(hazard.deadline), hazard.get_status_display(), _date(hazard.fixed_on),
        )  # fmt: skip
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, int):
                cell.value = value
            else:
                _text(cell, str(value))
            cell.border = BORDER
            cell.alignment = WRAP if HAZARD_COLUMNS[column - 1][2] else CENTRE
        if hazard.status in OPEN_STATUSES and hazard.deadline < today:
            for column in (10, 11):  # the deadline and the status of an overdue entry stand out
                sheet.cell(row=row, column=column).font = overdue_font

    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
