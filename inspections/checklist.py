"""The default checklist (督导检查表 v1): the school duties the seeds name, each with how it is answered.

A district revises it on its page (a new version each time); visits keep the version they used."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inspections.models import AnswerType, YesNo

# (code, text, answer type, points, expected number)
DEFAULT_ITEMS = [
    (
        "leadership",
        gettext_noop("防治欺凌工作领导小组（委员会）已成立并定期开会"),
        AnswerType.YES_NO,
        10,
        None,
    ),
    ("published", gettext_noop("责任人、举报电话和举报信箱已公示"), AnswerType.YES_NO, 5, None),
    ("ledger", gettext_noop("排查台账建立并逐项核实整改"), AnswerType.SCORE, 10, None),
    ("survey", gettext_noop("本学期已开展全校问卷调查"), AnswerType.YES_NO, 5, None),
    ("class_meetings", gettext_noop("抽查班级本学期主题班会次数"), AnswerType.NUMBER, 5, 2),
    (
        "patrols",
        gettext_noop("重点部位、重点时段巡查到位（厕所、宿舍、食堂、走廊、晚自习、放学后）"),
        AnswerType.YES_NO,
        10,
        None,
    ),
    ("video", gettext_noop("重点部位视频监控覆盖"), AnswerType.YES_NO, 5, None),
    ("dorm_gate", gettext_noop("宿舍和门卫管理（含出入登记）"), AnswerType.YES_NO, 5, None),
    ("edu_1530", gettext_noop("“1530”安全教育落实"), AnswerType.YES_NO, 5, None),
    ("convention", gettext_noop("反欺凌公约已制定并宣传"), AnswerType.YES_NO, 5, None),
    ("legal_vp", gettext_noop("法治副校长履职（法治进校园）"), AnswerType.YES_NO, 5, None),
    ("counselling", gettext_noop("心理辅导室和心理辅导可用"), AnswerType.YES_NO, 5, None),
    ("procedure", gettext_noop("欺凌事件按程序调查、认定和处置"), AnswerType.SCORE, 10, None),
    ("serious_reported", gettext_noop("严重欺凌事件及时上报"), AnswerType.YES_NO, 10, None),
    ("notes", gettext_noop("其他情况"), AnswerType.TEXT, 0, None),
]


def score_answer(item, raw, evidence: str = "") -> dict:
    """One checklist answer from the form or the API, checked against its item's answer type: the
    answer's fields, its points and whether it failed. A ValidationError keyed by item otherwise."""
    field = f"answer-{item.pk}"
    raw = "" if raw is None else str(raw).strip()
    values = {"choice": "", "number": None, "text": "", "evidence_note": (evidence or "").strip()}
    if raw == "":
        return {**values, "points": None, "failed": False, "empty": True}
    kind = item.answer_type
    if kind == AnswerType.YES_NO:
        if raw not in YesNo.values:
            raise ValidationError(
                {field: _("“%(item)s”的答案只能是“是”“部分”或“否”。") % {"item": item.text}}
            )
        points = {YesNo.YES: item.points, YesNo.PARTLY: item.points // 2, YesNo.NO: 0}[raw]
        return {**values, "choice": raw, "points": points, "failed": raw != YesNo.YES, "empty": False}
    if kind in (AnswerType.SCORE, AnswerType.NUMBER):
        if not raw.isdigit():
            raise ValidationError({field: _("“%(item)s”的答案应为不小于 0 的整数。") % {"item": item.text}})
        number = int(raw)
        if kind == AnswerType.SCORE:
            if number > item.points:
                raise ValidationError({field: _("“%(item)s”的得分不能超过满分 %(max)s 分。") % {
                    "item": item.text, "max": item.points}})  # fmt: skip
            # Below 60% of the points is a fail (the usual pass line of a graded check).
            return {**values, "points": number, "failed": number * 10 < item.points * 6, "empty": False}
        met = item.expected is None or number >= item.expected
        return {
            **values,
            "number": number,
            "points": item.points if met else 0,
            "failed": not met,
            "empty": False,
        }
    return {**values, "text": raw, "points": None, "failed": False, "empty": False}
