"""Forms of the governance page: types and required fields only — the rules live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schools import uploads
from schools.forms.base import BootstrapForm, VersionedForm
from schools.models import DocumentKind, GroupRole


class MemberForm(VersionedForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    group_role = forms.ChoiceField(label=_("小组职务"), choices=GroupRole.choices)
    post = forms.CharField(label=_("校内职务"), max_length=50, required=False)
    duties = forms.CharField(label=_("职责"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, required=False, initial=0)
    user = forms.ModelChoiceField(
        label=_("对应账号"), queryset=None, required=False, empty_label=_("（不关联账号）"),
        help_text=_("关联本校账号后，该成员可查看重点关注学生名单等委员会权限内的记录。"),
    )  # fmt: skip

    def __init__(self, *args, school, **kwargs):
        from tenants.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            school_memberships__school=school, school_memberships__active=True
        ).order_by("full_name", "username")


class PublishedInfoForm(BootstrapForm):
    principal = forms.CharField(label=_("第一责任人（校长）"), max_length=50, required=False)
    legal_vice_principal = forms.CharField(label=_("法治副校长"), max_length=50, required=False)
    hotline = forms.CharField(label=_("欺凌举报电话"), max_length=30, required=False)
    mailbox = forms.CharField(
        label=_("举报信箱"), max_length=100, required=False, help_text=_("电子邮箱或校内信箱位置。")
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


class DutyForm(VersionedForm):
    post = forms.CharField(label=_("岗位"), max_length=50)
    duty = forms.CharField(label=_("职责"), widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, required=False, initial=0)


class DocumentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("文件类型"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("标题"), max_length=200, help_text=_("与已有文件的类型和标题相同时，保存为该文件的新版本。")
    )
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)
    file = forms.FileField(
        label=_("文件"), required=False, help_text=uploads.LIMITS,
        widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}),
    )  # fmt: skip


class ConfirmForm(VersionedForm):
    """A button with nothing to fill in, carrying the version the user saw."""
