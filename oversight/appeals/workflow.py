"""The states of a district appeal and the moves between them, read by the actions and the pages."""

from oversight.appeals.models import AppealState

TRANSITIONS = {
    AppealState.PENDING: (AppealState.UPHELD, AppealState.CHANGED, AppealState.REFERRED),
    AppealState.UPHELD: (),
    AppealState.CHANGED: (),
    AppealState.REFERRED: (),
}
# Outcomes after which the school must record what it changed.
SCHOOL_MUST_RESPOND = {AppealState.CHANGED}


def allowed(state: str) -> tuple:
    return TRANSITIONS.get(state, ())
