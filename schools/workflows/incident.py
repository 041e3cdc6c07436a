"""The incident lifecycle: its stages and the only transitions allowed between them.

intake → investigating → determined → handling → follow_up → closed
A case determined as not bullying (or undetermined) may close straight after determination;
a case determined as bullying closes only when its closing checklist is complete
(closing_checklist: measures, victim support, families informed, follow-up done or waived). Voiding is possible
from any open stage and is not a stage: a void incident keeps the stage it had."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ClosingCheck:
    key: str
    label: str
    done: bool


def closing_checklist(incident, follow_up_waiver: str = "") -> list[ClosingCheck]:
    """What a case determined as bullying must have before it is closed (结案), in the order the
    page shows it. Cases not determined as bullying have no checklist."""
    from schools.models import Determination, PartyRole

    if incident.determination != Determination.BULLYING:
        return []
    parties = list(incident.parties.filter(voided_at__isnull=True))
    victims = [p for p in parties if p.role == PartyRole.VICTIM]
    measures = [m for p in parties for m in p.measures.all() if m.voided_at is None]
    supported = all(any(s.voided_at is None for s in v.support_sessions.all()) for v in victims)
    follow_ups = incident.follow_ups.filter(voided_at__isnull=True)
    waiver = (follow_up_waiver or incident.follow_up_waived_reason or "").strip()
    return [
        ClosingCheck("measure", _("已登记至少一项处置措施"), bool(measures)),
        ClosingCheck("victim_support", _("每名受害学生均已记录帮扶或心理辅导"), supported),
        ClosingCheck(
            "families_informed",
            _("每名当事学生的家长均已告知"),
            bool(parties) and all(p.family_notified_at for p in parties),
        ),  # fmt: skip
        ClosingCheck(
            "follow_up",
            _("追踪辅导已完成，或已说明不需追踪辅导的理由"),
            follow_ups.filter(done_on__isnull=False).exists() or bool(waiver),
        ),  # fmt: skip
    ]


def check_closable(incident, follow_up_waiver: str = "") -> None:
    missing = [check for check in closing_checklist(incident, follow_up_waiver) if not check.done]
    if missing:
        raise ValidationError(
            _("认定为欺凌的事件结案前须完成：%(items)s。") % {"items": "；".join(c.label for c in missing)},
            code="not_closable",
        )
