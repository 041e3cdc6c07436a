"""The district layer: campaigns (专项行动) and their phases. Phases are data, not code."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    name = models.CharField(_("专项行动名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("总体要求"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="unique_campaign_per_year")]

    def __str__(self):
        return f"{self.year} {self.name}"


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="phases")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=100)
    goals = models.TextField(_("工作目标"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    report_due_on = models.DateField(_("报告截止日期"))
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=0)

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="unique_phase_order"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_window_ordered"),
            models.CheckConstraint(
                condition=Q(report_due_on__gte=F("starts_on")), name="phase_due_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if self.starts_on and self.report_due_on and self.report_due_on < self.starts_on:
            raise ValidationError({"report_due_on": _("报告截止日期不能早于阶段开始日期。")})
