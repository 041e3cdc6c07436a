"""Supervising inspectors (责任督学) and the schools each one covers (挂牌督导)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class InspectorAssignment(models.Model):
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("责任督学"),
    )
    school = models.ForeignKey(
        "tenants.School",
        on_delete=models.PROTECT,
        related_name="inspector_assignments",
        verbose_name=_("学校"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督导分工")
        verbose_name_plural = _("挂牌督导分工")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "school"], condition=Q(ends_on__isnull=True), name="one_open_assignment"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.inspector} → {self.school}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
