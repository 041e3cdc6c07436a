"""Roll-up tables in the public schema: each school's de-identified figures, refreshed from the
school's own schema after its writes commit (oversight.rollups) and recomputed for every school by
the periodic reconcile. District pages read only these tables, never a school's schema.

Counting rules (also shown on the dashboard):
- voided records are not counted;
- an incident's month is the local (Asia/Shanghai) month of `occurred_at`;
- IncidentRollup counts each incident once; IncidentKindRollup counts a multi-kind incident once
  per kind (so its totals can exceed the number of incidents), and an incident with no kind yet
  under kind "" (未认定);
- hazards are counted by the month found, status and deadline, so "overdue" (open or rectifying,
  deadline before today) is worked out when read and never goes stale between refreshes;
- the care list is a count of open entries only — never a name.

Three kinds of table, each answering one kind of question fast at thousands of schools:
- per school (IncidentRollup, IncidentKindRollup, HazardRollup, ActivityRollup, SchoolMonthRollup,
  SchoolRollup): copied from the school's schema; read for one school or a chosen few;
- district cubes (DistrictIncidentCube, DistrictIncidentKindCube): the per-school incident rows
  summed by the schools' kind, area and whether they are active, so that the district's months,
  kinds and severities are read from a table whose size does not grow with the number of schools;
  a school's refresh moves its own contribution (see oversight.rollups);
- phase progress (PhaseProgressRollup): each school × phase cell of oversight.progress, so the
  district's progress is counted in SQL instead of being worked out school by school per view.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentRollup(models.Model):
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    severity = models.CharField(_("严重程度"), max_length=20, blank=True)
    stage = models.CharField(_("阶段"), max_length=20)
    count = models.PositiveIntegerField(_("事件数"))

    class Meta:
        verbose_name = _("事件汇总")
        verbose_name_plural = _("事件汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "month", "severity", "stage"], name="unique_incident_rollup"
            )
        ]
        indexes = [models.Index(fields=["month"], name="incident_rollup_month")]

    def __str__(self):
        return f"{self.school_id} {self.month:%Y-%m} {self.severity} {self.stage}: {self.count}"


class IncidentKindRollup(models.Model):
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    kind = models.CharField(_("欺凌类型"), max_length=20, blank=True)
    severity = models.CharField(_("严重程度"), max_length=20, blank=True)
    stage = models.CharField(_("阶段"), max_length=20)
    count = models.PositiveIntegerField(_("事件数"))

    class Meta:
        verbose_name = _("事件分类汇总")
        verbose_name_plural = _("事件分类汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "month", "kind", "severity", "stage"], name="unique_incident_kind_rollup"
            )
        ]
        indexes = [models.Index(fields=["month"], name="incident_kind_rollup_month")]

    def __str__(self):
        return f"{self.school_id} {self.month:%Y-%m} {self.kind} {self.severity} {self.stage}: {self.count}"


class HazardRollup(models.Model):
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("发现月份"))
    status = models.CharField(_("状态"), max_length=20)
    deadline = models.DateField(_("整改期限"))
    count = models.PositiveIntegerField(_("隐患数"))

    class Meta:
        verbose_name = _("台账汇总")
        verbose_name_plural = _("台账汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "month", "status", "deadline"], name="unique_hazard_rollup"
            )
        ]

    def __str__(self):
        return f"{self.school_id} {self.month:%Y-%m} {self.status} {self.deadline}: {self.count}"


class ActivityRollup(models.Model):
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    kind = models.CharField(_("活动类型"), max_length=20)
    count = models.PositiveIntegerField(_("活动次数"))
    participants = models.PositiveBigIntegerField(_("参与人次"))

    class Meta:
        verbose_name = _("活动汇总")
        verbose_name_plural = _("活动汇总")
        constraints = [
            models.UniqueConstraint(fields=["school", "month", "kind"], name="unique_activity_rollup")
        ]

    def __str__(self):
        return f"{self.school_id} {self.month:%Y-%m} {self.kind}: {self.count}"


class SchoolMonthRollup(models.Model):
    """One row per school and month with incidents: what the ranking and the flags add up."""

    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    incidents = models.PositiveIntegerField(_("事件数"))
    serious = models.PositiveIntegerField(_("严重欺凌事件数"))

    class Meta:
        verbose_name = _("学校月度汇总")
        verbose_name_plural = _("学校月度汇总")
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="unique_school_month_rollup")]
        indexes = [models.Index(fields=["month", "school"], name="school_month_rollup_month")]

    def __str__(self):
        return f"{self.school_id} {self.month:%Y-%m}: {self.incidents}"


class SchoolRollup(models.Model):
    """One row per school: the figures that have no month, where its contribution to the district
    cubes is filed (its kind, area and active state when it was last refreshed), and when."""

    school = models.OneToOneField(
        "tenants.School", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    care_list_size = models.PositiveIntegerField(_("重点关注学生数"))
    open_incidents = models.PositiveIntegerField(_("未结案事件数"), default=0)
    school_kind = models.CharField(_("学段类型"), max_length=20, default="")
    area = models.CharField(_("片区"), max_length=100, default="")
    active = models.BooleanField(_("正常运行"), default=True)
    refreshed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("学校汇总")
        verbose_name_plural = _("学校汇总")

    def __str__(self):
        return f"{self.school_id}: {self.care_list_size}"


class CubeBase(models.Model):
    """Counts summed over the schools of one kind, area and active state. Signed: a school's
    refresh adds its new contribution and subtracts its old one in a single upsert."""

    month = models.DateField(_("月份"))
    school_kind = models.CharField(_("学段类型"), max_length=20)
    area = models.CharField(_("片区"), max_length=100)
    active = models.BooleanField(_("正常运行"))
    count = models.IntegerField(_("事件数"))

    class Meta:
        abstract = True


class DistrictIncidentCube(CubeBase):
    severity = models.CharField(_("严重程度"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("全区事件汇总")
        verbose_name_plural = _("全区事件汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "severity", "school_kind", "area", "active"], name="unique_incident_cube"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.severity} {self.school_kind} {self.area}: {self.count}"


class DistrictIncidentKindCube(CubeBase):
    kind = models.CharField(_("欺凌类型"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("全区事件分类汇总")
        verbose_name_plural = _("全区事件分类汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "kind", "school_kind", "area", "active"], name="unique_incident_kind_cube"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.kind} {self.school_kind} {self.area}: {self.count}"


class ProgressState(models.TextChoices):
    """A cell's state as stored; "not submitted" becomes missing or pending when read, by its due
    date against today, so the stored row never goes stale as days pass."""

    ON_TIME = "on_time", _("按时提交")
    LATE = "late", _("逾期提交")
    NOT_SUBMITTED = "not_submitted", _("未提交")
    EXEMPTED = "exempted", _("免报")


class PhaseProgressRollup(models.Model):
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey("oversight.Phase", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("状态"), max_length=20, choices=ProgressState.choices)
    status = models.CharField(_("审核状态"), max_length=20, blank=True)
    due_on = models.DateField(_("截止日期"))
    extended = models.BooleanField(_("已延期"), default=False)
    submission_id = models.PositiveIntegerField(_("报告版本"), null=True, blank=True)

    class Meta:
        verbose_name = _("阶段进度汇总")
        verbose_name_plural = _("阶段进度汇总")
        constraints = [
            models.UniqueConstraint(fields=["school", "phase"], name="unique_phase_progress_rollup")
        ]
        indexes = [models.Index(fields=["phase", "state"], name="phase_progress_rollup_state")]

    def __str__(self):
        return f"{self.school_id} {self.phase_id}: {self.state}"


ROLLUP_MODELS = (
    IncidentRollup, IncidentKindRollup, SchoolMonthRollup, HazardRollup, ActivityRollup, SchoolRollup,
    DistrictIncidentCube, DistrictIncidentKindCube, PhaseProgressRollup,
)  # fmt: skip


class SchoolScorecard(models.Model):
    """One school's figures for the dashboard's default view (the latest campaign, its period, every
    school in its scope), as of `ScorecardStats.as_of`: what the ranking and the flags need, so the
    default view reads the top rows of an index instead of working out every school's figures.
    Written by oversight.scorecards with the roll-ups; figures that depend on today (missing
    reports, overdue fixes) are as of the day they were written, and the reader uses the cards only
    when they are of today."""

    school = models.OneToOneField(
        "tenants.School", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    name = models.CharField(_("学校名称"), max_length=100)
    incidents = models.PositiveIntegerField(_("事件数"), default=0)
    serious = models.PositiveIntegerField(_("严重欺凌事件数"), default=0)
    rate = models.FloatField(_("每千名学生事件数"), null=True)
    missing = models.PositiveIntegerField(_("缺报阶段报告数"), default=0)
    overdue_fixes = models.PositiveIntegerField(_("逾期未整改隐患数"), default=0)
    open_incidents = models.PositiveIntegerField(_("未结案事件数"), default=0)

    class Meta:
        verbose_name = _("学校记分卡")
        verbose_name_plural = _("学校记分卡")
        indexes = [
            models.Index(models.F("rate").desc(nulls_last=True), "name", name="scorecard_rate_desc"),
            models.Index(fields=["serious"], name="scorecard_serious"),
            models.Index(fields=["missing"], name="scorecard_missing"),
            models.Index(fields=["overdue_fixes"], name="scorecard_fixes"),
        ]

    def __str__(self):
        return f"{self.school_id}: {self.rate}"


class ScorecardStats(models.Model):
    """The district's sums over the scorecards (one row): the mean and standard deviation of the
    rates come from these, kept by each school's refresh moving its own terms."""

    as_of = models.DateField(_("统计日期"))
    campaign = models.ForeignKey("oversight.Campaign", on_delete=models.CASCADE, null=True, related_name="+")
    period_start = models.DateField(_("起始月"))
    period_end = models.DateField(_("结束月"))
    schools = models.PositiveIntegerField(_("学校数"), default=0)
    rated = models.PositiveIntegerField(_("有学生数的学校数"), default=0)
    rate_sum = models.FloatField(default=0)
    rate_square_sum = models.FloatField(default=0)
    open_incidents = models.PositiveIntegerField(_("未结案事件数"), default=0)
    overdue_fixes = models.PositiveIntegerField(_("逾期未整改隐患数"), default=0)

    class Meta:
        verbose_name = _("记分卡汇总")
        verbose_name_plural = _("记分卡汇总")

    def __str__(self):
        return f"{self.as_of}: {self.schools}"

    @property
    def mean(self) -> float | None:
        return self.rate_sum / self.rated if self.rated else None

    @property
    def sd(self) -> float:
        if not self.rated:
            return 0.0
        mean = self.rate_sum / self.rated
        return max(self.rate_square_sum / self.rated - mean * mean, 0.0) ** 0.5
