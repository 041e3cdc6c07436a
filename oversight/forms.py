"""Forms of the district's campaign pages."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from oversight.models import FLAG_RULE_FIELDS, SETTINGS_PAGE_EXCLUDED, CampaignScope, DistrictSettings
from oversight.reporting import default_template, template_problems
from schools.forms.base import DATE, BootstrapForm
from tenants.models import School, SchoolKind


class CampaignForm(BootstrapForm):
    name = forms.CharField(label=_("专项行动名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    description = forms.CharField(
        label=_("总体要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    scope = forms.ChoiceField(label=_("参加范围"), choices=CampaignScope.choices)
    schools = forms.ModelMultipleChoiceField(
        label=_("指定学校"), queryset=School.objects.exclude(schema_name="public"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    kinds = forms.MultipleChoiceField(
        label=_("学段类型"), choices=SchoolKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class TemplateField(forms.CharField):
    """The report template as JSON text, checked against oversight.reporting's schema."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text.strip():
            return default_template()
        try:
            template = json.loads(text)
        except ValueError:
            raise ValidationError(_("报告模板不是有效的 JSON。")) from None
        problems = template_problems(template)
        if problems:
            raise ValidationError(problems)
        return template


class PhaseForm(BootstrapForm):
    name = forms.CharField(label=_("阶段名称"), max_length=100)
    goals = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    report_due_on = forms.DateField(label=_("报告截止日期"), widget=DATE)
    grace_days = forms.IntegerField(label=_("宽限天数"), min_value=0, max_value=60, initial=0)
    accepts_until = forms.DateField(label=_("逾期补报截止日期"), widget=DATE, required=False)
    report_template = TemplateField(
        label=_("报告模板（JSON）"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('留空则使用默认模板。格式：{"figures": ["surveys", ...], "sections": [{"key": "work", "title": "主要工作", "required": true}]}'),
    )  # fmt: skip


class MonthlyForm(BootstrapForm):
    first_month = forms.DateField(label=_("起始月份（任一天）"), widget=DATE)
    months = forms.IntegerField(label=_("月数"), min_value=1, max_value=24, initial=12)
    due_day = forms.IntegerField(label=_("次月截止日"), min_value=1, max_value=28, initial=10)
    grace_days = forms.IntegerField(label=_("宽限天数"), min_value=0, max_value=30, initial=0)
    accepts_days_after_due = forms.IntegerField(
        label=_("逾期补报天数"), min_value=0, max_value=60, initial=0, required=False,
        help_text=_("截止日期后仍接收迟报的天数；0 表示逾期后须经延期方可提交。"),
    )  # fmt: skip
    goals = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    report_template = TemplateField(
        label=_("报告模板（JSON）"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则使用默认模板。"),
    )  # fmt: skip

    def clean_accepts_days_after_due(self):
        return self.cleaned_data.get("accepts_days_after_due") or 0


class PhaseCorrectForm(BootstrapForm):
    """Correcting a phase: its dates and late window (and the name of a phase the bureau named)."""

    name = forms.CharField(label=_("阶段名称"), max_length=100, required=False)
    goals = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    report_due_on = forms.DateField(label=_("报告截止日期"), widget=DATE)
    grace_days = forms.IntegerField(label=_("宽限天数"), min_value=0, max_value=60)
    accepts_until = forms.DateField(label=_("逾期补报截止日期"), widget=DATE, required=False)

    @classmethod
    def for_phase(cls, phase, data=None):
        form = cls(data, initial={
            "name": phase.title, "goals": phase.goals, "starts_on": phase.starts_on, "ends_on": phase.ends_on,
            "report_due_on": phase.report_due_on, "grace_days": phase.grace_days, "accepts_until": phase.accepts_until,
        })  # fmt: skip
        if phase.period:
            del form.fields["name"]  # a generated phase is named after its month
        return form


class ExtensionForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.exclude(schema_name="public"))
    due_on = forms.DateField(label=_("延期后截止日期"), widget=DATE)
    reason = forms.CharField(label=_("延期原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ExemptionForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.exclude(schema_name="public"))
    reason = forms.CharField(label=_("免报原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(BootstrapForm):
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class BreakGlassForm(BootstrapForm):
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.exclude(schema_name="public").filter(status="active")
    )
    incident_code = forms.CharField(
        label=_("事件编号"), max_length=30, help_text=_("学校上报的事件编号，如 2025-003。")
    )
    reason = forms.CharField(
        label=_("调阅理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("说明为何必须查看该校的原始记录（至少 10 个字）。学校可以看到理由和每次查看。"),
    )  # fmt: skip


class FlagRulesForm(forms.ModelForm):
    """The 问题突出学校 rules: for each, the threshold a school must reach and the points it adds
    (fields, labels and bounds from DistrictSettings); `updated_at` as the user saw them."""

    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DistrictSettings
        fields = list(FLAG_RULE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class DistrictSettingsForm(forms.ModelForm):
    """Every district setting but the 问题突出学校 rules (their own page): the fields, labels and
    bounds come from DistrictSettings, so a time limit added there appears here unchanged."""

    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DistrictSettings
        fields = [
            f.name for f in DistrictSettings._meta.concrete_fields if f.name not in SETTINGS_PAGE_EXCLUDED
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
