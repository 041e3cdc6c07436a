"""The registry in the public schema: schools (the tenants), their host names, users and roles."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.roles import DistrictRole, SchoolRole, StaffPost

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$",
    _("标识只能包含小写字母、数字和连字符，以字母开头，长度 3–42 个字符。"),
)


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    SENIOR = "senior", _("高中")
    COMPLETE = "complete", _("完全中学")
    VOCATIONAL = "vocational", _("职业学校")
    SPECIAL = "special", _("特殊教育学校")


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("已暂停")


class School(TenantMixin):
    """One school; its own records live in the PostgreSQL schema named by `schema_name`."""

    name = models.CharField(_("学校名称"), max_length=100)
    code = models.CharField(
        _("学校标识码"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("学校标识码应为 10 位数字。"))],
    )
    slug = models.SlugField(_("站点标识"), max_length=42, unique=True, validators=[slug_validator])
    kind = models.CharField(_("学段类型"), max_length=20, choices=SchoolKind.choices)
    boarding = models.BooleanField(_("寄宿制"), default=False)
    student_count = models.PositiveIntegerField(_("在校学生数"), default=0)
    area = models.CharField(_("所属街道/片区"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    principal = models.CharField(_("校长（第一责任人）"), max_length=50, blank=True)
    legal_vice_principal = models.CharField(_("法治副校长"), max_length=50, blank=True)
    hotline = models.CharField(_("欺凌举报电话"), max_length=30, blank=True)
    mailbox = models.CharField(_("举报信箱"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False  # a school's records are never dropped with its row

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def schema_name_for(slug: str) -> str:
        return "school_" + slug.replace("-", "_")

    @property
    def is_active(self) -> bool:
        return self.status == SchoolStatus.ACTIVE

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Replay the template's DDL (tenants.ddl_replay) rather than django-tenants' clone_schema(),
        whose catalog reads slow every creation down as schools are added. Without a migrated
        template (a database never migrated) the schema is migrated the usual way."""
        from django.db import connection
        from django_tenants.utils import schema_exists

        from tenants import ddl_replay

        if check_if_exists and schema_exists(self.schema_name):
            return False
        if not sync_schema or ddl_replay.state_key() is None:
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        ddl_replay.replay(self.schema_name)
        connection.set_schema_to_public()
        return True

    def host(self) -> str:
        from django.conf import settings

        return f"{self.slug}.{settings.DISTRICT_HOST}"

    def url(self) -> str:
        from district_portal.urls_helpers import site_url

        return site_url(self.host())


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")


class User(AbstractUser):
    """Everyone who logs in: bureau staff, inspectors and school staff."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def district_roles(self) -> set[str]:
        if not self.is_authenticated:
            return set()
        if not hasattr(self, "_district_roles"):
            self._district_roles = set(self.district_memberships.values_list("role", flat=True))
        return self._district_roles

    @property
    def is_bureau(self) -> bool:
        return bool(self.district_roles() & {DistrictRole.BUREAU_ADMIN, DistrictRole.BUREAU_STAFF})

    @property
    def is_bureau_admin(self) -> bool:
        return DistrictRole.BUREAU_ADMIN in self.district_roles()

    @property
    def is_inspector(self) -> bool:
        return DistrictRole.INSPECTOR in self.district_roles()

    def membership_in(self, school) -> "SchoolMembership | None":
        if not self.is_authenticated or school is None:
            return None
        return self.school_memberships.filter(school=school, active=True).first()


class DistrictMembership(models.Model):
    """A role on the district site (public schema)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="district_memberships")
    role = models.CharField(_("角色"), max_length=20, choices=DistrictRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("区级角色")
        verbose_name_plural = _("区级角色")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_district_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class SchoolMembership(models.Model):
    """A user's place in one school: admin or staff with a post (and classes for 班主任)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="school_memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=SchoolRole.choices, default=SchoolRole.STAFF)
    post = models.CharField(_("岗位"), max_length=30, choices=StaffPost.choices, default=StaffPost.TEACHER)
    classes = models.CharField(
        _("任教/管理班级"),
        max_length=200,
        blank=True,
        help_text=_("多个班级用逗号分隔，如：三年级1班,三年级2班"),
    )
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学校成员")
        verbose_name_plural = _("学校成员")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="unique_school_membership")]

    def __str__(self):
        return f"{self.user} · {self.school} · {self.get_post_display()}"

    @property
    def is_admin(self) -> bool:
        return self.role == SchoolRole.ADMIN

    def class_list(self) -> list[str]:
        return [c.strip() for c in self.classes.replace("，", ",").split(",") if c.strip()]


class AuditEvent(models.Model):
    """Who did what, when, on the district layer (each school keeps its own log in its schema)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象"), max_length=64)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("区级审计记录")
        verbose_name_plural = _("区级审计记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审计记录不可修改。"))
        return super().save(*args, **kwargs)


class RateCounter(models.Model):
    """One fixed-window counter (login failures, tips per client) or one lock-out, by hashed key.
    A database row so that the count is atomic on every set-up, the default file cache included:
    `tenants.counters` bumps it with a single `INSERT … ON CONFLICT … RETURNING`."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("计数器")
        verbose_name_plural = _("计数器")

    def __str__(self):
        return self.key


class IdempotencyRecordBase(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed to retries of it. Concrete
    in two places so that an answer never leaves its site's data: `api.IdempotencyRecord` (public
    schema, district site) and `schools.IdempotencyRecord` (each school's own schema). Expires
    after IDEMPOTENCY_TTL_HOURS."""

    scope = models.CharField(max_length=64)  # host + caller, hashed
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64, blank=True)  # sha256 of the request body
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="%(app_label)s_unique_idempotency_key")
        ]

    def __str__(self):
        return f"{self.key} {self.path}"
