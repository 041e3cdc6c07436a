"""Phase reports (阶段报告), written in the school's own schema because narratives may name students.

A report is a draft until submitted; on submit it is locked for good and its canonical content
is hashed (schools.actions.reports). A returned report is revised as a new version whose
`previous` is the returned one, so every version is kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned


class PhaseReport(Versioned):
    """One version of this school's report for one phase. `version` (from Versioned) guards
    concurrent edits of a draft; `number` is the report version the district sees (第 n 版)."""

    phase = models.ForeignKey(
        "oversight.Phase",
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("阶段"),
    )
    number = models.PositiveSmallIntegerField(_("报告版本"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version",
        verbose_name=_("上一版本"),
    )  # fmt: skip
    prefilled = models.JSONField(_("系统统计数"), default=dict, blank=True)
    figures = models.JSONField(_("填报数"), default=dict, blank=True)
    overrides = models.JSONField(_("修改说明"), default=dict, blank=True)  # figure key -> reason
    sections = models.JSONField(_("文字部分"), default=dict, blank=True)  # section key -> text
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("提交人"),
    )  # fmt: skip
    content_hash = models.CharField(_("内容哈希"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一提交哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("阶段报告")
        verbose_name_plural = _("阶段报告")
        ordering = ["phase", "number"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "number"], name="unique_report_number"),
            models.UniqueConstraint(
                fields=["phase"], condition=Q(submitted_at__isnull=True), name="one_draft_per_phase"
            ),
        ]

    def __str__(self):
        return f"{self.phase} · v{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None


class PhaseReportAttachment(models.Model):
    """A file attached to a report version; its SHA-256 is part of the report's hashed content."""

    report = models.ForeignKey(PhaseReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="phase-reports/%Y/")
    name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["report", "id"]

    def __str__(self):
        return self.name
