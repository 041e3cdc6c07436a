"""The incident record and everything hanging off it. The stages and their allowed transitions
are written once, in schools/workflows/incident.py; these models only hold the facts."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned, Voidable
from tenants.fields import LimitedTextField


class IncidentSource(models.TextChoices):
    STUDENT = "student", _("学生报告")
    TEACHER = "teacher", _("教师发现")
    ANONYMOUS = "anonymous", _("匿名举报")
    PATROL = "patrol", _("巡查")
    PARENT = "parent", _("家长")
    POLICE = "police", _("公安")


class IncidentStage(models.TextChoices):
    INTAKE = "intake", _("登记")
    INVESTIGATING = "investigating", _("调查认定中")
    DETERMINED = "determined", _("已认定")
    HANDLING = "handling", _("处置中")
    FOLLOW_UP = "follow_up", _("追踪辅导")
    CLOSED = "closed", _("已结案")


class BullyingKind(models.TextChoices):
    PHYSICAL = "physical", _("肢体欺凌")
    VERBAL = "verbal", _("言语欺凌")
    PROPERTY = "property", _("财物欺凌")
    SOCIAL = "social", _("社交欺凌")
    CYBER = "cyber", _("网络欺凌")


class Determination(models.TextChoices):
    BULLYING = "bullying", _("构成欺凌")
    NOT_BULLYING = "not_bullying", _("不构成欺凌（打闹嬉戏）")
    UNDETERMINED = "undetermined", _("暂无法认定")


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", _("情节轻微的一般欺凌")
    REPEATED = "repeated", _("反复发生的一般欺凌")
    SERIOUS = "serious", _("严重欺凌")
    EGREGIOUS = "egregious", _("屡教不改或情节恶劣")
    CRIMINAL = "criminal", _("违反治安管理或涉嫌犯罪")


SERIOUS_SEVERITIES = {IncidentSeverity.SERIOUS, IncidentSeverity.EGREGIOUS, IncidentSeverity.CRIMINAL}


class Incident(Versioned, Voidable):
    """A suspected bullying incident. Never deleted: a mistaken one is voided with a reason."""

    code = models.CharField(_("事件编号"), max_length=30, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=IncidentSource.choices)
    reporter = models.CharField(_("报告人"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("地点"), max_length=100)
    summary = LimitedTextField(_("事件经过"))
    stage = models.CharField(
        _("阶段"), max_length=20, choices=IncidentStage.choices, default=IncidentStage.INTAKE
    )
    tip = models.OneToOneField(
        "schools.Tip", null=True, blank=True, on_delete=models.PROTECT, related_name="incident",
        verbose_name=_("来源举报"),
    )  # fmt: skip
    # Investigation by the school committee
    opened_on = models.DateField(_("立案调查日期"), null=True, blank=True)
    investigation_due_on = models.DateField(_("调查认定期限"), null=True, blank=True)
    findings = LimitedTextField(_("调查情况"), blank=True)
    # Determination
    determination = models.CharField(_("认定结论"), max_length=20, choices=Determination.choices, blank=True)
    kinds = ArrayField(
        models.CharField(max_length=20, choices=BullyingKind.choices), default=list, blank=True,
        verbose_name=_("欺凌类型"),
    )  # fmt: skip
    severity = models.CharField(_("严重程度"), max_length=20, choices=IncidentSeverity.choices, blank=True)
    determined_on = models.DateField(_("认定日期"), null=True, blank=True)
    # Serious cases are reported upward within a time limit (the district side is its own issue).
    upward_report_due_at = models.DateTimeField(_("上报期限"), null=True, blank=True)
    upward_reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closing_summary = LimitedTextField(_("结案说明"), blank=True)
    follow_up_waived_reason = LimitedTextField(_("不需追踪辅导的理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("欺凌事件")
        verbose_name_plural = _("欺凌事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(determination="") | Q(determined_on__isnull=False), name="determination_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(determination="bullying") | ~Q(kinds=[]), name="bullying_has_a_kind"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_serious(self) -> bool:
        return self.severity in SERIOUS_SEVERITIES

    def kind_labels(self) -> list[str]:
        return [str(BullyingKind(kind).label) for kind in self.kinds]


class PartyRole(models.TextChoices):
    PERPETRATOR = "perpetrator", _("实施者")
    VICTIM = "victim", _("受害者")
    BYSTANDER = "bystander", _("旁观者")
    REPORTER = "reporter", _("报告人")


class IncidentParty(Versioned, Voidable):
    """A student involved in an incident. Names exist only here, in the school's schema."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="parties")
    student_name = models.CharField(_("学生姓名"), max_length=50)
    grade = models.CharField(_("年级"), max_length=20)
    class_name = models.CharField(_("班级"), max_length=30)
    role = models.CharField(_("角色"), max_length=20, choices=PartyRole.choices)
    family_notified_at = models.DateTimeField(_("告知家长时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("当事学生")
        verbose_name_plural = _("当事学生")
        ordering = ["incident", "role", "id"]

    def __str__(self):
        return f"{self.student_name}（{self.get_role_display()}）"


class MeasureKind(models.TextChoices):
    CRITICISM = "criticism", _("批评教育、赔礼道歉")
    PUNISH_GENERAL = "punish_general", _("一般教育惩戒（点名批评、书面检讨等）")
    PUNISH_SERIOUS = "punish_serious", _("较重教育惩戒（德育负责人训导、校内公益服务等）")
    PUNISH_SEVERE = "punish_severe", _("严重教育惩戒（停课停学不超过一周、法治副校长训诫等）")
    WARNING = "warning", _("纪律处分：警告")
    SERIOUS_WARNING = "serious_warning", _("纪律处分：严重警告")
    DEMERIT = "demerit", _("纪律处分：记过")
    PROBATION = "probation", _("纪律处分：留校察看")
    POLICE_EDUCATION = "police_education", _("公安机关警示教育")
    POLICE_ADMONITION = "police_admonition", _("公安机关训诫")
    QUALITY_RECORD = "quality_record", _("记入综合素质评价")
    SPECIAL_SCHOOL = "special_school", _("转入专门学校")
    JUDICIAL = "judicial", _("移送公安、检察、法院依法处置")
    COUNSELLING = "counselling", _("专业心理辅导")


class HandlingMeasure(Voidable):
    party = models.ForeignKey(IncidentParty, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("处置措施"), max_length=30, choices=MeasureKind.choices)
    decided_on = models.DateField(_("决定日期"))
    notes = LimitedTextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("处置措施")
        verbose_name_plural = _("处置措施")
        ordering = ["decided_on", "id"]


class SupportKind(models.TextChoices):
    COUNSELLING = "counselling", _("心理辅导")
    CLASS_ADJUSTMENT = "class_adjustment", _("调整班级")
    TRANSFER = "transfer", _("转学安置")
    FAMILY_SUPPORT = "family_support", _("家庭支持")


class SupportSession(Voidable):
    """Support for a victim. Counselling notes are for the counsellor and admins only."""

    party = models.ForeignKey(IncidentParty, on_delete=models.PROTECT, related_name="support_sessions")
    kind = models.CharField(_("帮扶方式"), max_length=20, choices=SupportKind.choices)
    held_on = models.DateField(_("日期"))
    provided_by = models.CharField(_("负责人"), max_length=50)
    notes = LimitedTextField(_("辅导记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("受害学生帮扶")
        verbose_name_plural = _("受害学生帮扶")
        ordering = ["held_on", "id"]


class FollowUp(Voidable):
    """A scheduled follow-up check-in (追踪辅导)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    notes = LimitedTextField(_("情况记录"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("追踪辅导")
        verbose_name_plural = _("追踪辅导")
        ordering = ["due_on", "id"]


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("复查中")
    UPHELD = "upheld", _("维持原认定")
    CHANGED = "changed", _("变更认定")


class AppealSubject(models.TextChoices):
    DETERMINATION = "determination", _("对认定结论")
    DISCIPLINE = "discipline", _("对处分或教育惩戒")


class DeterminationAppeal(Versioned):
    """A family's appeal (申诉/复查) to the school, with its own deadline: of the determination (the
    district's determination_appeal_days) or of a discipline (discipline_appeal_working_days)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="appeals")
    subject = models.CharField(
        _("申诉事项"), max_length=20, choices=AppealSubject.choices, default=AppealSubject.DETERMINATION
    )
    filed_on = models.DateField(_("提出日期"))
    filed_by = models.CharField(_("申请人"), max_length=50)
    grounds = LimitedTextField(_("申诉理由"))
    due_on = models.DateField(_("答复期限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    outcome = LimitedTextField(_("复查结论"), blank=True)
    decided_on = models.DateField(_("答复日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认定申诉")
        verbose_name_plural = _("认定申诉")
        ordering = ["-filed_on", "-id"]
