"""The incident lifecycle: its stages and the only transitions allowed between them.

intake → investigating → determined → handling → follow_up → closed
A case determined as not bullying (or undetermined) may close straight after determination;
a handled case may close without follow-up only when no victim needs it. Voiding is possible
from any open stage and is not a stage: a void incident keeps the stage it had."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from schools.models import IncidentStage as S

TRANSITIONS: dict[str, set[str]] = {
    S.INTAKE: {S.INVESTIGATING},
    S.INVESTIGATING: {S.DETERMINED},
    S.DETERMINED: {S.HANDLING, S.CLOSED},
    S.HANDLING: {S.FOLLOW_UP, S.CLOSED},
    S.FOLLOW_UP: {S.CLOSED},
    S.CLOSED: set(),
}


def allowed_next(stage: str) -> set[str]:
    return TRANSITIONS[stage]


def check_transition(incident, target: str) -> None:
    if incident.voided_at is not None:
        raise ValidationError(_("该事件已作废，不能再办理。"), code="void")
    if target not in TRANSITIONS[incident.stage]:
        raise ValidationError(
            _("事件当前处于“%(current)s”阶段，不能直接进入“%(target)s”。") % {
                "current": S(incident.stage).label, "target": S(target).label},
            code="illegal_transition",
        )  # fmt: skip
