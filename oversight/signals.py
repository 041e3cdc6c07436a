"""A school's kind, area or state decides where its figures sit in the district cubes and whether
campaigns expect its reports: when one of them changes, refresh that school's roll-ups."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from oversight.models_rollups import SchoolRollup
from tenants.models import School, SchoolStatus


@receiver(post_save, sender=School)
def school_registry_changed(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    filed = (
        SchoolRollup.objects.filter(school_id=instance.pk)
        .values_list("school_kind", "area", "active")
        .first()
    )
    if filed is None or filed == (instance.kind, instance.area, instance.status == SchoolStatus.ACTIVE):
        return
    from oversight.rollups import send_refresh

    schema = instance.schema_name
    transaction.on_commit(lambda: send_refresh(schema), robust=True)
