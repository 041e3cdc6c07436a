"""Forms of the hazard ledger pages: types and required fields only — the rules live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.forms.base import DATE, BootstrapForm, VersionedForm
from schools.models import HazardMethod, HazardPlace, HazardStatus


class HazardForm(BootstrapForm):
    found_on = forms.DateField(label=_("发现日期"), widget=DATE)
    place = forms.ChoiceField(label=_("重点部位"), choices=HazardPlace.choices)
    risk_kind = forms.CharField(
        label=_("隐患类型"), max_length=100, help_text=_("如：监控盲区、学生聚集、网络群聊嘲讽")
    )
    method = forms.ChoiceField(label=_("排查方式"), choices=HazardMethod.choices)
    found_by = forms.CharField(label=_("发现人"), max_length=50)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label=_("责任人"), max_length=50)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE, help_text=_("不能早于发现日期"))


class EditHazardForm(HazardForm, VersionedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveHazardForm(VersionedForm):
    status = forms.ChoiceField(choices=HazardStatus.choices, widget=forms.HiddenInput)
    fixed_on = forms.DateField(label=_("整改完成日期"), widget=DATE, required=False)


class VoidForm(BootstrapForm):
    voided_reason = forms.CharField(
        label=_("作废原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("作废必须说明原因。")},
    )
