"""Every change to the hazard ledger (排查台账) goes through one of these functions: each validates,
writes, and audits in the same transaction. Entries are never deleted; a mistaken one is voided."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import audit
from schools.editing import ANY_VERSION, apply_edit, lock_for_edit
from schools.models import Hazard, HazardStatus
from schools.models.base import check_record_date
from schools.workflows.hazard import check_transition

EDITABLE_FIELDS = (
    "found_on", "place", "risk_kind", "method", "found_by", "description", "measure", "responsible", "deadline",
)  # fmt: skip


def _check_found_on(found_on: dt.date | None) -> None:
    check_record_date("found_on", found_on, _("发现日期"))


@transaction.atomic(durable=True)
def record_hazard(
    *, acting_user, found_on: dt.date, place: str, risk_kind: str, method: str, found_by: str,
    description: str, responsible: str, deadline: dt.date, measure: str = "",
) -> Hazard:  # fmt: skip
    _check_found_on(found_on)
    hazard = Hazard(
        found_on=found_on, place=place, risk_kind=risk_kind.strip(), method=method, found_by=found_by.strip(),
        description=description.strip(), measure=measure.strip(), responsible=responsible.strip(),
        deadline=deadline,
    )  # fmt: skip
    hazard.full_clean()  # the deadline may not be before the date found (Hazard.clean)
    hazard.save()
    audit.record(actor=acting_user, action="hazard.recorded", obj=hazard, changes=audit.created(hazard))
    return hazard


@transaction.atomic(durable=True)
def edit_hazard(*, acting_user, hazard: Hazard, expected_version: int | None, **values) -> Hazard:
    """Change the descriptive fields; the status moves only through move_hazard_status."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"edit_hazard cannot change {sorted(unknown)}")
    hazard = lock_for_edit(Hazard, hazard.pk, expected_version)
    _check_found_on(values.get("found_on"))
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    return apply_edit(hazard, values=values, acting_user=acting_user, action="hazard.edited")


@transaction.atomic(durable=True)
def move_hazard_status(
    *, acting_user, hazard: Hazard, status: str, fixed_on: dt.date | None = None, expected_version=None
) -> Hazard:
    hazard = lock_for_edit(Hazard, hazard.pk, expected_version)
    check_transition(hazard, status)
    changes = {"status": {"old": hazard.status, "new": status}}
    if status == HazardStatus.FIXED:
        if fixed_on is None:
            raise ValidationError({"fixed_on": _("请填写整改完成日期。")})
        check_record_date("fixed_on", fixed_on, _("整改完成日期"))
        if fixed_on < hazard.found_on:
            raise ValidationError({"fixed_on": _("整改完成日期不能早于发现日期。")})
        changes["fixed_on"] = {
            "old": audit.snapshot(hazard, ["fixed_on"])["fixed_on"],
            "new": fixed_on.isoformat(),
        }
        hazard.fixed_on = fixed_on
    hazard.status = status
    hazard.version += 1
    hazard.save()
    audit.record(actor=acting_user, action=f"hazard.{status}", obj=hazard, changes=changes)
    return hazard


@transaction.atomic(durable=True)
def void_hazard(*, acting_user, hazard: Hazard, reason: str) -> Hazard:
    hazard = lock_for_edit(Hazard, hazard.pk, ANY_VERSION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"voided_reason": _("作废必须说明原因。")})
    hazard.voided_reason, hazard.voided_at = reason, timezone.now()
    hazard.version += 1
    hazard.save()
    audit.record(actor=acting_user, action="hazard.voided", obj=hazard,
                 changes={"voided_reason": {"old": "", "new": reason}})  # fmt: skip
    return hazard
