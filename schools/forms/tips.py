from django import forms
from django.utils.translation import gettext_lazy as _

from schools.forms.base import DATETIME, BootstrapForm


class TipForm(BootstrapForm):
    body = forms.CharField(
        label=_("请告诉我们发生了什么"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("谁、在哪里、发生了什么（可以不写自己的名字）")}),
    )  # fmt: skip
    happened_where = forms.CharField(label=_("发生地点"), max_length=100, required=False)
    happened_when = forms.CharField(label=_("大概时间"), max_length=100, required=False)


class ReceiptForm(BootstrapForm):
    code = forms.CharField(label=_("查询码"), max_length=40)


class TipsterMessageForm(BootstrapForm):
    code = forms.CharField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("补充说明或回复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


TIPSTER_SEES = _(
    "举报人凭查询码可以看到这段文字的原文。请勿填写学生姓名、班级、学号、电话等可识别身份的信息。"
)


class ReplyForm(BootstrapForm):
    body = forms.CharField(label=_("回复举报人（举报人可见）"), max_length=5000, help_text=TIPSTER_SEES,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class TriageForm(BootstrapForm):
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=100)
    summary = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseTipForm(BootstrapForm):
    reason = forms.CharField(label=_("办结说明（举报人可见）"), max_length=5000, help_text=TIPSTER_SEES,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
