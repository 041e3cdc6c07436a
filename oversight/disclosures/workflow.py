"""The states of a disclosure and the moves between them, read by the actions and the pages."""

from oversight.disclosures.models import DisclosureState as S

TRANSITIONS = {
    "revise": ((S.DRAFT,), S.DRAFT),
    "sign_off": ((S.DRAFT,), S.DRAFT),
    "publish": ((S.DRAFT,), S.PUBLISHED),
    "withdraw": ((S.PUBLISHED,), S.WITHDRAWN),
}
SIGNOFFS_NEEDED = 2


def can(step: str, state: str) -> bool:
    return state in TRANSITIONS[step][0]


def target(step: str) -> str:
    return TRANSITIONS[step][1]


def steps_from(state: str) -> list[str]:
    return [step for step, (sources, _target) in TRANSITIONS.items() if state in sources]
