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


class DistrictSettings(models.Model):
    """The district's time limits and thresholds (DESIGN.md §3). One row; defaults from the rules."""

    investigation_days = models.PositiveSmallIntegerField(_("调查认定期限（天）"), default=10)
    appeal_review_days = models.PositiveSmallIntegerField(_("区级复查期限（天）"), default=15)
    determination_appeal_days = models.PositiveSmallIntegerField(_("学校答复认定申诉期限（天）"), default=15)
    discipline_appeal_working_days = models.PositiveSmallIntegerField(_("处分申诉期限（工作日）"), default=15)
    serious_report_hours = models.PositiveSmallIntegerField(_("严重欺凌上报时限（小时）"), default=24)
    visit_record_days = models.PositiveSmallIntegerField(_("督导记录提交期限（天）"), default=2)
    fix_recheck_days = models.PositiveSmallIntegerField(_("整改复查期限（天）"), default=30)
    accountability_challenge_days = models.PositiveSmallIntegerField(_("问责复核期限（天）"), default=30)
    class_meetings_per_semester = models.PositiveSmallIntegerField(_("每班每学期主题班会（次）"), default=2)
    surveys_per_semester = models.PositiveSmallIntegerField(_("每学期全校问卷调查（次）"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("区级设置")
        verbose_name_plural = _("区级设置")

    def __str__(self):
        return str(_("区级设置"))

    @classmethod
    def current(cls) -> "DistrictSettings":
        settings_row = cls.objects.order_by("pk").first()
        return settings_row if settings_row is not None else cls.objects.create()
