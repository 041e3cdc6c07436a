"""Forms of the inspector pages (督导记录)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import VisitKind
from inspections.permissions import schools_for
from schools.forms.base import DATE, BootstrapForm
from tenants.models import School


class VisitForm(BootstrapForm):
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.none(),
        error_messages={"invalid_choice": _("只能为您目前负责督导的学校登记督导记录。")},
    )  # fmt: skip
    visited_on = forms.DateField(label=_("督导日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("督导类型"), choices=VisitKind.choices, initial=VisitKind.ROUTINE)
    summary = forms.CharField(
        label=_("督导情况"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("检查了什么、发现了什么。不得填写学生姓名、身份证号、联系电话等个人信息。"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_for(user)


class NoticeForm(BootstrapForm):
    items = forms.CharField(
        label=_("整改事项"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("逐条写明需要整改的问题和要求。不得填写学生个人信息。"),
    )  # fmt: skip
    due_on = forms.DateField(
        label=_("整改期限"), widget=DATE, required=False,
        help_text=_("留空则按区级整改复查期限（默认自下达之日起 30 天）。"),
    )  # fmt: skip


class CloseNoticeForm(BootstrapForm):
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 3}))


class VoidVisitForm(BootstrapForm):
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 2}))
