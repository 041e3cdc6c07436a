from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned, Voidable
from tenants.fields import LimitedTextField


class ActivityKind(models.TextChoices):
    CLASS_MEETING = "class_meeting", _("主题班会")
    LECTURE = "lecture", _("专题讲座")
    FLAG_SPEECH = "flag_speech", _("国旗下讲话")
    PARENT_MEETING = "parent_meeting", _("家长会")
    STAFF_TRAINING = "staff_training", _("教职工培训")
    LAW_ON_CAMPUS = "law_on_campus", _("法治进校园")
    SURVEY = "survey", _("问卷调查")
    SAFETY_1530 = "safety_1530", _("1530 安全教育")
    PATROL = "patrol", _("巡查")


class Activity(Versioned, Voidable):
    """A publicity or education activity (宣传教育), counted against the semester's duties."""

    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("主题"), max_length=200)
    audience = models.CharField(_("班级/对象"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    notes = LimitedTextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("宣传教育活动")
        verbose_name_plural = _("宣传教育活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} {self.title}"


class ActivityEvidence(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to="activity-evidence/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动佐证材料")
        verbose_name_plural = _("活动佐证材料")

    def __str__(self):
        return self.file.name
