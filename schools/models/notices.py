from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class NoticeDelivery(models.TextChoices):
    """What happened to a notice's e-mail: "sent" only once the mail server took it."""

    PENDING = "pending", _("待发送")
    SENT = "sent", _("已送达邮箱")
    NO_ADDRESS = "no_address", _("未发送：接收人没有邮箱")
    RETRYING = "retrying", _("发送失败，正在重试")
    FAILED = "failed", _("发送失败")


class Notice(models.Model):
    """An in-app notice to one member of this school; e-mailed by a Celery task after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("接收人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = LimitedTextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("邮件送达时间"), null=True, blank=True)
    delivery = models.CharField(
        _("邮件状态"), max_length=20, choices=NoticeDelivery.choices, default=NoticeDelivery.PENDING
    )
    delivery_error = models.CharField(_("发送错误"), max_length=500, blank=True)
    # Not a Positive… field: Citus refuses ADD COLUMN with an unnamed CHECK on a distributed schema,
    # and the count is only ever incremented.
    delivery_attempts = models.SmallIntegerField(_("发送次数"), default=0)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title
