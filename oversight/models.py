"""The district layer: campaigns (专项行动) and their phases. Phases are data, not code.

A phase's report is written in the school's schema (schools.models.reports); what reaches this
schema is a de-identified PhaseSubmission row: figures, status, server timestamps and hashes."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oversight.reporting import default_template, template_problems
from tenants.fields import LimitedTextField
from tenants.models import SchoolKind

SCHOOL_KIND_CHOICES = SchoolKind.choices


class CampaignScope(models.TextChoices):
    ALL = "all", _("全区所有学校")
    CHOSEN = "chosen", _("指定学校")
    KINDS = "kinds", _("按学段类型")


class Campaign(models.Model):
    name = models.CharField(_("专项行动名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = LimitedTextField(_("总体要求"), blank=True)
    scope = models.CharField(
        _("参加范围"), max_length=10, choices=CampaignScope.choices, default=CampaignScope.ALL
    )
    schools = models.ManyToManyField(
        "tenants.School", blank=True, related_name="campaigns", verbose_name=_("指定学校")
    )
    kinds = ArrayField(
        models.CharField(max_length=20, choices=SCHOOL_KIND_CHOICES), default=list, blank=True,
        verbose_name=_("学段类型"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="unique_campaign_per_year")]

    def __str__(self):
        return f"{self.year} {self.name}"

    def clean(self):
        if self.scope == CampaignScope.KINDS and not self.kinds:
            raise ValidationError({"kinds": _("按学段类型确定范围时，请至少选择一种学段类型。")})

    def schools_in_scope(self):
        """The schools expected to report: active schools the scope names (never the public schema)."""
        from tenants.models import School, SchoolStatus

        schools = School.objects.exclude(schema_name="public").filter(status=SchoolStatus.ACTIVE)
        if self.scope == CampaignScope.CHOSEN:
            return schools.filter(pk__in=self.schools.values("pk"))
        if self.scope == CampaignScope.KINDS:
            return schools.filter(kind__in=self.kinds)
        return schools

    def includes(self, school) -> bool:
        return self.schools_in_scope().filter(pk=school.pk).exists()

    @classmethod
    def including(cls, school):
        """The campaigns whose scope includes `school` (the same rule as schools_in_scope, in one query)."""
        from tenants.models import SchoolStatus

        if school is None or school.status != SchoolStatus.ACTIVE or school.schema_name == "public":
            return cls.objects.none()
        return cls.objects.filter(
            Q(scope=CampaignScope.ALL)
            | Q(scope=CampaignScope.CHOSEN, schools=school)
            | Q(scope=CampaignScope.KINDS, kinds__contains=[school.kind])
        ).distinct()


class PhasePeriod(models.TextChoices):
    NONE = "", _("自定阶段")
    MONTH = "month", _("月报")


def monthly_name(month: dt.date) -> str:
    return gettext("%(year)s年%(month)s月月报") % {"year": month.year, "month": month.month}


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="phases")
    order = models.PositiveSmallIntegerField(_("顺序"))
    # A phase the bureau names keeps its name in `title`; a generated monthly phase keeps only a
    # language-neutral "YYYY-MM" there and is named in the reader's language (see `name`).
    title = models.CharField(_("阶段名称"), max_length=100, db_column="name")
    period = models.CharField(_("周期"), max_length=10, choices=PhasePeriod.choices, blank=True, default="")
    goals = LimitedTextField(_("工作目标"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    report_due_on = models.DateField(_("报告截止日期"))
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=0)
    accepts_until = models.DateField(
        _("逾期补报截止日期"), null=True, blank=True,
        help_text=_("截止日期（含宽限）之后仍接收迟报的最后一天；留空则逾期后须经延期方可提交。"),
    )  # fmt: skip
    report_template = models.JSONField(_("报告模板"), default=default_template, blank=True)

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="unique_phase_order"),
            # One phase per period in a campaign, however it was created (one by one, generated).
            models.UniqueConstraint(fields=["campaign", "starts_on", "ends_on"], name="unique_phase_period"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_window_ordered"),
            models.CheckConstraint(
                condition=Q(report_due_on__gte=F("starts_on")), name="phase_due_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.name}"

    @property
    def name(self) -> str:
        """The phase's name in the active language."""
        if self.period == PhasePeriod.MONTH and self.starts_on:
            return monthly_name(self.starts_on)
        return self.title

    @name.setter
    def name(self, value: str) -> None:
        self.title = value

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if self.starts_on and self.report_due_on and self.report_due_on < self.starts_on:
            raise ValidationError({"report_due_on": _("报告截止日期不能早于阶段开始日期。")})
        if self.accepts_until and self.report_due_on and self.accepts_until < self.report_due_on:
            raise ValidationError({"accepts_until": _("逾期补报截止日期不能早于报告截止日期。")})
        problems = template_problems(self.report_template)
        if problems:
            raise ValidationError({"report_template": problems})

    @property
    def on_time_until(self) -> dt.date:
        """The last day a report counts as on time (due date plus grace days)."""
        return self.report_due_on + dt.timedelta(days=self.grace_days)

    @property
    def closes_on(self) -> dt.date:
        """The last day the phase accepts a first submission without an extension."""
        return max(self.ends_on, self.on_time_until, self.accepts_until or self.on_time_until)

    def figure_keys(self) -> list[str]:
        return list((self.report_template or {}).get("figures", []))

    def sections(self) -> list[dict]:
        return list((self.report_template or {}).get("sections", []))


class PhaseExtension(models.Model):
    """延期: a school may report later than the phase's due date. Never edited; a later grant wins."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="extensions")
    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("延期后截止日期"))
    reason = LimitedTextField(_("延期原因"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        ordering = ["phase", "school", "-granted_at", "-id"]

    def __str__(self):
        return f"{self.phase} · {self.school} → {self.due_on}"


class PhaseExemption(models.Model):
    """免报: the school is not expected to report this phase (counted apart from late and missing)."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="exemptions")
    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="+")
    reason = LimitedTextField(_("免报原因"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("免报")
        verbose_name_plural = _("免报")
        constraints = [models.UniqueConstraint(fields=["phase", "school"], name="unique_phase_exemption")]

    def __str__(self):
        return f"{self.phase} · {self.school}"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


GENESIS_HASH = "0" * 64


class PhaseSubmission(models.Model):
    """The de-identified summary of one submitted version of a school's phase report.

    Figures, status and server timestamps only — never narrative text or names. `content_hash`
    is the SHA-256 of the school-side report's canonical content chained to `prev_hash`, the
    school's previous submission; `manage.py verify_submissions` recomputes the chains."""

    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="phase_submissions")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveSmallIntegerField(_("版本"))
    report_id = models.PositiveBigIntegerField(_("学校报告编号"))
    figures = models.JSONField(_("统计数据"), default=dict)
    overridden = models.JSONField(_("经修改的统计项"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    prev_hash = models.CharField(_("前一提交哈希"), max_length=64)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = LimitedTextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("阶段报告提交")
        verbose_name_plural = _("阶段报告提交")
        ordering = ["school", "phase", "version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "phase", "version"], name="unique_submission_version"),
            models.UniqueConstraint(fields=["content_hash"], name="unique_submission_hash"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""), name="returned_has_comment"
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.phase} · v{self.version}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("截止前提醒")
    DUE_TODAY = "due_today", _("当日提醒")
    OVERDUE = "overdue", _("逾期提醒")


class PhaseReminder(models.Model):
    """One reminder sent to one school for one phase on one day, so beat can run twice safely."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="reminders")
    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("提醒类型"), max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField(_("发送日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报告提醒")
        verbose_name_plural = _("报告提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "school", "kind", "sent_on"], name="unique_phase_reminder"
            )
        ]

    def __str__(self):
        return f"{self.phase} · {self.school} · {self.kind} · {self.sent_on}"


# The 问题突出学校 rules' bounds (a threshold of 0 turns its rule off), checked by every door.
FLAG_THRESHOLD = [MaxValueValidator(1000)]
FLAG_WEIGHT = [MaxValueValidator(100)]
FLAG_RULE_FIELDS = (
    "flag_rate_sigma", "flag_rate_weight", "flag_serious_cases", "flag_serious_weight", "flag_overdue_reports",
    "flag_overdue_reports_weight", "flag_overdue_fixes", "flag_overdue_fixes_weight", "flag_overdue_notices",
    "flag_overdue_notices_weight", "flag_min_score",
)  # fmt: skip


class BreakGlassMode(models.TextChoices):
    SECOND_APPROVER = "second_approver", _("须另一名教育局人员批准")
    SCHOOL_NOTICE = "school_notice", _("告知学校并延迟生效（学校可提出异议）")


# DistrictSettings fields edited elsewhere or not by people: the settings page shows all the others,
# so a time limit added to the model appears on it without a change to the page.
SETTINGS_PAGE_EXCLUDED = ("id", "updated_at", *FLAG_RULE_FIELDS)


class DistrictSettings(models.Model):
    """The district's time limits and thresholds (DESIGN.md §3). One row; defaults from the rules."""

    investigation_days = models.PositiveSmallIntegerField(_("调查认定期限（天）"), default=10)
    appeal_review_days = models.PositiveSmallIntegerField(_("区级复查期限（天）"), default=15)
    determination_appeal_days = models.PositiveSmallIntegerField(_("学校答复认定申诉期限（天）"), default=15)
    discipline_appeal_working_days = models.PositiveSmallIntegerField(_("处分申诉期限（工作日）"), default=15)
    serious_report_hours = models.PositiveSmallIntegerField(_("严重欺凌上报时限（小时）"), default=24)
    visit_record_days = models.PositiveSmallIntegerField(_("督导记录提交期限（天）"), default=2)
    fix_recheck_days = models.PositiveSmallIntegerField(_("整改复查期限（天）"), default=30)
    # 挂牌督导 coverage: how often each school must be visited, and when a school counts as not visited.
    visit_frequency = models.CharField(
        _("例行督导频次单位"), max_length=10, default="semester",
        choices=[("semester", _("每学期")), ("month", _("每月"))],
    )  # fmt: skip
    visits_required = models.PositiveSmallIntegerField(
        _("每个周期应督导（次）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    not_visited_days = models.PositiveSmallIntegerField(
        _("超过多少天未督导列为未督导学校"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    supervision_hotline = models.CharField(_("教育督导举报电话"), max_length=50, blank=True)
    accountability_challenge_days = models.PositiveSmallIntegerField(_("问责复核期限（天）"), default=30)
    summons_ack_days = models.PositiveSmallIntegerField(_("约谈通知签收期限（天）"), default=2)
    summons_report_days = models.PositiveSmallIntegerField(_("约谈后整改报告期限（天）"), default=30)
    accountability_repeat_days = models.PositiveSmallIntegerField(_("重复问责提示时段（天）"), default=365)
    disclosure_expiry_years = models.PositiveSmallIntegerField(_("信息公开保留期限（年）"), default=5)
    disclosure_facts_max = models.PositiveSmallIntegerField(_("信息公开事实部分字数上限"), default=600)
    # The anti-bullying part of each school's annual evaluation (纳入学校教育质量评价): points off a base.
    eval_base_score = models.PositiveSmallIntegerField(
        _("年度评价基础分"), default=100, validators=[MaxValueValidator(1000)]
    )
    eval_report_points = models.PositiveSmallIntegerField(_("每份迟报或未报阶段报告扣分"), default=2,
                                                          validators=[MaxValueValidator(100)])  # fmt: skip
    eval_serious_points = models.PositiveSmallIntegerField(_("每起迟报、漏报或瞒报的严重欺凌事件扣分"), default=5,
                                                           validators=[MaxValueValidator(100)])  # fmt: skip
    eval_notice_points = models.PositiveSmallIntegerField(_("每份未销号整改通知书扣分"), default=2,
                                                          validators=[MaxValueValidator(100)])  # fmt: skip
    eval_summons_points = models.PositiveSmallIntegerField(
        _("每次约谈扣分"), default=5, validators=[MaxValueValidator(100)]
    )
    eval_accountability_points = models.PositiveSmallIntegerField(_("每项问责扣分"), default=10,
                                                                  validators=[MaxValueValidator(100)])  # fmt: skip
    class_meetings_per_semester = models.PositiveSmallIntegerField(_("每班每学期主题班会（次）"), default=2)
    surveys_per_semester = models.PositiveSmallIntegerField(_("每学期全校问卷调查（次）"), default=1)
    report_reminder_days = models.PositiveSmallIntegerField(_("阶段报告截止前提醒（天）"), default=3)
    overdue_reminder_every_days = models.PositiveSmallIntegerField(_("逾期后每隔几天再提醒"), default=7)
    break_glass_hours = models.PositiveSmallIntegerField(_("紧急调阅授权有效期（小时）"), default=72)
    break_glass_mode = models.CharField(
        _("紧急调阅的批准方式"),
        max_length=20,
        choices=BreakGlassMode.choices,
        default=BreakGlassMode.SECOND_APPROVER,
    )
    break_glass_delay_hours = models.PositiveSmallIntegerField(
        _("告知学校后延迟生效（小时）"), default=4, validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("批准方式为“告知学校并延迟生效”时，学校可在此期间提出异议。"),
    )  # fmt: skip
    # 问题突出学校: each rule that a school meets adds its weight; a score of flag_min_score flags it.
    flag_rate_sigma = models.DecimalField(
        _("发生率高于全区均值的标准差倍数"), max_digits=3, decimal_places=1, default=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )  # fmt: skip
    flag_rate_weight = models.PositiveSmallIntegerField(
        _("发生率偏高的权重"), default=2, validators=FLAG_WEIGHT
    )
    flag_serious_cases = models.PositiveSmallIntegerField(
        _("严重欺凌事件达到（件）"), default=2, validators=FLAG_THRESHOLD
    )
    flag_serious_weight = models.PositiveSmallIntegerField(
        _("严重欺凌多发的权重"), default=2, validators=FLAG_WEIGHT
    )
    flag_overdue_reports = models.PositiveSmallIntegerField(
        _("阶段报告缺报达到（份）"), default=1, validators=FLAG_THRESHOLD
    )
    flag_overdue_reports_weight = models.PositiveSmallIntegerField(
        _("阶段报告缺报的权重"), default=1, validators=FLAG_WEIGHT
    )
    flag_overdue_fixes = models.PositiveSmallIntegerField(
        _("隐患逾期未整改达到（项）"), default=1, validators=FLAG_THRESHOLD
    )
    flag_overdue_fixes_weight = models.PositiveSmallIntegerField(
        _("隐患逾期未整改的权重"), default=1, validators=FLAG_WEIGHT
    )
    flag_overdue_notices = models.PositiveSmallIntegerField(
        _("整改通知书逾期未销号达到（份）"), default=1, validators=FLAG_THRESHOLD
    )
    flag_overdue_notices_weight = models.PositiveSmallIntegerField(
        _("整改通知书逾期的权重"), default=1, validators=FLAG_WEIGHT
    )
    flag_min_score = models.PositiveSmallIntegerField(
        _("列为问题突出学校的最低分值"), default=2, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("区级设置")
        verbose_name_plural = _("区级设置")

    def __str__(self):
        return str(_("区级设置"))

    @classmethod
    def current(cls) -> "DistrictSettings":
        settings_row = cls.objects.order_by("pk").first()
        return settings_row if settings_row is not None else cls.objects.create()


class BreakGlassState(models.TextChoices):
    REQUESTED = "requested", _("待批准")
    DELAYED = "delayed", _("已告知学校，延迟生效")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    OBJECTED = "objected", _("学校已提出异议")


class BreakGlassGrant(models.Model):
    """A district user's time-limited, reason-stated right to read one serious case's records in
    one school (names included). It opens only when a second bureau user approves it, or — where
    the district chose so — after a delay in which the school, told at once, may object. The
    school sees every grant and every page viewed under it."""

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants",
        verbose_name=_("调阅人"),
    )  # fmt: skip
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校")
    )
    # The incident lives in the school's schema: its id there, and its pseudonymous code.
    incident_id = models.PositiveIntegerField(_("事件ID"))
    incident_code = models.CharField(_("事件编号"), max_length=30)
    reason = LimitedTextField(_("调阅理由"))
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=BreakGlassState.choices, default=BreakGlassState.APPROVED
    )
    starts_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("批准人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = LimitedTextField(_("审批意见"), blank=True)
    objected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("异议人"),
    )  # fmt: skip
    objected_at = models.DateTimeField(_("异议时间"), null=True, blank=True)
    objection_reason = LimitedTextField(_("学校异议理由"), blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("撤销人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("紧急调阅授权")
        verbose_name_plural = _("紧急调阅授权")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["grantee", "school", "incident_id"], name="break_glass_lookup")]

    def __str__(self):
        return f"{self.school} · {self.incident_code} · {self.grantee}"

    def is_active(self, now=None) -> bool:
        """Open now: approved (or its delay passed without an objection), started, not expired or revoked."""
        from django.utils import timezone

        now = now or timezone.now()
        return (
            self.revoked_at is None and self.state in (BreakGlassState.APPROVED, BreakGlassState.DELAYED)
            and self.starts_at is not None and self.starts_at <= now < self.expires_at
        )  # fmt: skip

    @property
    def status_label(self) -> str:
        from django.utils import timezone

        if self.revoked_at is not None:
            return str(_("已撤销"))
        if self.state in (BreakGlassState.REJECTED, BreakGlassState.OBJECTED):
            return str(self.get_state_display())
        now = timezone.now()
        if self.is_active(now):
            return str(_("有效"))
        if self.expires_at <= now:
            return str(_("已过期"))
        return str(self.get_state_display())

    def incident_path(self) -> str:
        return f"/incidents/{self.incident_id}/"

    def incident_url(self) -> str:
        """The incident's page on the school's own site."""
        from district_portal.urls_helpers import site_url

        return site_url(self.school.host(), self.incident_path())


class BreakGlassAccess(models.Model):
    """One page viewed under a break-glass grant. Append-only."""

    grant = models.ForeignKey(
        BreakGlassGrant, on_delete=models.PROTECT, related_name="accesses", verbose_name=_("授权")
    )
    path = models.CharField(_("查看页面"), max_length=500)
    at = models.DateTimeField(_("查看时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("紧急调阅查看记录")
        verbose_name_plural = _("紧急调阅查看记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.path}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("查看记录不可修改。"))
        return super().save(*args, **kwargs)


# The roll-up tables (read by the district dashboard) live in their own module.
# The district's sub-packages keep app label `oversight`; imported here so migrations see them.
from oversight.accountability.models import AccountabilityBasis, AccountabilityRecord  # noqa: E402, F401
from oversight.appeals.models import DistrictAppeal  # noqa: E402, F401
from oversight.disclosures.models import Disclosure, DisclosureSignoff, DisclosureVersion  # noqa: E402, F401
from oversight.models_rollups import (  # noqa: E402, F401
    ActivityRollup,
    DistrictIncidentCube,
    DistrictIncidentKindCube,
    HazardRollup,
    IncidentKindRollup,
    IncidentRollup,
    PhaseProgressRollup,
    SchoolMonthRollup,
    SchoolRollup,
    SchoolScorecard,
    ScorecardStats,
)
from oversight.onboarding.models import OnboardingJob  # noqa: E402, F401
from oversight.operations.models import TaskFailure  # noqa: E402, F401
from oversight.serious_cases.models import ExternalReport, SeriousCase, SeriousCaseReport  # noqa: E402, F401
from oversight.summons.models import Circular, Commitment, Summons, SummonsReason  # noqa: E402, F401
