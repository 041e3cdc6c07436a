"""Keep the roll-ups true when the registry changes.

- A new school gets its roll-up rows (zero figures, filed under its kind, area and state, and its
  cells in running campaigns) in the transaction that creates its schema: without them it would be
  missing from the dashboard's cubes, ranking and flags until the next reconcile.
- A school's kind, area or state decides where its figures sit in the district cubes and whether
  campaigns expect its reports: when one of them changes, refresh that school's roll-ups.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tenants.signals import post_schema_sync

from oversight.models_rollups import SchoolRollup
from tenants.models import School, SchoolStatus


@receiver(post_schema_sync)
def school_schema_created(sender, tenant, **kwargs):
    from oversight.rollups import refresh_school

    # django-tenants sends this from School.save(), after the schema exists, inside the caller's
    # transaction (create_school's), so the rows commit or vanish with the schema.
    school = School.objects.get(pk=tenant.pk)
    refresh_school(school)


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
