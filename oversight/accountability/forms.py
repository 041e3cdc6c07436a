from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.accountability.models import ChallengeOutcome, InstitutionMeasure, PersonMeasure, Target
from schools.forms.base import DATE, BootstrapForm
from tenants.models import School


class RecordForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(), widget=forms.HiddenInput)
    target = forms.ChoiceField(label=_("问责对象"), choices=Target.choices)
    measure = forms.ChoiceField(label=_("问责方式"), choices=[
        (_("单位"), InstitutionMeasure.choices), (_("个人"), PersonMeasure.choices)])  # fmt: skip
    person_post = forms.CharField(label=_("职务（对个人问责时必填）"), max_length=50, required=False)
    person_name = forms.CharField(
        label=_("姓名（对个人问责时必填，仅教育局管理员可见）"), max_length=50, required=False
    )
    facts = forms.CharField(
        label=_("问责事实"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.CharField(
        label=_("问责依据"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    deciding_body = forms.CharField(label=_("决定机关"), max_length=200, required=False)
    links = forms.MultipleChoiceField(
        label=_("关联记录"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, link_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.exclude(schema_name="public")
        self.fields["links"].choices = list(link_choices)

    def clean_links(self):
        result = []
        for value in self.cleaned_data["links"]:
            kind, _sep, pk = value.partition(":")
            result.append({"kind": kind, "id": int(pk) if pk.isdigit() else 0})
        return result


class StatementForm(BootstrapForm):
    statement = forms.CharField(label=_("陈述申辩"), max_length=5000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ChallengeForm(BootstrapForm):
    filed_on = forms.DateField(label=_("复核申请日期"), widget=DATE)
    grounds = forms.CharField(label=_("复核理由"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    late_reason = forms.CharField(label=_("逾期申请复核的理由（超过期限时必填）"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class DecideForm(BootstrapForm):
    outcome = forms.ChoiceField(label=_("复核结果"), choices=ChallengeOutcome.choices)
    reasons = forms.CharField(label=_("复核决定理由"), max_length=3000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
