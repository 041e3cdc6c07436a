"""Forms of the inspector pages (督导记录). The forms read input; the rules live in the actions."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import AnswerType, VisitKind, VisitMethod, YesNo
from inspections.permissions import schools_for
from schools.forms.base import DATE, BootstrapForm
from tenants.models import School, User

PLAN_KINDS = [(k, label) for k, label in VisitKind.choices if k != VisitKind.FOLLOW_UP]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos from one input (the phone's camera roll); each is checked by the action."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class VisitForm(BootstrapForm):
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.none(),
        error_messages={"invalid_choice": _("只能为您目前负责督导的学校登记督导记录。")},
    )  # fmt: skip
    visited_on = forms.DateField(label=_("督导日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("督导类型"), choices=VisitKind.choices, initial=VisitKind.ROUTINE)
    duration_minutes = forms.IntegerField(
        label=_("督导时长（分钟）"), required=False, min_value=1, max_value=1440,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    methods = forms.MultipleChoiceField(
        label=_("督导方式"), choices=VisitMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("督导发现"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("检查了什么、发现了什么。不得填写学生姓名、身份证号、联系电话等个人信息。"),
    )  # fmt: skip
    late_reason = forms.CharField(
        label=_("逾期填报原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("超过填报期限时必填。"),
    )  # fmt: skip
    photos = MultipleFileField(
        label=_("现场照片"),
        help_text=_("JPEG 或 PNG，每张不超过 8 MB，最多 10 张；上传后自动压缩并去除拍摄位置等信息。"),
    )
    plan = forms.IntegerField(widget=forms.HiddenInput, required=False)
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user, template=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_for(user)
        self.checklist = []
        for item in template.items.all() if template else []:
            if item.answer_type == AnswerType.YES_NO:
                # A CharField: the checklist's own rule (and message) decides, as through the API.
                answer = forms.CharField(label=item.text, required=False,
                                         widget=forms.RadioSelect(choices=YesNo.choices))  # fmt: skip
            elif item.answer_type == AnswerType.TEXT:
                answer = forms.CharField(
                    label=item.text, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
            else:
                # Read as text so a wrong value gets the checklist's own message, as through the API.
                answer = forms.CharField(label=item.text, required=False,
                                         widget=forms.TextInput(attrs={"inputmode": "numeric"}))  # fmt: skip
            evidence = forms.CharField(label=_("佐证说明"), required=False, max_length=2000)
            self.fields[f"answer-{item.pk}"] = answer
            self.fields[f"evidence-{item.pk}"] = evidence
            answer.widget.attrs.setdefault(
                "class", "form-control" if item.answer_type != AnswerType.YES_NO else ""
            )
            evidence.widget.attrs["class"] = "form-control form-control-sm"
            self.checklist.append((item, f"answer-{item.pk}", f"evidence-{item.pk}"))

    def checklist_rows(self):
        return [(item, self[a], self[e]) for item, a, e in self.checklist]

    def base_fields_names(self):
        return ["school", "visited_on", "kind", "duration_minutes", "methods"]

    def action_arguments(self) -> dict:
        data = self.cleaned_data
        answers = {item.pk: {"value": data.get(a), "evidence": data.get(e)} for item, a, e in self.checklist}
        return {
            "school": data["school"], "visited_on": data["visited_on"], "kind": data["kind"],
            "summary": data["summary"], "duration_minutes": data.get("duration_minutes"),
            "methods": data.get("methods") or [], "late_reason": data.get("late_reason") or "",
            "client_key": data.get("client_key") or "", "photos": data.get("photos") or [],
            "answers": {k: v for k, v in answers.items() if (v["value"] or v["evidence"])} or None,
        }  # fmt: skip


class PlanForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(),
                                    error_messages={"invalid_choice": _("只能为您负责督导的学校制订计划。")})  # fmt: skip
    planned_on = forms.DateField(label=_("计划日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("督导类型"), choices=PLAN_KINDS, initial=VisitKind.ROUTINE)
    note = forms.CharField(label=_("计划说明"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_for(user)


class NoticeForm(BootstrapForm):
    answer_ids = forms.MultipleChoiceField(
        label=_("未达标的检查项"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    items = forms.CharField(
        label=_("其他整改事项"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("每行一项。不得填写学生个人信息。"),
    )  # fmt: skip
    due_on = forms.DateField(
        label=_("整改期限"), widget=DATE, required=False,
        help_text=_("留空则按区级整改复查期限（默认自下达之日起 30 天）。"),
    )  # fmt: skip

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A failed item already in a notice is followed up there, not raised again.
        failed = (
            visit.answers.filter(failed=True, notice_items__isnull=True).select_related("item")
            if visit
            else []
        )
        self.fields["answer_ids"].choices = [
            (str(a.pk), f"{a.item.text}（{a.display_value()}）") for a in failed
        ]
        self.fields["answer_ids"].initial = [str(a.pk) for a in failed]
        if not failed:
            del self.fields["answer_ids"]

    def action_arguments(self) -> dict:
        data = self.cleaned_data
        return {"items": data.get("items") or "", "due_on": data.get("due_on"),
                "answer_ids": [int(i) for i in data.get("answer_ids") or []]}  # fmt: skip


class CloseNoticeForm(BootstrapForm):
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 3}))


class RecheckForm(BootstrapForm):
    passed = forms.TypedChoiceField(
        label=_("复查结论"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("整改到位，销号")), ("0", _("未整改到位，重新整改"))],
    )  # fmt: skip
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerItemForm(BootstrapForm):
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("整改佐证"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明可查的材料（制度文件、记录、照片存放处等）。不得填写学生个人信息。"),
    )  # fmt: skip


class VoidVisitForm(BootstrapForm):
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(BootstrapForm):
    inspector = forms.ModelChoiceField(label=_("责任督学"), queryset=User.objects.none())
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.exclude(schema_name="public"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = User.objects.filter(
            district_memberships__role="inspector"
        ).order_by("username")
        self.fields["school"].queryset = self.fields["school"].queryset.order_by("name")


class EndAssignmentForm(BootstrapForm):
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)


class ProfileForm(BootstrapForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    contact = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    certificate_no = forms.CharField(label=_("督学证号"), max_length=50, required=False)
    photo = forms.FileField(label=_("照片"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))  # fmt: skip


class ChecklistItemForm(BootstrapForm):
    code = forms.SlugField(label=_("编码"), max_length=40)
    text = forms.CharField(label=_("检查内容"), max_length=300)
    answer_type = forms.ChoiceField(label=_("答案类型"), choices=AnswerType.choices)
    points = forms.IntegerField(label=_("分值"), min_value=0, max_value=100, initial=5)
    expected = forms.IntegerField(label=_("达标数量"), min_value=0, required=False)


class RulesForm(BootstrapForm):
    visit_frequency = forms.ChoiceField(
        label=_("例行督导频次单位"), choices=[("semester", _("每学期")), ("month", _("每月"))]
    )
    visits_required = forms.IntegerField(label=_("每个周期应督导（次）"), min_value=1, max_value=31)
    not_visited_days = forms.IntegerField(
        label=_("超过多少天未督导列为未督导学校"), min_value=1, max_value=366
    )
    supervision_hotline = forms.CharField(label=_("教育督导举报电话"), max_length=50, required=False)
