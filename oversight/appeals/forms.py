from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.appeals.models import AppealChannel, AppealState, AppealSubject
from schools.forms.base import BootstrapForm
from tenants.models import School


class AppealForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none())
    case_code = forms.CharField(label=_("事件编号"), max_length=30)
    subject = forms.ChoiceField(label=_("复查事项"), choices=AppealSubject.choices)
    channel = forms.ChoiceField(label=_("收件渠道"), choices=AppealChannel.choices)
    received_on = forms.DateField(
        label=_("收件日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    grounds = forms.CharField(label=_("复查请求"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("只写事件编号和诉求，不写申请人和学生的姓名、联系方式。"))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.exclude(schema_name="public").order_by("name")


class DecideForm(BootstrapForm):
    state = forms.ChoiceField(
        label=_("复查结果"), choices=[c for c in AppealState.choices if c[0] != AppealState.PENDING]
    )
    reasons = forms.CharField(label=_("复查理由"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    delay_reason = forms.CharField(label=_("逾期说明（超过期限时必填）"), max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


class RespondForm(BootstrapForm):
    response = forms.CharField(
        label=_("学校整改情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
