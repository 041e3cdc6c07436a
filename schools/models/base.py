import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class Versioned(models.Model):
    """Optimistic concurrency: every edit states the version it started from (see schools.editing)."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class Voidable(models.Model):
    """Records are never deleted; a mistaken one is voided with a reason and stays visible to admins."""

    voided_reason = LimitedTextField(_("作废原因"), blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


# The earliest date a school record may carry: the platform keeps current work, and a date
# before this is a typing slip (a year of 1831 or 1900), not history.
EARLIEST_RECORD_DATE = dt.date(2000, 1, 1)


def check_record_date(field: str, value, label) -> None:
    """Refuse a record's date (or date-time) before EARLIEST_RECORD_DATE or after today, with a
    message naming the field. Every action that takes such a date calls it, so every door shares it."""
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_RECORD_DATE:
        raise ValidationError({field: _("%(label)s不能早于 %(earliest)s。") % {
            "label": label, "earliest": EARLIEST_RECORD_DATE.isoformat()}})  # fmt: skip
    if isinstance(value, dt.datetime) and value > timezone.now():
        raise ValidationError({field: _("%(label)s不能晚于现在。") % {"label": label}})
    if day > timezone.localdate():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})
