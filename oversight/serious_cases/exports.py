"""The register as the bureau sends it up to the city: one row per case, its reports and flags."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from oversight.exports import _header
from schools.models import BullyingKind, IncidentSeverity


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def register_xlsx(views, district_name: str) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = _("严重欺凌事件报送台账")
    sheet["A1"] = _("%(district)s严重欺凌事件报送情况统计表（%(at)s）") % {
        "district": district_name, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    sheet["A1"].font = Font(bold=True, size=14)
    columns = [_("序号"), _("学校"), _("事件编号"), _("发生日期"), _("欺凌类型"), _("严重程度"), _("当事人"), _("公安介入"),
               _("就医"), _("舆情"), _("学校知悉时间"), _("首报截止"), _("首报时间"), _("续报次数"), _("结案报告时间"),
               _("标记"), _("标记原因")]  # fmt: skip
    _header(sheet, 3, columns)
    for row, view in enumerate(views, start=4):
        case, reports = view.case, view.reports
        latest = reports[-1] if reports else None
        first = next((r for r in reports if r.kind == "first"), None)
        closing = next((r for r in reports if r.kind == "closing"), None)
        school = case.school if case else view.external[0].school
        parties = "；".join(f"{p['grade']}{p['count']}人" for p in latest.parties) if latest else ""
        values = [
            row - 3, school.name, case.case_code if case else _("（其他渠道获知）"),
            (case.occurred_on if case else view.external[0].occurred_on).isoformat(),
            "、".join(str(BullyingKind(k).label) for k in latest.kinds if k in BullyingKind.values) if latest else "",
            str(IncidentSeverity(latest.severity).label) if latest and latest.severity in IncidentSeverity.values else "",
            parties, (_("是") if latest.police_involved else _("否")) if latest else "",
            (_("是") if latest.medical_treatment else _("否")) if latest else "",
            latest.get_public_attention_display() if latest else "",
            _local(case.first_known_at) if case else "", _local(case.report_due_at) if case else "",
            _local(first.filed_at) if first else "", sum(1 for r in reports if r.kind == "follow_up"),
            _local(closing.filed_at) if closing else "",
            "、".join(str(flag.label) for flag in view.flags), "\n".join(flag.reason for flag in view.flags),
        ]  # fmt: skip
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    for letter, width in zip(
        "ABCDEFGHIJKLMNOPQ", (6, 22, 14, 12, 16, 18, 18, 8, 6, 10, 17, 17, 17, 8, 17, 16, 60), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    return book
