"""The anonymous mailbox (网上爱心信箱). Nothing that identifies the tipster is stored: no IP,
no user agent, no account — only the text and a hash of the receipt code they keep."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("已收到，待处理")
    IN_PROGRESS = "in_progress", _("学校正在处理")
    CLOSED = "closed", _("已办结")


class Tip(models.Model):
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    body = LimitedTextField(_("举报内容"))
    happened_where = models.CharField(_("发生地点"), max_length=100, blank=True)
    happened_when = models.CharField(_("发生时间"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    closed_reason = LimitedTextField(_("办结说明"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("匿名举报")
        verbose_name_plural = _("匿名举报")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"


class TipMessage(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="messages")
    from_school = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    body = LimitedTextField(_("留言"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("举报留言")
        verbose_name_plural = _("举报留言")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"
