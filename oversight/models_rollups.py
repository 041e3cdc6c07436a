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


class SchoolRollup(models.Model):
    """One row per school: the figures that have no month, and when the roll-ups were last refreshed."""

    school = models.OneToOneField(
        "tenants.School", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    care_list_size = models.PositiveIntegerField(_("重点关注学生数"))
    refreshed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("学校汇总")
        verbose_name_plural = _("学校汇总")

    def __str__(self):
        return f"{self.school_id}: {self.care_list_size}"
