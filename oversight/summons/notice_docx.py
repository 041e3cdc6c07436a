"""The 约谈通知书 as a DOCX in the layout of an official notice: title, 文号, addressee, body, the
reasons with their figures, the documents to bring, the seal line and the date."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def _font(run, size=16, bold=False, family="仿宋"):
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, family
    run.element.rPr.rFonts.set(qn("w:eastAsia"), family)


def _para(doc, text, *, size=16, bold=False, align=None, family="仿宋", indent=True):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent and align is None:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), size=size, bold=bold, family=family)
    return paragraph


def number_of(summons) -> str:
    return f"{settings.DISTRICT_NAME}{summons.number}"


def render(summons) -> bytes:
    doc = Document()
    _para(doc, settings.DISTRICT_NAME, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, family="黑体")
    _para(doc, _("约谈通知书"), size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, family="黑体")
    _para(doc, number_of(summons), align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, _("%(school)s：") % {"school": summons.school.name}, indent=False)
    meeting = timezone.localtime(summons.meeting_at)
    _para(doc, _("根据防治中小学生欺凌专项行动督查问责工作要求，经研究，决定于 %(at)s 在%(place)s对你校%(posts)s进行约谈。约谈人：%(who)s。") % {
        "at": meeting.strftime("%Y年%m月%d日 %H:%M"), "place": summons.place, "posts": "、".join(summons.summoned_posts),
        "who": summons.interviewers})  # fmt: skip
    _para(doc, _("约谈事由："))
    for i, reason in enumerate(summons.reasons.all(), 1):
        _para(doc, f"{i}. {reason.get_kind_display()}——{reason.figure}")
    if summons.documents:
        _para(doc, _("请携带以下材料：%(docs)s") % {"docs": summons.documents})
    _para(doc, _("请于 %(due)s 前在本校站点签收本通知，并按时参加约谈。") % {
        "due": timezone.localtime(summons.ack_due_at).strftime("%Y年%m月%d日 %H:%M")})  # fmt: skip
    doc.add_paragraph()
    _para(
        doc, _("（盖章）%(district)s") % {"district": settings.DISTRICT_NAME}, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    _para(doc, timezone.localtime(summons.issued_at).strftime("%Y年%m月%d日"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
