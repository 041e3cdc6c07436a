from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")


class GovernanceMember(models.Model):
    """A member of the school's anti-bullying leadership group (防治校园欺凌和暴力领导小组)."""

    name = models.CharField(_("姓名"), max_length=50)
    group_role = models.CharField(_("小组职务"), max_length=10, choices=GroupRole.choices)
    post = models.CharField(_("校内职务"), max_length=50, blank=True)
    duties = models.TextField(_("职责"), blank=True)
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
