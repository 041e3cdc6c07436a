"""Forms of the incident pages: types and required fields only — the rules live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.serious_cases.models import PlaceCategory, PublicAttention, ReportKind
from schools.forms.base import DATE, DATETIME, BootstrapForm, VersionedForm
from schools.models import (
    AppealStatus,
    AppealSubject,
    BullyingKind,
    Determination,
    IncidentSeverity,
    IncidentSource,
    MeasureKind,
    PartyRole,
    SupportKind,
)


class RecordIncidentForm(BootstrapForm):
    source = forms.ChoiceField(label=_("来源"), choices=IncidentSource.choices)
    reporter = forms.CharField(label=_("报告人"), max_length=100, required=False)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=100)
    summary = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 4}))


class PartyForm(BootstrapForm):
    student_name = forms.CharField(label=_("学生姓名"), max_length=50)
    grade = forms.CharField(label=_("年级"), max_length=20)
    class_name = forms.CharField(label=_("班级"), max_length=30)
    role = forms.ChoiceField(label=_("角色"), choices=PartyRole.choices)
    family_notified_at = forms.DateTimeField(label=_("告知家长时间"), widget=DATETIME, required=False)


class OpenInvestigationForm(VersionedForm):
    opened_on = forms.DateField(label=_("立案调查日期"), widget=DATE)


class DetermineForm(VersionedForm):
    determination = forms.ChoiceField(label=_("认定结论"), choices=Determination.choices)
    kinds = forms.MultipleChoiceField(
        label=_("欺凌类型"), choices=BullyingKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=[("", _("（不构成欺凌时不填）")), *IncidentSeverity.choices],
        required=False,
    )
    determined_on = forms.DateField(label=_("认定日期"), widget=DATE)
    findings = forms.CharField(label=_("调查情况"), widget=forms.Textarea(attrs={"rows": 4}))


class MeasureForm(BootstrapForm):
    party = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("处置措施"), choices=MeasureKind.choices)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SupportForm(BootstrapForm):
    party = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=SupportKind.choices)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    provided_by = forms.CharField(label=_("负责人"), max_length=50)
    notes = forms.CharField(label=_("辅导记录"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(BootstrapForm):
    due_on = forms.DateField(label=_("计划日期"), widget=DATE)


class FollowUpDoneForm(BootstrapForm):
    follow_up = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("完成日期"), widget=DATE)
    notes = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(BootstrapForm):
    subject = forms.ChoiceField(label=_("申诉事项"), choices=AppealSubject.choices)
    filed_on = forms.DateField(label=_("提出日期"), widget=DATE)
    filed_by = forms.CharField(label=_("申请人"), max_length=50)
    grounds = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideAppealForm(BootstrapForm):
    appeal = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("复查结果"), choices=[(AppealStatus.UPHELD, AppealStatus.UPHELD.label),
                                       (AppealStatus.CHANGED, AppealStatus.CHANGED.label)]
    )  # fmt: skip
    outcome = forms.CharField(label=_("复查结论"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(VersionedForm):
    closing_summary = forms.CharField(label=_("结案说明"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_waiver = forms.CharField(
        label=_("不需追踪辅导的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("追踪辅导未完成时必填（仅适用于认定为欺凌的事件）。"),
    )  # fmt: skip
    confirmed = forms.BooleanField(
        label=_("我已核对结案清单，确认结案（结案后不能再修改）"),
        error_messages={"required": _("请勾选确认后再结案。")},
    )


class PartyEditForm(VersionedForm):
    party = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.CharField(label=_("年级"), max_length=20)
    class_name = forms.CharField(label=_("班级"), max_length=30)
    family_notified_at = forms.DateTimeField(label=_("告知家长时间"), widget=DATETIME, required=False)


class ConfirmForm(BootstrapForm):
    """A button with nothing to fill in."""


class VoidForm(BootstrapForm):
    voided_reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 2}))


class SeriousReportForm(BootstrapForm):
    """首报 / 续报 / 结案报告 to the district: categories and a de-identified account, nothing else."""

    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    place_category = forms.ChoiceField(label=_("地点类别"), choices=PlaceCategory.choices)
    medical_treatment = forms.BooleanField(label=_("有学生就医治疗"), required=False)
    public_attention = forms.ChoiceField(label=_("舆情"), choices=PublicAttention.choices)
    attention_channel = forms.CharField(label=_("舆情渠道"), max_length=100, required=False)
    measures_text = forms.CharField(label=_("处置情况补充"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    account = forms.CharField(
        label=_("事件经过及处置"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("报送区教育局，不得填写学生姓名、班级、学号、联系方式、住址等可识别学生身份的信息。"),
    )  # fmt: skip
