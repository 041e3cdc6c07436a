from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Optimistic concurrency: every edit states the version it started from (see schools.editing)."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class Voidable(models.Model):
    """Records are never deleted; a mistaken one is voided with a reason and stays visible to admins."""

    voided_reason = models.TextField(_("作废原因"), blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
