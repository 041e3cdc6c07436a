"""Accountability records as the viewer may see them. Names are personnel data: bureau admins see
them; everyone else sees the post only."""

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from oversight.accountability.models import AccountabilityRecord, BasisKind, Target
from oversight.models import DistrictSettings


def may_see_names(viewer) -> bool:
    return getattr(viewer, "is_authenticated", False) and viewer.is_bureau_admin


def records_for(*, viewer, school=None):
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    rows = AccountabilityRecord.objects.select_related("school").prefetch_related("links")
    return rows.filter(school=school) if school is not None else rows


def record_for(*, viewer, pk) -> AccountabilityRecord:
    row = records_for(viewer=viewer).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def shown_name(row, viewer) -> str:
    if row.target != Target.PERSON:
        return ""
    return row.person_name if may_see_names(viewer) else _("（仅教育局管理员可见）")


@dataclass
class Hint:
    code: str
    reason: str


def hints(row: AccountabilityRecord, *, viewer) -> list[Hint]:
    """Heavier handling suggested, never applied: the same school or post held accountable again
    within the district's window, or a case with suspected concealment (瞒报) among the links."""
    from oversight.serious_cases.selectors import case_for

    days = DistrictSettings.current().accountability_repeat_days
    since = row.decided_on - dt.timedelta(days=days)
    earlier = AccountabilityRecord.objects.filter(school=row.school, decided_on__gte=since,
                                                  decided_on__lte=row.decided_on).exclude(pk=row.pk)  # fmt: skip
    found = []
    same_school = [r for r in earlier if r.pk < row.pk or r.decided_on < row.decided_on]
    if same_school:
        found.append(Hint("repeat_school", _("该校在 %(days)s 天内已被问责 %(n)s 次（最近一次 %(on)s），建议从重处理。") % {
            "days": days, "n": len(same_school), "on": max(r.decided_on for r in same_school).isoformat()}))  # fmt: skip
    if row.target == Target.PERSON and row.person_post:
        same_post = [r for r in same_school if r.target == Target.PERSON and r.person_post == row.person_post]
        if same_post:
            found.append(Hint("repeat_post", _("该校%(post)s在 %(days)s 天内已被问责 %(n)s 次，建议从重处理。") % {
                "post": row.person_post, "days": days, "n": len(same_post)}))  # fmt: skip

    for link in row.links.all():
        if link.kind == BasisKind.SERIOUS_CASE and link.serious_case_id:
            view = case_for(viewer=viewer, pk=link.serious_case_id)
            concealed = [f for f in view.flags if f.code == "concealed"]
            if concealed:
                found.append(Hint("concealed", _("关联事件 %(code)s 有瞒报嫌疑：%(reason)s 对瞒报的建议从重处理。") % {
                    "code": view.case.case_code, "reason": concealed[0].reason}))  # fmt: skip
    return found
