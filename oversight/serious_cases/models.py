"""The register's rows in the public schema. Nothing here names a pupil: the school's case code,
categories, counts by role with grade and sex, dates, and the account that passed the gate."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class ReportKind(models.TextChoices):
    FIRST = "first", _("首报")
    FOLLOW_UP = "follow_up", _("续报")
    CLOSING = "closing", _("结案报告")


class PlaceCategory(models.TextChoices):
    CLASSROOM = "classroom", _("教室")
    TOILET = "toilet", _("厕所")
    DORM = "dorm", _("宿舍")
    CANTEEN = "canteen", _("食堂")
    CORRIDOR = "corridor", _("走廊楼道")
    PLAYGROUND = "playground", _("操场")
    OFF_CAMPUS = "off_campus", _("校外")
    ONLINE = "online", _("网络")
    OTHER = "other", _("其他")


class PublicAttention(models.TextChoices):
    NONE = "none", _("无")
    LOCAL = "local", _("局部关注")
    WIDE = "wide", _("广泛关注")


class ExternalSource(models.TextChoices):
    POLICE = "police", _("公安机关")
    PARENTS = "parents", _("家长")
    MEDIA = "media", _("媒体")
    HOTLINE = "hotline", _("热线/信访")
    OTHER = "other", _("其他")


class SeriousCase(models.Model):
    """One school incident that must be reported up: when it became due and what is still due.
    Written by the school's own actions the moment the incident becomes reportable, so a missed
    report shows as 漏报 from its deadline on without any further write."""

    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="serious_cases",
                               verbose_name=_("学校"))  # fmt: skip
    incident_id = models.PositiveIntegerField(_("学校端事件ID"))
    case_code = models.CharField(_("事件编号"), max_length=30)
    occurred_on = models.DateField(_("发生日期"))
    first_known_at = models.DateTimeField(_("学校知悉时间"))
    due_from = models.DateTimeField(_("报送时限起算时间"))
    report_due_at = models.DateTimeField(_("首报截止时间"))
    follow_up_due_at = models.DateTimeField(_("续报截止时间"), null=True, blank=True)
    follow_up_asked_at = models.DateTimeField(_("要求续报时间"), null=True, blank=True)
    closing_due_at = models.DateTimeField(_("结案报告截止时间"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # The school-side facts' fingerprint now and as last reported: a difference asks for a 续报.
    facts_hash = models.CharField(max_length=64, editable=False)
    reported_facts_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The last passed deadline bureau staff were told of (so beat running twice tells them once).
    noticed_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("严重欺凌事件")
        verbose_name_plural = _("严重欺凌事件")
        ordering = ["-due_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "incident_id"], name="unique_serious_case"),
            models.UniqueConstraint(fields=["school", "case_code"], name="unique_serious_case_code"),
        ]

    def __str__(self):
        return f"{self.school} · {self.case_code}"


class SeriousCaseReport(models.Model):
    """One filed report (首报, 续报 or 结案报告). Never changed after it is filed; its hash chains it
    to the same school's previous report (`manage.py verify_submissions` recomputes it)."""

    case = models.ForeignKey(SeriousCase, on_delete=models.PROTECT, related_name="reports")
    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    due_at = models.DateTimeField(_("应报时间"))
    filed_at = models.DateTimeField(_("报送时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kinds = ArrayField(models.CharField(max_length=20), default=list, verbose_name=_("欺凌类型"))
    severity = models.CharField(_("严重程度"), max_length=20)
    parties = models.JSONField(_("当事人（角色、年级、性别）"), default=list)
    occurred_on = models.DateField(_("发生日期"))
    determined_on = models.DateField(_("认定日期"), null=True, blank=True)
    place_category = models.CharField(_("地点类别"), max_length=20, choices=PlaceCategory.choices)
    measures = ArrayField(
        models.CharField(max_length=30), default=list, blank=True, verbose_name=_("处置措施")
    )
    measures_text = LimitedTextField(_("处置情况补充"), max_length=2000, blank=True)
    police_involved = models.BooleanField(_("公安介入"), default=False)
    medical_treatment = models.BooleanField(_("就医治疗"), default=False)
    public_attention = models.CharField(_("舆情"), max_length=10, choices=PublicAttention.choices,
                                        default=PublicAttention.NONE)  # fmt: skip
    attention_channel = models.CharField(_("舆情渠道"), max_length=100, blank=True)
    account = LimitedTextField(_("事件经过及处置"), max_length=5000)
    content_hash = models.CharField(_("内容哈希"), max_length=64, unique=True)
    prev_hash = models.CharField(_("前一报告哈希"), max_length=64)

    class Meta:
        verbose_name = _("严重欺凌事件报告")
        verbose_name_plural = _("严重欺凌事件报告")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_serious_report_number")
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()} {self.number}"

    @property
    def severity_label(self) -> str:
        from schools.models import IncidentSeverity

        return str(IncidentSeverity(self.severity).label) if self.severity in IncidentSeverity.values else ""

    @property
    def is_late(self) -> bool:
        return self.filed_at > self.due_at

    @property
    def late_by(self):
        return self.filed_at - self.due_at if self.is_late else None


class ExternalReport(models.Model):
    """The district learned of a school's case elsewhere (police, parents, media): an expected
    report for that school; an earlier knowledge time at the school that was never reported is
    flagged as suspected concealment (瞒报)."""

    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校")
    )
    source = models.CharField(_("信息来源"), max_length=20, choices=ExternalSource.choices)
    source_detail = models.CharField(_("来源说明"), max_length=200, blank=True)
    learned_at = models.DateTimeField(_("获知时间"))
    occurred_on = models.DateField(_("事件发生日期"))
    case_code = models.CharField(_("事件编号（如已知）"), max_length=30, blank=True)
    note = LimitedTextField(_("情况说明"), max_length=2000, blank=True)
    report_due_at = models.DateTimeField(_("学校应报时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    noticed_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("其他渠道获知的事件")
        verbose_name_plural = _("其他渠道获知的事件")
        ordering = ["-learned_at", "-id"]

    def __str__(self):
        return f"{self.school} · {self.get_source_display()} · {self.learned_at:%Y-%m-%d}"
