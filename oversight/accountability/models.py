"""Accountability rows in the public schema. A person's name is personnel data: stored here, shown
to bureau admins only (selectors), never on a public page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class Target(models.TextChoices):
    INSTITUTION = "institution", _("单位")
    PERSON = "person", _("个人")


class InstitutionMeasure(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    SUMMONS = "summons", _("约谈")
    INSPECTION_NOTICE = "inspection_notice", _("督导通报")
    NO_HONOURS = "no_honours", _("取消评优评先资格")
    GRADE_DOWN = "grade_down", _("年度考核降档")
    RESOURCES = "resources", _("资源调整")


class PersonMeasure(models.TextChoices):
    SELF_CHECK = "self_check", _("责令检查")
    ADMONITION = "admonition", _("诫勉谈话")
    CRITICISM = "p_criticism", _("通报批评")
    ORGANISATIONAL = "organisational", _("组织处理")
    WARNING = "warning", _("警告处分")
    DEMERIT = "demerit", _("记过处分")
    MAJOR_DEMERIT = "major_demerit", _("记大过处分")
    DEMOTION = "demotion", _("降级处分")
    DISMISSAL_POST = "dismissal_post", _("撤职处分")
    EXPULSION = "expulsion", _("开除处分")


MEASURES = {Target.INSTITUTION: InstitutionMeasure, Target.PERSON: PersonMeasure}


class ChallengeOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("变更")
    REVOKED = "revoked", _("撤销")


class AccountabilityState(models.TextChoices):
    DECIDED = "decided", _("已决定")
    CHALLENGED = "challenged", _("复核中")
    REVIEWED = "reviewed", _("已复核")


class BasisKind(models.TextChoices):
    SERIOUS_CASE = "serious_case", _("严重欺凌事件")
    SUMMONS = "summons", _("约谈")
    PHASE_REPORT = "phase_report", _("未报或迟报的阶段报告")
    NOTICE = "notice", _("整改通知书")


class AccountabilityRecord(models.Model):
    school = models.ForeignKey(
        "tenants.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校")
    )
    target = models.CharField(_("问责对象"), max_length=20, choices=Target.choices)
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    person_post = models.CharField(_("职务"), max_length=50, blank=True)
    measure = models.CharField(_("问责方式"), max_length=30)
    facts = LimitedTextField(_("问责事实"), max_length=5000)
    basis = LimitedTextField(_("问责依据"), max_length=2000)
    decided_on = models.DateField(_("决定日期"))
    deciding_body = models.CharField(_("决定机关"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=AccountabilityState.choices,
                             default=AccountabilityState.DECIDED)  # fmt: skip
    statement = LimitedTextField(_("陈述申辩"), max_length=5000, blank=True)
    statement_at = models.DateTimeField(_("陈述申辩登记时间"), null=True, blank=True)
    challenge_due_on = models.DateField(_("复核申请期限"))
    challenge_filed_on = models.DateField(_("复核申请日期"), null=True, blank=True)
    challenge_grounds = LimitedTextField(_("复核理由"), max_length=5000, blank=True)
    challenge_late_reason = LimitedTextField(_("逾期申请复核的理由"), max_length=2000, blank=True)
    challenge_outcome = models.CharField(
        _("复核结果"), max_length=20, choices=ChallengeOutcome.choices, blank=True
    )
    challenge_reasons = LimitedTextField(_("复核决定理由"), max_length=3000, blank=True)
    challenge_decided_on = models.DateField(_("复核决定日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.school} · {self.measure_label} · {self.decided_on}"

    @property
    def measure_label(self) -> str:
        choices = MEASURES.get(self.target)
        return (
            str(choices(self.measure).label) if choices and self.measure in choices.values else self.measure
        )


class AccountabilityBasis(models.Model):
    """One linked record the accountability rests on."""

    record = models.ForeignKey(AccountabilityRecord, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(_("关联记录类型"), max_length=20, choices=BasisKind.choices)
    serious_case = models.ForeignKey("oversight.SeriousCase", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    summons = models.ForeignKey("oversight.Summons", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="accountability_links")  # fmt: skip
    phase = models.ForeignKey(
        "oversight.Phase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey("inspections.RectificationNotice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    label = models.CharField(_("关联记录"), max_length=300)

    class Meta:
        verbose_name = _("问责关联记录")
        verbose_name_plural = _("问责关联记录")
        ordering = ["record", "id"]

    def __str__(self):
        return self.label
