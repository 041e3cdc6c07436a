"""The care list (重点关注学生): restricted to committee members and the student's head teacher."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned, Voidable
from tenants.fields import LimitedTextField


class WarningSign(models.TextChoices):
    GRADES_DROP = "grades_drop", _("成绩突然下滑")
    DAZED = "dazed", _("精神恍惚")
    EMOTIONAL = "emotional", _("情绪反常")
    ABSENCE = "absence", _("无故旷课")
    ISOLATED = "isolated", _("被孤立")
    INJURIES = "injuries", _("身上有伤")
    OTHER = "other", _("其他")


class CareEntry(Versioned, Voidable):
    student_name = models.CharField(_("学生姓名"), max_length=50)
    grade = models.CharField(_("年级"), max_length=20)
    class_name = models.CharField(_("班级"), max_length=30)
    signs = ArrayField(
        models.CharField(max_length=20, choices=WarningSign.choices), default=list, verbose_name=_("预警表现")
    )
    notes = LimitedTextField(_("情况说明"), blank=True)
    next_review_on = models.DateField(_("下次研判日期"))
    closed_on = models.DateField(_("解除关注日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重点关注学生")
        verbose_name_plural = _("重点关注学生")
        ordering = ["next_review_on", "id"]

    def __str__(self):
        return f"{self.class_name} {self.student_name}"


class CareTalk(models.Model):
    entry = models.ForeignKey(CareEntry, on_delete=models.PROTECT, related_name="talks")
    held_on = models.DateField(_("谈话日期"))
    talked_by = models.CharField(_("谈话人"), max_length=50)
    outcome = LimitedTextField(_("谈话情况"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.talked_by}"
