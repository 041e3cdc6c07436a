"""The school's audit log: who changed what, when, with old and new values.

Every action in schools/actions/ writes its row inside its own transaction, so an audit row
exists exactly when the change it describes does."""

import datetime as dt
from decimal import Decimal

from django.db import models

from schools.models import AuditEvent


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a stored file
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields) -> dict:
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        result[name] = _plain(value)
    return result


def diff(before: dict, after: dict) -> dict:
    return {
        name: {"old": before.get(name), "new": after[name]}
        for name in after
        if before.get(name) != after[name]
    }


def created(obj: models.Model) -> dict:
    fields = [f.name for f in obj._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    return {name: {"old": None, "new": value} for name, value in snapshot(obj, fields).items()}


def record(*, actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEvent:
    from oversight.rollups import schedule_refresh

    # Every school write passes here: refresh this school's district roll-ups after it commits.
    schedule_refresh()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        changes=changes or {},
    )


def history(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk)).select_related(
        "actor"
    )
