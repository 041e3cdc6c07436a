from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned, Voidable
from tenants.fields import LimitedTextField


class HazardPlace(models.TextChoices):
    TOILET = "toilet", _("厕所")
    DORM = "dorm", _("宿舍")
    CANTEEN = "canteen", _("食堂")
    CORRIDOR = "corridor", _("楼道")
    EVENING_STUDY = "evening_study", _("晚自习")
    AFTER_HOURS = "after_hours", _("非上学时间")
    GATE = "gate", _("校门")
    ONLINE = "online", _("网络")
    OTHER = "other", _("其他")


class HazardMethod(models.TextChoices):
    SURVEY = "survey", _("问卷")
    TALK = "talk", _("谈话")
    OBSERVATION = "observation", _("观察")
    SITE_CHECK = "site_check", _("实地查看")
    REPORT = "report", _("举报")


class HazardStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    FIXED = "fixed", _("已整改")
    VERIFIED = "verified", _("已验收")


class Hazard(Versioned, Voidable):
    """One line of the hazard ledger (排查台账)."""

    found_on = models.DateField(_("发现日期"))
    place = models.CharField(_("重点部位"), max_length=20, choices=HazardPlace.choices)
    risk_kind = models.CharField(_("隐患类型"), max_length=100)
    method = models.CharField(_("排查方式"), max_length=20, choices=HazardMethod.choices)
    found_by = models.CharField(_("发现人"), max_length=50)
    description = LimitedTextField(_("隐患描述"))
    measure = LimitedTextField(_("整改措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=50)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=HazardStatus.choices, default=HazardStatus.OPEN
    )
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("排查台账条目")
        verbose_name_plural = _("排查台账")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")), name="hazard_deadline_not_before_found"
            ),
        ]

    def __str__(self):
        return f"{self.found_on} {self.get_place_display()} {self.risk_kind}"

    def clean(self):
        if self.found_on and self.deadline and self.deadline < self.found_on:
            raise ValidationError({"deadline": _("整改期限不能早于发现日期。")})
