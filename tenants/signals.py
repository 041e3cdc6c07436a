"""Keep the host → school cache true: any change to a school or a domain drops its entries."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from tenants.host_lookup import forget_host, forget_school
from tenants.models import Domain, School


@receiver(post_save, sender=School)
@receiver(post_delete, sender=School)
def school_changed(sender, instance, **kwargs):
    forget_school(instance)
    transaction.on_commit(lambda: forget_school(instance))


@receiver(pre_save, sender=Domain)
def domain_renamed(sender, instance, **kwargs):
    if instance.pk:
        old = Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()
        if old and old != instance.domain:
            forget_host(old)


@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def domain_changed(sender, instance, **kwargs):
    forget_host(instance.domain)
    # A reader may have cached the old answer between our write and the commit.
    transaction.on_commit(lambda: forget_host(instance.domain))
