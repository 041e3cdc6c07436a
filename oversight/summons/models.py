"""Summons rows in the public schema. They name posts and staff (personnel data), never pupils."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class SummonsState(models.TextChoices):
    ISSUED = "issued", _("已发出")
    ACKNOWLEDGED = "acknowledged", _("学校已签收")
    MET = "met", _("已约谈")
    REPORTED = "reported", _("整改报告待核查")
    RETURNED = "returned", _("整改报告已退回")
    CLOSED = "closed", _("已核查办结")


class ReasonKind(models.TextChoices):
    PHASE_MISSING = "phase_missing", _("阶段报告未报")
    PHASE_LATE = "phase_late", _("阶段报告迟报")
    SERIOUS_MISSING = "serious_missing", _("严重欺凌事件漏报")
    SERIOUS_LATE = "serious_late", _("严重欺凌事件迟报")
    SERIOUS_CONCEALED = "serious_concealed", _("严重欺凌事件瞒报嫌疑")
    NOTICE_OVERDUE = "notice_overdue", _("整改通知书逾期未整改")
    FLAGGED = "flagged", _("问题突出学校")
    APPEAL_CHANGED = "appeal_changed", _("区级复查变更学校结论")


class Summons(models.Model):
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    state = models.CharField(
        _("状态"), max_length=20, choices=SummonsState.choices, default=SummonsState.ISSUED
    )
    meeting_at = models.DateTimeField(_("约谈时间"))
    place = models.CharField(_("约谈地点"), max_length=200)
    summoned_posts = ArrayField(models.CharField(max_length=50), verbose_name=_("被约谈人员（职务）"))
    interviewers = models.CharField(_("约谈人"), max_length=300)
    documents = LimitedTextField(_("需携带材料"), max_length=2000, blank=True)
    ack_due_at = models.DateTimeField(_("签收期限"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("签收人"))  # fmt: skip
    attendees = models.JSONField(_("参加人员及职务"), default=list, blank=True)
    problems_raised = LimitedTextField(_("指出的问题"), max_length=5000, blank=True)
    school_statement = LimitedTextField(_("学校表态发言"), max_length=5000, blank=True)
    recorded_at = models.DateTimeField(_("约谈记录时间"), null=True, blank=True)
    report_due_on = models.DateField(_("整改报告期限"), null=True, blank=True)
    report_text = LimitedTextField(_("整改报告"), max_length=8000, blank=True)
    report_evidence = LimitedTextField(_("整改佐证材料说明"), max_length=3000, blank=True)
    reported_at = models.DateTimeField(_("整改报告提交时间"), null=True, blank=True)
    review_comment = LimitedTextField(_("核查意见"), max_length=3000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="unique_summons_number")]

    def __str__(self):
        return f"{self.number} · {self.school}"

    @property
    def number(self) -> str:
        """文号, numbered per year: 约谈〔2026〕3号 (the district's prefix is added on the notice)."""
        return _("约谈〔%(year)s〕%(seq)s号") % {"year": self.year, "seq": self.sequence}


class SummonsReason(models.Model):
    """One linked reason: the record it rests on and the figure shown for it when issued."""

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="reasons")
    kind = models.CharField(_("约谈事由"), max_length=30, choices=ReasonKind.choices)
    phase = models.ForeignKey(
        "oversight.Phase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    serious_case = models.ForeignKey("oversight.SeriousCase", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    notice = models.ForeignKey("inspections.RectificationNotice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    appeal = models.ForeignKey("oversight.DistrictAppeal", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    figure = models.CharField(_("情况"), max_length=300)

    class Meta:
        verbose_name = _("约谈事由")
        verbose_name_plural = _("约谈事由")
        ordering = ["summons", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.figure}"


class Commitment(models.Model):
    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="commitments")
    text = models.CharField(_("承诺事项"), max_length=500)
    owner_post = models.CharField(_("责任人（职务）"), max_length=50)
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改承诺")
        verbose_name_plural = _("整改承诺")
        ordering = ["summons", "due_on", "id"]

    def __str__(self):
        return self.text


class Circular(models.Model):
    """通报: a de-identified notice circulated to every school's site (optionally about a summons)."""

    title = models.CharField(_("标题"), max_length=200)
    body = LimitedTextField(_("通报内容"), max_length=5000)
    summons = models.ForeignKey(Summons, null=True, blank=True, on_delete=models.PROTECT, related_name="circulars",
                                verbose_name=_("相关约谈"))  # fmt: skip
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("通报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.title
