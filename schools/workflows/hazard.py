"""The hazard ledger's rectification: its statuses and the only moves allowed between them.

open → rectifying → fixed → verified
A fix is recorded with the date it was completed; verification (验收) closes the line. Voiding is
possible from any status and is not a status: a void entry keeps the status it had."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from schools.models import HazardStatus as S

TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.RECTIFYING},
    S.RECTIFYING: {S.FIXED},
    S.FIXED: {S.VERIFIED},
    S.VERIFIED: set(),
}

# Statuses in which the deadline still matters: past it, the entry is overdue.
OPEN_STATUSES = (S.OPEN, S.RECTIFYING)


def allowed_next(status: str) -> set[str]:
    return TRANSITIONS[status]


def check_transition(hazard, target: str) -> None:
    if hazard.voided_at is not None:
        raise ValidationError(_("该台账条目已作废，不能再变更状态。"), code="void")
    if target not in TRANSITIONS.get(hazard.status, set()):
        raise ValidationError(
            _("该隐患当前为“%(current)s”，不能直接变为“%(target)s”。") % {
                "current": S(hazard.status).label, "target": S(target).label if target in S.values else target},
            code="illegal_transition",
        )  # fmt: skip
