"""A school list uploaded by a bureau admin: what its row check found, and how far its
onboarding (a Celery task) has come. The file itself is kept, so the task reads exactly what the
admin confirmed, and a task that died can be run again without creating a school twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oversight.onboarding.workflow import JobState


class OnboardingJob(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("上传人"))  # fmt: skip
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    state = models.CharField(_("状态"), max_length=20, choices=JobState.choices, default=JobState.CHECKED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    good_rows = models.PositiveIntegerField(_("可开通行数"), default=0)
    skipped_rows = models.PositiveIntegerField(_("已开通（跳过）行数"), default=0)
    problems = models.JSONField(_("问题行"), default=list)  # [[line, text], …] from the row check
    processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    created = models.PositiveIntegerField(_("已开通学校数"), default=0)
    failures = models.JSONField(_("未开通的批次"), default=list)  # [[lines, text], …] from the run
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        app_label = "oversight"
        verbose_name = _("学校名单批量开通")
        verbose_name_plural = _("学校名单批量开通")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        return 100 if not self.good_rows else min(100, round(100 * self.processed / self.good_rows))
