import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schools.forms.base import DATETIME, BootstrapForm
from tenants.models import School


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SummonsForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(), widget=forms.HiddenInput)
    reasons = forms.MultipleChoiceField(label=_("约谈事由（关联记录）"), required=False,
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip
    meeting_at = forms.DateTimeField(label=_("约谈时间"), widget=DATETIME)
    place = forms.CharField(label=_("约谈地点"), max_length=200, required=False)
    summoned_posts = forms.CharField(label=_("被约谈人员（职务，用顿号或逗号分隔）"), max_length=300, required=False,
                                     help_text=_("如：校长、分管副校长、政教主任"))  # fmt: skip
    interviewers = forms.CharField(label=_("约谈人"), max_length=300, required=False)
    documents = forms.CharField(label=_("需携带材料"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, reason_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.exclude(schema_name="public")
        self.fields["reasons"].choices = list(reason_choices)

    def clean_summoned_posts(self):
        text = self.cleaned_data["summoned_posts"]
        for sep in "，,;；":
            text = text.replace(sep, "、")
        return [p.strip() for p in text.split("、") if p.strip()]


class MeetingForm(BootstrapForm):
    attendees = forms.CharField(label=_("参加人员及职务（每行一人：职务 姓名）"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    problems_raised = forms.CharField(label=_("指出的问题"), required=False, max_length=5000,
                                      widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    school_statement = forms.CharField(label=_("学校表态发言"), required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    commitments = forms.CharField(label=_("整改承诺（每行一项：承诺事项 | 责任人职务 | 完成期限 YYYY-MM-DD）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    report_due_on = forms.DateField(label=_("整改报告期限（不填则按区级设置）"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean_attendees(self):
        people = []
        for line in _lines(self.cleaned_data["attendees"]):
            post, _sep, name = line.partition(" ")
            people.append({"post": post.strip(), "name": name.strip()})
        return people

    def clean_commitments(self):
        rows = []
        for line in _lines(self.cleaned_data["commitments"]):
            parts = [p.strip() for p in line.split("|")]
            text, owner, due = (parts + ["", "", ""])[:3]
            try:
                due_on = dt.date.fromisoformat(due) if due else None
            except ValueError as error:
                raise ValidationError(
                    _("完成期限“%(due)s”不是有效日期（YYYY-MM-DD）。") % {"due": due}
                ) from error
            rows.append({"text": text, "owner_post": owner, "due_on": due_on})
        return rows


class ReviewForm(BootstrapForm):
    accept = forms.TypedChoiceField(label=_("核查结论"), coerce=lambda v: v == "1",
                                    choices=[("1", _("核查通过，办结")), ("0", _("退回整改报告"))])  # fmt: skip
    comment = forms.CharField(label=_("核查意见"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ReportForm(BootstrapForm):
    report_text = forms.CharField(label=_("整改报告"), required=False, max_length=8000,
                                  widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    evidence = forms.CharField(label=_("整改佐证材料说明"), required=False, max_length=3000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    done = forms.MultipleChoiceField(
        label=_("已完成的承诺"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(str(c.pk), c.text) for c in commitments]

    def clean_done(self):
        return [int(v) for v in self.cleaned_data["done"]]


class CircularForm(BootstrapForm):
    title = forms.CharField(label=_("通报标题"), max_length=200, required=False)
    body = forms.CharField(label=_("通报内容"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("通报发往全区所有学校，只写去标识的情况，不写学生和教职工姓名。"))  # fmt: skip
