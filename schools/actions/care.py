"""The care list (重点关注学生): each function validates, writes and audits in one transaction.
Who may touch which class is decided by the pages (schools.permissions); these functions keep the
record itself right."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import audit
from schools.editing import ANY_VERSION, LockedRecord, apply_edit, lock_for_edit
from schools.models import CareEntry, CareTalk, WarningSign


def _clean_signs(signs) -> list[str]:
    signs = sorted(set(signs or []))
    if not signs:
        raise ValidationError({"signs": _("请至少选择一项预警表现。")})
    unknown = [s for s in signs if s not in WarningSign.values]
    if unknown:
        raise ValidationError({"signs": _("预警表现“%(s)s”不在可选范围内。") % {"s": unknown[0]}})
    return signs


def _check_student(student_name: str, grade: str, class_name: str) -> dict:
    values = {"student_name": (student_name or "").strip(), "grade": (grade or "").strip(),
              "class_name": (class_name or "").strip()}  # fmt: skip
    errors = {}
    if not values["student_name"]:
        errors["student_name"] = _("请填写学生姓名。")
    if not values["grade"]:
        errors["grade"] = _("请填写年级。")
    if not values["class_name"]:
        errors["class_name"] = _("请填写班级。")
    if errors:
        raise ValidationError(errors)
    return values


def _open(entry: CareEntry, expected_version=ANY_VERSION) -> CareEntry:
    entry = lock_for_edit(CareEntry, entry.pk, expected_version)
    if entry.closed_on is not None:
        raise LockedRecord(
            _("该学生已于 %(d)s 解除关注，记录不能再修改。") % {"d": entry.closed_on.isoformat()}
        )
    return entry


@transaction.atomic(durable=True)
def add_entry(
    *, acting_user, student_name: str, grade: str, class_name: str, signs: list[str], next_review_on: dt.date,
    notes: str = "",
) -> CareEntry:  # fmt: skip
    values = _check_student(student_name, grade, class_name)
    signs = _clean_signs(signs)
    if next_review_on < timezone.localdate():
        raise ValidationError({"next_review_on": _("下次研判日期不能早于今天。")})
    entry = CareEntry(
        **values, signs=signs, notes=(notes or "").strip(), next_review_on=next_review_on,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    entry.full_clean()
    entry.save()
    audit.record(actor=acting_user, action="care.entry_added", obj=entry, changes=audit.created(entry))
    _notify_head_teachers(entry, acting_user)
    return entry


@transaction.atomic(durable=True)
def edit_entry(
    *, acting_user, entry: CareEntry, expected_version, student_name: str, grade: str, class_name: str,
    signs: list[str], next_review_on: dt.date, notes: str = "",
) -> CareEntry:  # fmt: skip
    entry = _open(entry, expected_version)
    values = _check_student(student_name, grade, class_name)
    values["signs"] = _clean_signs(signs)
    if next_review_on != entry.next_review_on and next_review_on < timezone.localdate():
        raise ValidationError({"next_review_on": _("下次研判日期不能早于今天。")})
    values.update(next_review_on=next_review_on, notes=(notes or "").strip())
    return apply_edit(entry, values=values, acting_user=acting_user, action="care.entry_edited")


@transaction.atomic(durable=True)
def add_talk(*, acting_user, entry: CareEntry, held_on: dt.date, talked_by: str, outcome: str) -> CareTalk:
    entry = _open(entry)
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("谈话日期不能晚于今天。")
    if not (talked_by or "").strip():
        errors["talked_by"] = _("请填写谈话人。")
    if not (outcome or "").strip():
        errors["outcome"] = _("请填写谈话情况。")
    if errors:
        raise ValidationError(errors)
    talk = CareTalk(
        entry=entry, held_on=held_on, talked_by=talked_by.strip(), outcome=outcome.strip(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    talk.full_clean()
    talk.save()
    # The audit keeps that a talk happened and who held it; what was said stays on the talk itself.
    audit.record(actor=acting_user, action="care.talk_added", obj=talk, changes={
        "entry": {"old": None, "new": entry.pk}, "held_on": {"old": None, "new": held_on.isoformat()},
        "talked_by": {"old": None, "new": talk.talked_by},
    })  # fmt: skip
    return talk


@transaction.atomic(durable=True)
def close_entry(*, acting_user, entry: CareEntry, closed_on: dt.date, expected_version=None) -> CareEntry:
    """解除关注: the entry stays on record with the date, and can no longer be changed."""
    entry = _open(entry, expected_version)
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("解除关注日期不能晚于今天。")})
    if closed_on < timezone.localtime(entry.created_at).date():
        raise ValidationError({"closed_on": _("解除关注日期不能早于列入关注的日期。")})
    entry.closed_on = closed_on
    entry.version += 1
    entry.save()
    audit.record(actor=acting_user, action="care.entry_closed", obj=entry,
                 changes={"closed_on": {"old": None, "new": closed_on.isoformat()}})  # fmt: skip
    return entry


@transaction.atomic(durable=True)
def void_entry(*, acting_user, entry: CareEntry, reason: str) -> CareEntry:
    """A mistaken entry is voided with a reason; it stays visible to admins."""
    entry = lock_for_edit(CareEntry, entry.pk, ANY_VERSION)
    if not (reason or "").strip():
        raise ValidationError({"voided_reason": _("作废必须说明原因。")})
    entry.voided_reason, entry.voided_at = reason.strip(), timezone.now()
    entry.version += 1
    entry.save()
    audit.record(actor=acting_user, action="care.entry_voided", obj=entry,
                 changes={"voided_reason": {"old": "", "new": entry.voided_reason}})  # fmt: skip
    return entry


def _notify_head_teachers(entry: CareEntry, acting_user) -> None:
    """Tell the class's head teachers that one of their pupils is on the list (no name in the notice:
    it is e-mailed)."""
    from django.db import connection

    from schools.notices import notify
    from tenants.models import SchoolMembership
    from tenants.roles import StaffPost

    teachers = SchoolMembership.objects.filter(
        school__schema_name=connection.schema_name, post=StaffPost.HEAD_TEACHER, active=True
    ).exclude(user_id=getattr(acting_user, "pk", None))
    for membership in teachers:
        if entry.class_name in membership.class_list():
            notify(
                recipient_id=membership.user_id,
                title=_("%(c)s 有一名学生被列入重点关注名单") % {"c": entry.class_name},
                body=_("请按时开展谈心谈话并参与研判。"),
                link=f"/care/{entry.pk}/",
            )
