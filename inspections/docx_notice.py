"""整改通知书 as a Word document in the official layout: the issuing body's title, the reference
number, the school addressed, the items with the school's measures and the re-check, the deadline,
and the signature block."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor


def _font(run, size, *, bold=False, name="宋体", color=None):
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # CJK text takes the East Asian font
    if color:
        run.font.color.rgb = color


def _para(doc, text, size=16, *, align=None, bold=False, name="仿宋", indent=False, color=None):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), size, bold=bold, name=name, color=color)
    return paragraph


def render(notice) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    red = RGBColor(0xC0, 0x00, 0x00)
    _para(
        doc,
        settings.DISTRICT_NAME,
        26,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        name="方正小标宋简体",
        color=red,
    )
    _para(doc, _("督整字%(number)s号") % {"number": notice.number}, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, _("责任督学挂牌督导整改通知书"), 22, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, name="黑体")
    _para(doc, f"{notice.school.name}：", 16)
    _para(doc, _(
        "根据责任督学挂牌督导工作安排，%(date)s对你校防治学生欺凌工作进行了%(kind)s，发现以下问题，"
        "请你校认真整改，于%(due)s前将整改措施和佐证材料报责任督学，责任督学将于收到答复后复查。"
    ) % {"date": notice.visit.visited_on.strftime("%Y年%m月%d日"), "kind": notice.visit.get_kind_display(),
         "due": notice.due_on.strftime("%Y年%m月%d日")}, 16, indent=True)  # fmt: skip
    items = list(notice.notice_items.order_by("order"))
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, [_("序号"), _("整改事项"), _("整改措施及佐证"), _("复查情况")], strict=True
    ):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(title), 12, bold=True, name="黑体")
    for item in items:
        cells = table.add_row().cells
        answer = "\n".join(t for t in (item.measures, item.evidence) if t)
        recheck = f"{item.get_state_display()}{('：' + item.recheck_note) if item.recheck_note else ''}"
        for cell, text in zip(cells, [str(item.order), item.text, answer or "—", recheck], strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 12, name="仿宋")
    _para(doc, "")
    _para(doc, _("整改期限：%(due)s") % {"due": notice.due_on.strftime("%Y年%m月%d日")}, 16, indent=True)
    _para(doc, _("责任督学：%(name)s") % {"name": notice.issued_by}, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, settings.DISTRICT_NAME, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, notice.issued_on.strftime("%Y年%m月%d日"), 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
