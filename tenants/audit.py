"""Writing the district audit log; always inside the transaction of the change it records."""

from tenants.models import AuditEvent


def record(*, actor, action: str, obj, changes: dict | None = None, school=None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        school=school,
        changes=changes or {},
    )
