from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models.base import Versioned
from tenants.fields import LimitedTextField


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")


class GovernanceMember(Versioned):
    """A member of the school's anti-bullying leadership group (防治校园欺凌和暴力领导小组).
    A member linked to a user account counts as a committee member for access to restricted records."""

    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("对应账号"),
    )  # fmt: skip
    group_role = models.CharField(_("小组职务"), max_length=10, choices=GroupRole.choices)
    post = models.CharField(_("校内职务"), max_length=50, blank=True)
    duties = LimitedTextField(_("职责"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "group_role"],
                condition=models.Q(active=True),
                name="unique_active_group_member",
            )
        ]

    def __str__(self):
        return f"{self.get_group_role_display()}：{self.name}"


class ResponsibilityItem(Versioned):
    """One line of the responsibility list (责任清单) for a post."""

    post = models.CharField(_("岗位"), max_length=50)
    duty = LimitedTextField(_("职责"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单")
        ordering = ["post", "order", "id"]


class DocumentKind(models.TextChoices):
    RULES = "rules", _("工作制度")
    EMERGENCY_PLAN = "emergency_plan", _("应急预案")
    CONVENTION = "convention", _("反欺凌公约")
    OTHER = "other", _("其他")


class SchoolDocument(models.Model):
    """A versioned upload; a new version never replaces the old file, it is added beside it."""

    kind = models.CharField(_("文件类型"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    version_no = models.PositiveIntegerField(_("版本号"))
    file = models.FileField(_("文件"), upload_to="school-documents/%Y/")
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学校制度文件")
        verbose_name_plural = _("学校制度文件")
        ordering = ["kind", "title", "-version_no"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "title", "version_no"], name="unique_document_version")
        ]

    def __str__(self):
        return f"{self.title} v{self.version_no}"
