"""One gate for every outbound text.

Text that is written into the public schema, shown on a public page or sent to an anonymous tipster
is checked here against what the school knows (its pupils' names) and against the shapes of
identifying numbers. The message never repeats what matched.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

# A mainland ID number (18 characters) or a mobile number, not part of a longer run of digits.
IDENTIFYING_NUMBER = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


def known_student_names(school) -> set[str]:
    """The student names this school's records hold (read in its schema, never shown or copied)."""
    from schools.models import CareEntry, IncidentParty

    with schema_context(school.schema_name):
        names = set(IncidentParty.objects.values_list("student_name", flat=True))
        names |= set(CareEntry.objects.values_list("student_name", flat=True))
    return {name.strip() for name in names if len(name.strip()) >= 2}


def refuse_identifying(school, **texts: str) -> None:
    """Raise a ValidationError keyed by field for any text naming a pupil of the school or carrying
    an ID or phone number; change nothing."""
    names = None
    errors = {}
    for field, text in texts.items():
        if not text:
            continue
        if names is None:
            names = known_student_names(school)
        if IDENTIFYING_NUMBER.search(text) or any(name in text for name in names):
            errors[field] = _(
                "内容疑似包含学生姓名、身份证号或手机号。督导记录只记录去标识化的情况，请删除个人信息后再提交。"
            )
    if errors:
        raise ValidationError(errors)
