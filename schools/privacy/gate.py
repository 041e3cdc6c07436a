"""One gate for every outbound text.

Text that is written into the public schema, shown on a public page or sent to an anonymous tipster
is checked here against what the school knows (its pupils' names from incidents, the care list and
tips, and, where a pupil could be identified through them, its staff's names) and against the shapes
of identifying data (ID numbers, phone numbers, student numbers, e-mail addresses, a class with an
exact date). Matching runs on a normalised copy of the text (NFKC, separators between digits and
inside names dropped, +86/86/0086 prefixes) so that spacing and full-width characters do not slip
through. Person names that the school does not know are a warning the writer confirms; everything
else is a refusal. Messages show the offending span masked and the rule, never the span itself.

`refuse_identifying(school, **fields)` is the one entry point; `school=None` checks district-wide
text (campaigns, phases) against the names every school knows.
"""

import contextvars
import datetime as dt
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name, schema_context

# The writer's confirmation of unknown-name warnings for the current request (set by
# `schools.privacy.middleware` from the form field or API header of that name).
CONFIRM_FIELD = "privacy_confirm"
CONFIRM_HEADER = "X-Privacy-Confirm"
confirmed_tokens: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "privacy_confirmed_tokens", default=frozenset()
)
# The token of the last warnings-only refusal in this request, for the page to offer a confirmation.
pending_token: contextvars.ContextVar[str] = contextvars.ContextVar("privacy_pending_token", default="")

RULES = {
    "known_name": gettext_lazy("本校已知的学生姓名"),
    "staff_name": gettext_lazy("本校教职工姓名（可能借此识别学生）"),
    "id18": gettext_lazy("18位身份证号"),
    "id15": gettext_lazy("15位身份证号"),
    "mobile": gettext_lazy("手机号码"),
    "landline": gettext_lazy("固定电话号码"),
    "student_number": gettext_lazy("学号"),
    "email": gettext_lazy("电子邮箱地址"),
    "class_with_date": gettext_lazy("班级与具体日期同时出现"),
    "unknown_name": gettext_lazy("疑似人名"),
}

# Characters a writer may put inside a name or a number to break it up.
ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
SEPARATOR_CATEGORIES = ("Z", "P", "S", "C")
DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-.·_/()（）]{0,3}[\dXx])*")
DIGIT_SEPARATORS = re.compile(r"[^\dXx]")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
STUDENT_NUMBER = re.compile(r"学\s*号\s*[:：是为]?\s*[A-Za-z]?\d[\d\s\-]{3,}")
CN_NUM = "一二三四五六七八九十"
CLASS_NAME = re.compile(
    rf"(?:[{CN_NUM}\d]+年级|[初高][{CN_NUM}]|七年级|八年级|九年级)\s*[（(]?\s*[{CN_NUM}\d]+\s*[)）]?\s*班"
    rf"|[{CN_NUM}\d]+\s*[（(]\s*\d+\s*[)）]\s*班"
)
EXACT_DATE = re.compile(r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# jieba tags many common words nr (谢谢, 高峰, 文明): a candidate must start with a common surname,
# have a given name after it, and be rare in jieba's dictionary.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "司徒",
    "东方",
    "皇甫",
    "慕容",
    "令狐",
    "尉迟",
    "长孙",
    "夏侯",
)
COMMON_WORD_FREQ = 500
# Words that jieba tags as a person's name but that name no one: a surname with a title.
TITLES = ("老师", "校长", "主任", "同学", "书记", "局长", "科长", "督学", "警官", "医生", "家长", "某")


@dataclass(frozen=True)
class Finding:
    field: str
    rule: str
    masked: str

    @property
    def is_warning(self) -> bool:
        return self.rule == "unknown_name"

    def message(self) -> str:
        return _("“%(span)s”：%(rule)s") % {"span": self.masked, "rule": RULES[self.rule]}


class IdentifyingText(ValidationError):
    """The gate's refusal: a ValidationError keyed by field, with the findings for doors that show
    more (the token a writer sends back to confirm unknown-name warnings)."""

    def __init__(self, errors: dict, findings: list[Finding], confirm_token: str = ""):
        super().__init__(errors, code="identifying")
        self.findings = findings
        self.confirm_token = confirm_token


def mask(span: str) -> str:
    span = span.strip()
    if len(span) <= 2:
        return span[:1] + "*"
    keep = 1 if len(span) <= 6 else 3
    tail = 0 if len(span) <= 6 else 2
    return span[:keep] + "*" * (len(span) - keep - tail) + (span[-tail:] if tail else "")


def normalise(text: str) -> str:
    return ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text or ""))


def squeeze(text: str) -> tuple[str, list[int]]:
    """The text with every space, punctuation mark, symbol and control character dropped, and for
    each kept character its position in `text` (so a match can be shown from the original)."""
    kept, positions = [], []
    for index, char in enumerate(text):
        if unicodedata.category(char)[0] in SEPARATOR_CATEGORIES:
            continue
        kept.append(char)
        positions.append(index)
    return "".join(kept), positions


def _valid_birth_date(digits: str) -> bool:
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1900 <= int(digits[:4]) <= dt.date.today().year


def _id18(digits: str) -> bool:
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    check = ID_CHECK[sum(int(d) * w for d, w in zip(digits[:17], ID_WEIGHTS, strict=True)) % 11]
    return digits[17].upper() == check and _valid_birth_date(digits[6:14])


def _number_rule(digits: str) -> str | None:
    """Which identifying number a run of digits is, if any."""
    digits = digits.upper()
    if _id18(digits):
        return "id18"
    if "X" in digits:
        return None
    if len(digits) == 15 and _valid_birth_date("19" + digits[6:12]):
        return "id15"
    for prefix in ("0086", "86", ""):
        if not digits.startswith(prefix):
            continue
        rest = digits[len(prefix) :]
        if len(rest) == 11 and re.fullmatch(r"1[3-9]\d{9}", rest):
            return "mobile"
        if prefix and 9 <= len(rest) <= 11 and rest[0] in "23456789":
            return "landline"  # +86 drops the trunk 0 of the area code
        if re.fullmatch(r"0[1-9]\d{8,10}", rest):
            return "landline"
    return None


def _names_query(schema: str) -> str:
    quoted = connection.ops.quote_name(schema)
    return (
        f"SELECT student_name FROM {quoted}.schools_incidentparty UNION "
        f"SELECT student_name FROM {quoted}.schools_careentry"
    )


def known_student_names(school) -> set[str]:
    """The pupil names this school's records hold (read in its schema, never shown or copied):
    incident parties, the care list, and the names its tips give. With no school, every school's
    parties and care list (one statement per 500 schools)."""
    from schools.models import CareEntry, IncidentParty, Tip

    names: set[str] = set()
    if school is None:
        from tenants.models import School

        schemas = list(
            School.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True)
        )
        for start in range(0, len(schemas), 500):
            sql = " UNION ".join(_names_query(schema) for schema in schemas[start : start + 500])
            with schema_context(get_public_schema_name()), connection.cursor() as cursor:
                cursor.execute(sql)
                names |= {row[0] for row in cursor.fetchall()}
    else:
        with schema_context(school.schema_name):
            names |= set(IncidentParty.objects.values_list("student_name", flat=True))
            names |= set(CareEntry.objects.values_list("student_name", flat=True))
            for body in Tip.objects.values_list("body", flat=True):
                names |= set(_person_names(body))
    return {squeeze(normalise(name))[0] for name in names if len(squeeze(normalise(name))[0]) >= 2}


def known_staff_names(school) -> set[str]:
    """The names of the school's staff: accounts with a membership, the leadership group and the
    published principal and 法治副校长."""
    names: set[str] = set()
    if school is None:
        return names
    from schools.models import GovernanceMember
    from tenants.models import SchoolMembership

    names |= set(SchoolMembership.objects.filter(school=school).values_list("user__full_name", flat=True))
    names |= {school.principal, school.legal_vice_principal}
    with schema_context(school.schema_name):
        names |= set(GovernanceMember.objects.values_list("name", flat=True))
    return {squeeze(normalise(name))[0] for name in names if name and len(squeeze(normalise(name))[0]) >= 2}


_segmenter = None


def _person_names(text: str) -> list[str]:
    """Words jieba tags as a person's name (nr*), minus a surname with a title (王老师)."""
    global _segmenter
    if _segmenter is None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        _segmenter = jieba.posseg
    import jieba

    found = []
    for word, flag in _segmenter.cut(text):
        if not flag.startswith("nr") or not 2 <= len(word) <= 4 or word.endswith(TITLES):
            continue
        surname = next(
            (s for s in COMPOUND_SURNAMES if word.startswith(s)), word[0] if word[0] in SURNAMES else ""
        )
        if surname and len(word) > len(surname) and (jieba.dt.FREQ.get(word) or 0) < COMMON_WORD_FREQ:
            found.append(word)
    return found


def _confirm_token(names) -> str:
    return hashlib.sha256("\n".join(sorted(set(names))).encode()).hexdigest()[:16]


def scan(
    school, fields: dict, *, email_fields=(), person_fields=(), refuse_staff_names=False, known=None
) -> list[Finding]:
    """Every finding in the given texts (nothing is raised, nothing written). `person_fields` hold a
    staff member's name by design: a pupil's name is refused there, other names are not warned of."""
    findings: list[Finding] = []
    pupils, staff = known if known is not None else (None, None)
    for field, raw in fields.items():
        if not raw or not isinstance(raw, str):
            continue
        text = normalise(raw)
        squeezed, positions = squeeze(text)
        if pupils is None:
            pupils = known_student_names(school)
            staff = known_staff_names(school)

        def original(start, end, text=text, positions=positions):
            return text[positions[start] : positions[end - 1] + 1]

        named = set()
        for rule, names in (("known_name", pupils), ("staff_name", staff if refuse_staff_names else ())):
            for name in names:
                for match in re.finditer(re.escape(name), squeezed):
                    findings.append(Finding(field, rule, mask(original(match.start(), match.end()))))
                    named.add(name)
        for match in DIGIT_RUN.finditer(text):
            rule = _number_rule(DIGIT_SEPARATORS.sub("", match.group()))
            if rule:
                findings.append(Finding(field, rule, mask(match.group())))
        for match in STUDENT_NUMBER.finditer(text):
            findings.append(Finding(field, "student_number", mask(match.group())))
        if field not in email_fields:
            for match in EMAIL.finditer(text):
                findings.append(Finding(field, "email", mask(match.group())))
        classes = list(CLASS_NAME.finditer(text))
        if classes and EXACT_DATE.search(text):
            findings.extend(Finding(field, "class_with_date", mask(match.group())) for match in classes)
        allowed = (staff or set()) | named
        for name in () if field in person_fields else _person_names(text):
            if squeeze(name)[0] not in allowed and not any(name in known for known in allowed):
                findings.append(Finding(field, "unknown_name", mask(name)))
    return findings


def refuse_identifying(
    school, *, confirm: str = "", email_fields=(), person_fields=(), refuse_staff_names=False, **fields
) -> None:
    """Raise `IdentifyingText` (a ValidationError keyed by field) for any text that identifies a
    pupil; change nothing. Unknown-name warnings alone pass once the writer confirms them, with
    `confirm` or the request's confirmation (the token the error carries)."""
    findings = scan(
        school,
        fields,
        email_fields=email_fields,
        person_fields=person_fields,
        refuse_staff_names=refuse_staff_names,
    )
    if not findings:
        return
    warnings = [finding for finding in findings if finding.is_warning]
    token = _confirm_token(f"{f.field}:{f.masked}" for f in warnings) if warnings else ""
    if len(warnings) == len(findings) and token in ({confirm} | set(confirmed_tokens.get())):
        return
    errors: dict[str, list[str]] = {}
    for field in dict.fromkeys(finding.field for finding in findings):
        own = [finding for finding in findings if finding.field == field]
        spans = "；".join(dict.fromkeys(finding.message() for finding in own))
        if all(finding.is_warning for finding in own):
            errors[field] = [
                _("%(spans)s。内容中可能含有人名，请确认不是学生或可识别学生的姓名后勾选“确认”再提交。")
                % {"spans": spans}
            ]
        else:
            errors[field] = [
                _("%(spans)s。对外发送的内容不能含有可识别学生身份的个人信息，请删除后再提交。")
                % {"spans": spans}
            ]
    token = token if len(warnings) == len(findings) else ""
    if token:
        pending_token.set(token)
    raise IdentifyingText(errors, findings, token)


PHONE_SHAPE = re.compile(r"\+?\d[\d\s\-()（）]{2,}\d")


def check_phone(value: str) -> str:
    """A published hotline: a phone number (mobile, landline with area code, or a short service
    number such as 12345)."""
    value = normalise(value).strip()
    if not value:
        return value
    digits = DIGIT_SEPARATORS.sub("", re.sub(r"\s*转\s*\d{1,6}$", "", value))
    if not PHONE_SHAPE.fullmatch(re.sub(r"\s*转\s*\d{1,6}$", "", value)) or not (
        _number_rule(digits) in ("mobile", "landline") or re.fullmatch(r"1\d{2,4}", digits)
    ):
        raise ValidationError(_("请填写有效的电话号码（手机号、带区号的固定电话或 12345 等服务号码）。"))
    return value


def check_email(value: str) -> str:
    value = normalise(value).strip()
    if value and not EMAIL.fullmatch(value):
        raise ValidationError(_("请填写有效的电子邮箱地址。"))
    return value
