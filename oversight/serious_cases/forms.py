from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.serious_cases.models import ExternalSource
from oversight.serious_cases.selectors import FLAGS
from schools.forms.base import BootstrapForm
from schools.models import BullyingKind, IncidentSeverity
from tenants.models import School


def _schools():
    return School.objects.exclude(schema_name="public").order_by("name")


class RegisterFilterForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("欺凌类型"), choices=[("", _("全部"))] + BullyingKind.choices, required=False
    )
    severity = forms.ChoiceField(label=_("严重程度"), choices=[("", _("全部"))] + IncidentSeverity.choices,
                                 required=False)  # fmt: skip
    flag = forms.ChoiceField(label=_("标记"), choices=[("", _("全部"))] + list(FLAGS.items()), required=False)
    since = forms.DateField(
        label=_("发生日期自"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools()

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return data


class ExternalReportForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none())
    source = forms.ChoiceField(
        label=_("信息来源"), choices=[("", "---------")] + ExternalSource.choices, required=False
    )
    source_detail = forms.CharField(label=_("来源说明"), max_length=200, required=False)
    learned_at = forms.DateTimeField(
        label=_("获知时间"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    occurred_on = forms.DateField(
        label=_("事件发生日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    case_code = forms.CharField(label=_("事件编号（如已知）"), max_length=30, required=False)
    note = forms.CharField(label=_("情况说明"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools()
