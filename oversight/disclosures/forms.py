from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.disclosures.models import CHECKLIST
from schools.forms.base import DATETIME, BootstrapForm


class TextForm(BootstrapForm):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    facts = forms.CharField(label=_("事件概况（已去标识，不过分渲染细节）"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    measures = forms.CharField(label=_("处置措施"), max_length=3000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    outcome = forms.CharField(label=_("问责情况"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    name_school = forms.BooleanField(label=_("公开学校名称（默认不公开）"), required=False)


class SignForm(BootstrapForm):
    checklist = forms.MultipleChoiceField(label=_("不过分渲染事件细节，逐项确认"), required=False,
                                          choices=list(CHECKLIST.items()), widget=forms.CheckboxSelectMultiple)  # fmt: skip


class PublishForm(BootstrapForm):
    publish_at = forms.DateTimeField(label=_("定时发布（不填则立即发布）"), required=False, widget=DATETIME)


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("撤回原因（将公开）"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
