"""The states of a summons and the moves between them (action name → (from states, to state)),
read by the actions and the pages."""

from oversight.summons.models import SummonsState as S

TRANSITIONS = {
    "acknowledge": ((S.ISSUED,), S.ACKNOWLEDGED),
    "record_meeting": ((S.ISSUED, S.ACKNOWLEDGED), S.MET),
    "submit_report": ((S.MET, S.RETURNED), S.REPORTED),
    "close": ((S.REPORTED,), S.CLOSED),
    "return_report": ((S.REPORTED,), S.RETURNED),
}
OPEN_STATES = (S.ISSUED, S.ACKNOWLEDGED, S.MET, S.REPORTED, S.RETURNED)


def can(step: str, state: str) -> bool:
    return state in TRANSITIONS[step][0]


def target(step: str) -> str:
    return TRANSITIONS[step][1]


def steps_from(state: str) -> list[str]:
    return [step for step, (sources, _target) in TRANSITIONS.items() if state in sources]
