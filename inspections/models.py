"""Supervising inspectors (责任督学) and the schools each one covers (挂牌督导)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.workflow import ItemState, NoticeStatus, PlanState, VisitState  # noqa: F401  (re-exported)
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
    UNANNOUNCED = "unannounced", _("随机督导（不打招呼）")


class VisitMethod(models.TextChoices):
    CLASS_OBSERVATION = "class", _("随机听课")
    DOCUMENTS = "documents", _("查阅资料")
    DISCUSSION = "discussion", _("座谈")
    QUESTIONNAIRE = "questionnaire", _("问卷")
    SITE = "site", _("实地查看")


class InspectorProfile(models.Model):
    """What the sign at the school gate shows of an inspector (挂牌督导公示牌): name (the user's), photo,
    contact and certificate number (督学证号). Public by design: never a pupil's data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector_profile",
        verbose_name=_("责任督学"),
    )  # fmt: skip
    photo = models.FileField(_("照片"), upload_to="inspections/profiles/", blank=True)
    contact = models.CharField(_("联系电话"), max_length=50, blank=True)
    certificate_no = models.CharField(_("督学证号"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("责任督学信息")
        verbose_name_plural = _("责任督学信息")

    def __str__(self):
        return str(self.user)


# --- checklist templates (督导检查表), versioned ------------------------------------------------


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("是 / 否 / 部分")
    SCORE = "score", _("评分")
    NUMBER = "number", _("数量")
    TEXT = "text", _("文字说明")


class YesNo(models.TextChoices):
    YES = "yes", _("是")
    PARTLY = "partly", _("部分")
    NO = "no", _("否")


class ChecklistTemplate(models.Model):
    """One version of the district's checklist. A revision makes a new version; a visit keeps the
    version it was filled in with, so old records read as they were."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("修订人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督导检查表")
        verbose_name_plural = _("督导检查表")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="items", verbose_name=_("检查表")
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("编码"), max_length=40, help_text=_("跨版本不变，用于对比各次督导。"))
    text = models.CharField(_("检查内容"), max_length=300)
    answer_type = models.CharField(_("答案类型"), max_length=10, choices=AnswerType.choices)
    points = models.PositiveSmallIntegerField(_("分值"), default=5)
    expected = models.PositiveSmallIntegerField(
        _("达标数量"), null=True, blank=True, help_text=_("数量类检查项：不少于此数为达标。")
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_item_code_per_version"),
        ]

    def __str__(self):
        return self.text


class Visit(models.Model):
    """One inspector visit to one school (挂牌督导 / 整改复查 / 专项检查 / 随机督导), filed within the
    district's time limit (DistrictSettings.visit_record_days, 2 days by default) or with a reason."""

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
        _("督导发现"), help_text=_("检查了什么、发现了什么。不得填写学生姓名、身份证号、联系电话等个人信息。")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("督导时长（分钟）"), null=True, blank=True)
    methods = models.JSONField(_("督导方式"), default=list, blank=True)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
        verbose_name=_("检查表版本"),
    )  # fmt: skip
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("满分"), null=True, blank=True)
    late_reason = LimitedTextField(_("逾期填报原因"), blank=True)
    # The form's (or the phone's draft's) key: a resend with the same key returns the visit already filed.
    client_key = models.CharField(_("提交标识"), max_length=64, blank=True, editable=False)
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
            models.UniqueConstraint(
                fields=["inspector", "client_key"], condition=~Q(client_key=""), name="visit_client_key_once"
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

    @property
    def filed_late(self) -> bool:
        """Filed after the district's time limit (with the reason it gave)."""
        from oversight.models import DistrictSettings

        limit = DistrictSettings.current().visit_record_days
        return (timezone.localdate(self.filed_at) - self.visited_on).days > limit

    def method_labels(self) -> list[str]:
        labels = dict(VisitMethod.choices)
        return [str(labels.get(m, m)) for m in self.methods]

    def clean(self):
        from oversight.models import DistrictSettings

        if self.visited_on is None:
            return
        filed_on = timezone.localdate(self.filed_at) if self.filed_at else timezone.localdate()
        if self.visited_on > filed_on:
            raise ValidationError({"visited_on": _("督导日期不能晚于今天。")})
        limit = DistrictSettings.current().visit_record_days
        if (filed_on - self.visited_on).days > limit and not self.late_reason.strip():
            raise ValidationError({"visited_on": _(
                "督导记录应在督导后 %(days)s 天内填报；%(date)s 的督导已超过填报期限，请填写逾期填报原因。"
            ) % {"days": limit, "date": self.visited_on}})  # fmt: skip


class VisitAnswer(models.Model):
    """One checklist item as answered on one visit; `failed` items can go into a notice."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="answers", verbose_name=_("督导记录")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查项")
    )
    choice = models.CharField(_("结论"), max_length=10, choices=YesNo.choices, blank=True)
    number = models.PositiveIntegerField(_("数值"), null=True, blank=True)
    text = LimitedTextField(_("说明"), blank=True)
    evidence_note = LimitedTextField(_("佐证说明"), blank=True)
    points = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    failed = models.BooleanField(_("未达标"), default=False)

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        ordering = ["visit", "item__order"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item} · {self.display_value()}"

    def display_value(self) -> str:
        kind = self.item.answer_type
        if kind == AnswerType.YES_NO:
            return str(self.get_choice_display())
        if kind == AnswerType.SCORE:
            return f"{self.points} / {self.item.points}"
        if kind == AnswerType.NUMBER:
            return str(self.number)
        return self.text


class VisitPhoto(models.Model):
    """A photo taken at the visit: re-encoded on upload (resized, no EXIF or location left)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("督导记录")
    )
    image = models.FileField(_("照片"), upload_to="inspections/visits/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督导照片")
        verbose_name_plural = _("督导照片")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.image.name


class VisitPlan(models.Model):
    """A scheduled visit (督导计划): routine, special or unannounced; done when its record is filed."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_plans",
        verbose_name=_("责任督学"),
    )
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("学校")
    )
    planned_on = models.DateField(_("计划日期"))
    kind = models.CharField(
        _("督导类型"), max_length=20, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    note = models.CharField(_("计划说明"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=PlanState.choices, default=PlanState.PLANNED)
    visit = models.OneToOneField(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan",
        verbose_name=_("督导记录"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督导计划")
        verbose_name_plural = _("督导计划")
        ordering = ["planned_on", "id"]

    def __str__(self):
        return f"{self.school} · {self.planned_on} · {self.get_kind_display()}"


class RectificationNotice(models.Model):
    """整改通知书: what a school must fix after a visit, by when, item by item; closed (复查销号) once
    every item passed its re-check."""

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

    @property
    def number(self) -> str:
        """The notice's reference number as printed (督整字〔year〕n号)."""
        return f"〔{self.issued_on.year}〕{self.pk}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == NoticeStatus.OPEN and self.due_on < (today or timezone.localdate())

    def clean(self):
        if self.issued_on and self.due_on and self.due_on < self.issued_on:
            raise ValidationError({"due_on": _("整改期限不能早于下达日期。")})


class NoticeItem(models.Model):
    """One thing to fix: the school answers it with its measures and evidence; the assigned inspector
    re-checks it (within the re-check limit of the answer) and closes or re-opens it."""

    notice = models.ForeignKey(
        RectificationNotice,
        on_delete=models.PROTECT,
        related_name="notice_items",
        verbose_name=_("整改通知书"),
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    text = LimitedTextField(_("整改事项"))
    answer = models.ForeignKey(
        VisitAnswer, on_delete=models.PROTECT, null=True, blank=True, related_name="notice_items",
        verbose_name=_("对应检查项"),
    )  # fmt: skip
    state = models.CharField(_("状态"), max_length=20, choices=ItemState.choices, default=ItemState.OPEN)
    measures = LimitedTextField(_("整改措施"), blank=True)
    evidence = LimitedTextField(_("整改佐证"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("答复人"),
    )  # fmt: skip
    recheck_due_on = models.DateField(_("复查期限"), null=True, blank=True)
    recheck_note = LimitedTextField(_("复查情况"), blank=True)
    rechecked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("复查人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["notice", "order"]
        constraints = [models.UniqueConstraint(fields=["notice", "order"], name="notice_item_order")]

    def __str__(self):
        return self.text
