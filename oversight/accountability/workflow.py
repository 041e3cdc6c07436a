"""The states of an accountability record and the moves between them, read by actions and pages."""

from oversight.accountability.models import AccountabilityState as S

TRANSITIONS = {
    "record_statement": ((S.DECIDED, S.CHALLENGED), None),
    "challenge": ((S.DECIDED,), S.CHALLENGED),
    "decide_challenge": ((S.CHALLENGED,), S.REVIEWED),
}
OPEN_STATES = (S.CHALLENGED,)


def can(step: str, state: str) -> bool:
    return state in TRANSITIONS[step][0]


def target(step: str, current: str) -> str:
    return TRANSITIONS[step][1] or current


def steps_from(state: str) -> list[str]:
    return [step for step, (sources, _target) in TRANSITIONS.items() if state in sources]
