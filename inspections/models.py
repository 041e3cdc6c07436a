"""Supervising inspectors (责任督学) and the schools each one covers (挂牌督导)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class InspectorAssignment(models.Model):
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("责任督学"),
    )
    school = models.ForeignKey(
        "tenants.School",
        on_delete=models.PROTECT,
        related_name="inspector_assignments",
        verbose_name=_("学校"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督导分工")
        verbose_name_plural = _("挂牌督导分工")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "school"], condition=Q(ends_on__isnull=True), name="one_open_assignment"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.inspector} → {self.school}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})


# --- visits (督导记录) and rectification notices (整改通知书) ---------------------------------
# Both live in the public schema and hold de-identified text only: what was checked and found,
# never a student's name, ID number or phone (DESIGN.md §2). Neither is ever hard-deleted.


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("例行督导")
    FOLLOW_UP = "follow_up", _("整改复查")
    SPECIAL = "special", _("专项检查")


class VisitState(models.TextChoices):
    FILED = "filed", _("已填报")
    VOIDED = "voided", _("已作废")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    CLOSED = "closed", _("已复查销号")


# The workflows, in one place: state → the states it may move to. The actions check every move here.
VISIT_TRANSITIONS = {VisitState.FILED: {VisitState.VOIDED}, VisitState.VOIDED: set()}
NOTICE_TRANSITIONS = {NoticeStatus.OPEN: {NoticeStatus.CLOSED}, NoticeStatus.CLOSED: set()}


def can_move(transitions: dict, current: str, target: str) -> bool:
    return target in transitions.get(current, set())


class Visit(models.Model):
    """One inspector visit to one school (挂牌督导 / 整改复查 / 专项检查), filed within the district's
    time limit (DistrictSettings.visit_record_days, 2 days by default)."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("督导人")
    )
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="inspector_visits", verbose_name=_("学校")
    )
    visited_on = models.DateField(_("督导日期"))
    kind = models.CharField(
        _("督导类型"), max_length=20, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    summary = LimitedTextField(
        _("督导情况"), help_text=_("检查了什么、发现了什么。不得填写学生姓名、身份证号、联系电话等个人信息。")
    )
    filed_at = models.DateTimeField(_("填报时间"), default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("作废人"),
    )  # fmt: skip
    void_reason = LimitedTextField(_("作废原因"), blank=True)

    class Meta:
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["school", "visited_on"], name="visit_school_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="visit_void_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.visited_on} · {self.get_kind_display()}"

    @property
    def state(self) -> str:
        return VisitState.VOIDED if self.voided_at else VisitState.FILED

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def clean(self):
        from oversight.models import DistrictSettings

        if self.visited_on is None:
            return
        filed_on = timezone.localdate(self.filed_at) if self.filed_at else timezone.localdate()
        if self.visited_on > filed_on:
            raise ValidationError({"visited_on": _("督导日期不能晚于今天。")})
        limit = DistrictSettings.current().visit_record_days
        if (filed_on - self.visited_on).days > limit:
            raise ValidationError({"visited_on": _(
                "督导记录应在督导后 %(days)s 天内填报；%(date)s 的督导已超过填报期限，请联系教育局补录。"
            ) % {"days": limit, "date": self.visited_on}})  # fmt: skip


class RectificationNotice(models.Model):
    """整改通知书: what a school must fix after a visit, by when; closed (复查销号) once re-checked."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="notices", verbose_name=_("督导记录")
    )
    school = models.ForeignKey(
        "tenants.School",
        on_delete=models.PROTECT,
        related_name="rectification_notices",
        verbose_name=_("学校"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("下达人")
    )
    issued_on = models.DateField(_("下达日期"), default=timezone.localdate)
    due_on = models.DateField(_("整改期限"))
    items = LimitedTextField(_("整改事项"))
    status = models.CharField(
        _("状态"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("复查人"),
    )  # fmt: skip
    close_note = LimitedTextField(_("复查情况"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改通知书")
        verbose_name_plural = _("整改通知书")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="notice_school_status")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="notice_due_after_issue"),
            models.CheckConstraint(
                condition=Q(status=NoticeStatus.CLOSED, closed_on__isnull=False)
                | Q(~Q(status=NoticeStatus.CLOSED), closed_on__isnull=True),
                name="notice_closed_iff_closed_on",
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.issued_on} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.due_on is None and self.issued_on is not None:
            self.due_on = self.default_due_on(self.issued_on)
        super().save(*args, **kwargs)

    @staticmethod
    def default_due_on(issued_on: dt.date) -> dt.date:
        """The district's re-check limit (DistrictSettings.fix_recheck_days, 30 days by default)."""
        from oversight.models import DistrictSettings

        return issued_on + dt.timedelta(days=DistrictSettings.current().fix_recheck_days)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == NoticeStatus.OPEN and self.due_on < (today or timezone.localdate())

    def clean(self):
        if self.issued_on and self.due_on and self.due_on < self.issued_on:
            raise ValidationError({"due_on": _("整改期限不能早于下达日期。")})
