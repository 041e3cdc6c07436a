"""The inspection workflows, one table each: state → the states it may move to. Actions check every
move here, and the pages render their buttons and badges from the same tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitState(models.TextChoices):
    FILED = "filed", _("已填报")
    VOIDED = "voided", _("已作废")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("待学校整改")
    ANSWERED = "answered", _("学校已答复，待复查")
    CLOSED = "closed", _("已复查销号")


class ItemState(models.TextChoices):
    """One item of a notice: the school answers it, the inspector re-checks it and closes or re-opens it."""

    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("学校已答复")
    CLOSED = "closed", _("复查通过")
    REOPENED = "reopened", _("复查未通过，重新整改")


class PlanState(models.TextChoices):
    PLANNED = "planned", _("已计划")
    DONE = "done", _("已督导")
    CANCELLED = "cancelled", _("已取消")


VISIT_TRANSITIONS = {VisitState.FILED: {VisitState.VOIDED}, VisitState.VOIDED: set()}

# A notice is answered once every item has a school answer; closed once every item passed its
# re-check; a re-opened item sends it back to the school.
NOTICE_TRANSITIONS = {
    NoticeStatus.OPEN: {NoticeStatus.ANSWERED},
    NoticeStatus.ANSWERED: {NoticeStatus.CLOSED, NoticeStatus.OPEN},
    NoticeStatus.CLOSED: set(),
}

ITEM_TRANSITIONS = {
    ItemState.OPEN: {ItemState.ANSWERED},
    ItemState.ANSWERED: {ItemState.CLOSED, ItemState.REOPENED},
    ItemState.REOPENED: {ItemState.ANSWERED},
    ItemState.CLOSED: set(),
}

PLAN_TRANSITIONS = {
    PlanState.PLANNED: {PlanState.DONE, PlanState.CANCELLED},
    PlanState.DONE: set(),
    PlanState.CANCELLED: set(),
}


def can_move(transitions: dict, current: str, target: str) -> bool:
    return target in transitions.get(current, set())


def notice_status_for(item_states: list[str]) -> str:
    """The notice's status that its items' states imply."""
    if item_states and all(state == ItemState.CLOSED for state in item_states):
        return NoticeStatus.CLOSED
    if item_states and all(state in (ItemState.ANSWERED, ItemState.CLOSED) for state in item_states):
        return NoticeStatus.ANSWERED
    return NoticeStatus.OPEN
