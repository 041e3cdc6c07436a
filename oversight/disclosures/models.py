"""Disclosure rows in the public schema: text only (no attachments, so nothing unscanned leaves)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.fields import LimitedTextField


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


# 不过分渲染事件细节: what each signer confirms the text does not contain.
CHECKLIST = {
    "no_exact_times": _("没有精确到时分的时间"),
    "no_places_inside": _("没有校内具体位置（如哪层楼、哪间厕所或宿舍）"),
    "no_injury_detail": _("没有伤情细节描述"),
    "no_identifying": _("没有任何可识别学生身份的信息（姓名、班级、外貌、家庭等）"),
}


class Disclosure(models.Model):
    serious_case = models.ForeignKey("oversight.SeriousCase", on_delete=models.PROTECT, related_name="disclosures",
                                     verbose_name=_("严重欺凌事件"))  # fmt: skip
    accountability = models.ForeignKey("oversight.AccountabilityRecord", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="disclosures", verbose_name=_("问责记录"))  # fmt: skip
    state = models.CharField(
        _("状态"), max_length=20, choices=DisclosureState.choices, default=DisclosureState.DRAFT
    )
    title = models.CharField(_("标题"), max_length=200)
    occurred_on = models.DateField(_("事件日期"))
    name_school = models.BooleanField(_("公开学校名称"), default=False)
    facts = LimitedTextField(_("事件概况（已去标识）"))
    measures = LimitedTextField(_("处置措施"), max_length=3000)
    outcome = LimitedTextField(_("问责情况"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("起草人"))  # fmt: skip
    drafted_at = models.DateTimeField(auto_now_add=True)
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    expires_on = models.DateField(_("到期日期"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = LimitedTextField(_("撤回原因"), max_length=1000, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("信息公开")
        verbose_name_plural = _("信息公开")
        ordering = ["-publish_at", "-id"]

    def __str__(self):
        return self.title


class DisclosureVersion(models.Model):
    """Every version of the text, kept."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    name_school = models.BooleanField(_("公开学校名称"))
    facts = LimitedTextField(_("事件概况（已去标识）"))
    measures = LimitedTextField(_("处置措施"))
    outcome = LimitedTextField(_("问责情况"), blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信息公开版本")
        verbose_name_plural = _("信息公开版本")
        ordering = ["disclosure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "number"], name="unique_disclosure_version")
        ]

    def __str__(self):
        return f"{self.disclosure_id} v{self.number}"


class DisclosureSignoff(models.Model):
    """A reviewer's sign-off on one version, with the checklist confirmed."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="signoffs")
    version = models.PositiveIntegerField(_("版本"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(_("已确认的检查项"), default=list)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信息公开审核签字")
        verbose_name_plural = _("信息公开审核签字")
        ordering = ["disclosure", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "version", "user"], name="unique_disclosure_signoff"
            )
        ]

    def __str__(self):
        return f"{self.disclosure_id} v{self.version} · {self.user_id}"
