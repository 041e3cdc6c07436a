from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class TaskFailure(models.Model):
    """A Celery task that failed for good (after its retries): shown on the operations page and by
    `manage.py doctor`. Only ids and the error message are kept: task arguments are ids too."""

    task_name = models.CharField(_("任务"), max_length=200)
    task_id = models.CharField(_("任务编号"), max_length=64)
    schema_name = models.CharField(_("学校数据架构"), max_length=63, blank=True)
    error = LimitedTextField(_("错误"))
    failed_at = models.DateTimeField(_("失败时间"), auto_now_add=True)

    class Meta:
        app_label = "oversight"
        verbose_name = _("后台任务失败")
        verbose_name_plural = _("后台任务失败")
        ordering = ["-failed_at", "-id"]
        indexes = [models.Index(fields=["-failed_at"], name="taskfailure_recent")]

    def __str__(self):
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"
