"""Forms of the activity pages: types and required fields only — the rules live in the actions."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from schools.actions.activities import EVIDENCE_ACCEPT, evidence_limits
from schools.forms.base import DATE, BootstrapForm, VersionedForm
from schools.forms.ledger import VoidForm
from schools.models import ActivityKind

__all__ = ["ActivityForm", "EditActivityForm", "EvidenceForm", "VoidForm"]


class ActivityForm(BootstrapForm):
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("主题"), max_length=200)
    audience = forms.CharField(
        label=_("班级/对象"),
        max_length=200,
        required=False,
        help_text=_(
            "主题班会请填写班级，多个班级用逗号分隔（如：三年级1班,三年级2班）；全校活动填写“全校”。"
        ),
    )
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, initial=0)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EditActivityForm(ActivityForm, VersionedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(BootstrapForm):
    file = forms.FileField(
        label=_("佐证材料"),
        help_text=lazy(evidence_limits, str)(),
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
