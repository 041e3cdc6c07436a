"""A record's audit trail as people read it: who, when, what, and each field's old and new value."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from schools import audit

ACTIONS = {
    "hazard.recorded": _("登记隐患"),
    "hazard.edited": _("修改"),
    "hazard.rectifying": _("开始整改"),
    "hazard.fixed": _("整改完成"),
    "hazard.verified": _("验收通过"),
    "hazard.voided": _("作废"),
    "activity.recorded": _("登记活动"),
    "activity.edited": _("修改"),
    "activity.evidence_added": _("上传佐证材料"),
    "activity.voided": _("作废"),
}
EXTRA_LABELS = {"evidence": _("佐证材料")}
# Set when a record is created; shown on the page already, noise in its history.
QUIET = {"version", "voided_at", "created_by"}


def _shown(name, field, value):
    if value in (None, ""):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "evidence":  # a stored file: its own name, not the storage path
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def _field(obj, name):
    if name in EXTRA_LABELS:
        return None
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def history_rows(obj, limit=100) -> list[dict]:
    rows = []
    for event in audit.history(obj)[:limit]:
        changes = []
        for name, change in (event.changes or {}).items():
            if name in QUIET or not isinstance(change, dict):
                continue
            field = _field(obj, name)
            label = field.verbose_name if field is not None else EXTRA_LABELS.get(name, name)
            old, new = change.get("old"), change.get("new")
            if event.action.endswith(".recorded") and new in (None, "", 0):
                continue
            changes.append({"label": label, "old": _shown(name, field, old), "new": _shown(name, field, new),
                            "created": old is None})  # fmt: skip
        rows.append({"at": event.at, "actor": event.actor, "action": ACTIONS.get(event.action, event.action),
                     "changes": changes})  # fmt: skip
    return rows
