"""What a phase report can ask for: the catalogue of figures and the shape of a report template.

A phase's `report_template` is JSON:
    {"figures": ["surveys", "hazards_found", ...],          # keys from FIGURES, in display order
     "sections": [{"key": "work", "title": "主要工作", "required": true}, ...]}
Figures are de-identified counts that travel to the district; sections are narrative text that
stays in the school's schema. Phases are data: a district changes the template, not the code."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# key -> label. Every figure is a non-negative whole number prefilled from the school's records.
FIGURES: dict[str, object] = {
    "activity_class_meeting": gettext_lazy("主题班会（次）"),
    "activity_lecture": gettext_lazy("专题讲座（次）"),
    "activity_flag_speech": gettext_lazy("国旗下讲话（次）"),
    "activity_parent_meeting": gettext_lazy("家长会（次）"),
    "activity_staff_training": gettext_lazy("教职工培训（次）"),
    "activity_law_on_campus": gettext_lazy("法治进校园（次）"),
    "activity_safety_1530": gettext_lazy("1530 安全教育（次）"),
    "activity_participants": gettext_lazy("宣传教育参与人次"),
    "surveys": gettext_lazy("问卷调查（次）"),
    "patrols": gettext_lazy("巡查（次）"),
    "hazards_found": gettext_lazy("排查发现隐患（条）"),
    "hazards_fixed": gettext_lazy("完成整改隐患（条）"),
    "incidents_opened": gettext_lazy("立案调查事件（起）"),
    "incidents_closed": gettext_lazy("结案事件（起）"),
    "incidents_minor": gettext_lazy("其中：情节轻微的一般欺凌（起）"),
    "incidents_repeated": gettext_lazy("其中：反复发生的一般欺凌（起）"),
    "incidents_serious": gettext_lazy("其中：严重欺凌（起）"),
    "incidents_egregious": gettext_lazy("其中：屡教不改或情节恶劣（起）"),
    "incidents_criminal": gettext_lazy("其中：违反治安管理或涉嫌犯罪（起）"),
    "care_entries": gettext_lazy("重点关注学生（人）"),
}

DEFAULT_SECTIONS = [
    {"key": "work", "title": "主要工作及成效", "required": True},
    {"key": "problems", "title": "存在问题", "required": False},
    {"key": "next_steps", "title": "下一步工作打算", "required": False},
]


def default_template() -> dict:
    return {"figures": list(FIGURES), "sections": [dict(s) for s in DEFAULT_SECTIONS]}


SECTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIGURE = 10_000_000


def template_problems(template) -> list[str]:
    """Every problem with a report template, as translated sentences ([] when it is valid)."""
    if not isinstance(template, dict):
        return [_("报告模板应为 JSON 对象，包含 figures 和 sections 两项。")]
    problems = []
    unknown_keys = set(template) - {"figures", "sections"}
    if unknown_keys:
        problems.append(_("报告模板含有无法识别的项：%(keys)s") % {"keys": "、".join(sorted(unknown_keys))})
    figures = template.get("figures", [])
    if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
        problems.append(_("figures 应为统计项标识的列表。"))
    else:
        unknown = [f for f in figures if f not in FIGURES]
        if unknown:
            problems.append(_("无法识别的统计项：%(keys)s") % {"keys": "、".join(unknown)})
        if len(set(figures)) != len(figures):
            problems.append(_("统计项不能重复。"))
    sections = template.get("sections", [])
    if not isinstance(sections, list):
        problems.append(_("sections 应为文字部分的列表。"))
        sections = []
    seen = set()
    for index, section in enumerate(sections, start=1):
        if not isinstance(section, dict) or set(section) - {"key", "title", "required"}:
            problems.append(
                _("第 %(n)s 个文字部分格式有误：应包含 key、title，可选 required。") % {"n": index}
            )
            continue
        key, title = section.get("key"), section.get("title")
        if not isinstance(key, str) or not SECTION_KEY.match(key):
            problems.append(
                _("第 %(n)s 个文字部分的标识应为小写字母开头的字母、数字或下划线。") % {"n": index}
            )
        elif key in seen:
            problems.append(_("文字部分标识“%(key)s”重复。") % {"key": key})
        seen.add(key)
        if not isinstance(title, str) or not title.strip():
            problems.append(_("第 %(n)s 个文字部分缺少标题。") % {"n": index})
        if not isinstance(section.get("required", False), bool):
            problems.append(_("第 %(n)s 个文字部分的 required 应为 true 或 false。") % {"n": index})
    if not figures and not sections:
        problems.append(_("报告模板至少应包含一个统计项或一个文字部分。"))
    return problems


def check_template(template) -> None:
    problems = template_problems(template)
    if problems:
        raise ValidationError({"report_template": problems})


def parse_figure(raw, label) -> int:
    """A figure as the school typed it: a whole number ≥ 0, or a translated refusal."""
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(_("“%(label)s”应填写整数。") % {"label": label})
        value = int(text)
    if value < 0:
        raise ValidationError(_("“%(label)s”不能为负数。") % {"label": label})
    if value > MAX_FIGURE:
        raise ValidationError(_("“%(label)s”数值过大。") % {"label": label})
    return value
