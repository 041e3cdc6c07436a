"""Personal API tokens for scripts. Stored hashed; each is bound to the site it was made for,
so a token made on school A is refused on school B (django-tenants #983: ids alone are not enough)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import IdempotencyRecordBase


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    school = models.ForeignKey(
        "tenants.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("适用学校"), help_text=_("为空表示区级站点的令牌"),
    )  # fmt: skip
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, school, name: str) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, school=school, name=name, prefix=key[:8], key_hash=cls.hash(key)
        )
        return token, key


class IdempotencyRecord(IdempotencyRecordBase):
    """Idempotency records of the district site (the public schema); a school's live in its own
    schema (`schools.IdempotencyRecord`)."""

    class Meta(IdempotencyRecordBase.Meta):
        pass
