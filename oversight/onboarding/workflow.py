"""The states of a bulk onboarding (学校名单批量开通) and the moves between them: the actions check
them, the pages render from them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    CHECKED = "checked", _("已校验，待确认")
    RUNNING = "running", _("正在开通")
    FINISHED = "finished", _("已完成")


TRANSITIONS = {
    JobState.CHECKED: {JobState.RUNNING},
    JobState.RUNNING: {JobState.FINISHED},
    JobState.FINISHED: set(),
}


def can_move(state: str, to: str) -> bool:
    return to in TRANSITIONS.get(state, set())
