"""District appeals, worked with the school's case code; the family's identity stays in the school."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class AppealChannel(models.TextChoices):
    FORWARDED = "forwarded", _("学校转交")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    HOTLINE = "hotline", _("热线")
    ONLINE = "online", _("网上信访")


class AppealSubject(models.TextChoices):
    DETERMINATION = "determination", _("认定结论")
    HANDLING = "handling", _("处置措施")


class AppealState(models.TextChoices):
    PENDING = "pending", _("复查中")
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("变更")
    REFERRED = "referred", _("移送/转办")


class DistrictAppeal(models.Model):
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校")
    )
    case_code = models.CharField(_("事件编号"), max_length=30)
    incident_id = models.PositiveIntegerField(_("学校端事件ID"))
    subject = models.CharField(_("复查事项"), max_length=20, choices=AppealSubject.choices)
    channel = models.CharField(_("收件渠道"), max_length=20, choices=AppealChannel.choices)
    received_on = models.DateField(_("收件日期"))
    due_on = models.DateField(_("复查期限"))
    grounds = LimitedTextField(_("复查请求"), max_length=3000)
    state = models.CharField(
        _("状态"), max_length=20, choices=AppealState.choices, default=AppealState.PENDING
    )
    decision_reasons = LimitedTextField(_("复查理由"), max_length=3000, blank=True)
    delay_reason = LimitedTextField(_("逾期说明"), max_length=1000, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    school_response = LimitedTextField(_("学校整改情况"), max_length=3000, blank=True)
    school_responded_at = models.DateTimeField(_("学校答复时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("区级复查")
        verbose_name_plural = _("区级复查")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.school} · {self.case_code} · {self.get_state_display()}"
