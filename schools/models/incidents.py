from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentSource(models.TextChoices):
    STUDENT = "student", _("学生报告")
    TEACHER = "teacher", _("教师发现")
    ANONYMOUS = "anonymous", _("匿名举报")
    PATROL = "patrol", _("巡查")
    PARENT = "parent", _("家长")
    POLICE = "police", _("公安")


class IncidentStage(models.TextChoices):
    INTAKE = "intake", _("登记")
    INVESTIGATING = "investigating", _("调查认定中")
    DETERMINED = "determined", _("已认定")
    HANDLING = "handling", _("处置中")
    FOLLOW_UP = "follow_up", _("追踪辅导")
    CLOSED = "closed", _("已结案")


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", _("情节轻微的一般欺凌")
    REPEATED = "repeated", _("反复发生的一般欺凌")
    SERIOUS = "serious", _("严重欺凌")
    EGREGIOUS = "egregious", _("屡教不改或情节恶劣")
    CRIMINAL = "criminal", _("违反治安管理或涉嫌犯罪")


class Incident(models.Model):
    """A suspected bullying incident. Never deleted: a mistaken one is voided with a reason."""

    code = models.CharField(_("事件编号"), max_length=20, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=IncidentSource.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("地点"), max_length=100)
    summary = models.TextField(_("事件经过"))
    stage = models.CharField(
        _("阶段"), max_length=20, choices=IncidentStage.choices, default=IncidentStage.INTAKE
    )
    severity = models.CharField(_("严重程度"), max_length=20, choices=IncidentSeverity.choices, blank=True)
    opened_on = models.DateField(_("立案调查日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    voided_reason = models.TextField(_("作废原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("欺凌事件")
        verbose_name_plural = _("欺凌事件")
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return self.code

    @property
    def is_serious(self) -> bool:
        return self.severity in {
            IncidentSeverity.SERIOUS,
            IncidentSeverity.EGREGIOUS,
            IncidentSeverity.CRIMINAL,
        }
