"""Forms of the care-list pages: types and required fields only — the rules live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.forms.base import DATE, BootstrapForm, VersionedForm
from schools.models import WarningSign


class EntryForm(VersionedForm):
    student_name = forms.CharField(label=_("学生姓名"), max_length=50)
    grade = forms.CharField(label=_("年级"), max_length=20)
    class_name = forms.CharField(
        label=_("班级"), max_length=30, help_text=_("与班主任账号中的班级名称一致，如：三年级1班")
    )
    signs = forms.MultipleChoiceField(
        label=_("预警表现"), choices=WarningSign.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("至少选择一项。"),
    )  # fmt: skip
    notes = forms.CharField(label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(label=_("下次研判日期"), widget=DATE)

    def __init__(self, *args, classes=None, **kwargs):
        """A 班主任 picks one of their own classes instead of typing one."""
        super().__init__(*args, **kwargs)
        if classes:
            self.fields["class_name"] = forms.ChoiceField(
                label=_("班级"),
                choices=[(c, c) for c in classes],
                widget=forms.Select(attrs={"class": "form-select"}),
            )


class TalkForm(BootstrapForm):
    held_on = forms.DateField(label=_("谈话日期"), widget=DATE)
    talked_by = forms.CharField(label=_("谈话人"), max_length=50)
    outcome = forms.CharField(label=_("谈话情况"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(VersionedForm):
    closed_on = forms.DateField(label=_("解除关注日期"), widget=DATE)


class VoidForm(BootstrapForm):
    voided_reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 2}))
