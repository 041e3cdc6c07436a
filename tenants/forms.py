from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LockoutMessageMixin:
    """Says why a login was refused when the lock-out backend stopped it (the lock itself is
    enforced by `tenants.login_guard.LockoutBackend` for every door)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "login_locked_for", 0)
            if not wait:
                raise
            minutes = max(1, (wait + 59) // 60)
            raise ValidationError(
                _("登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试，或联系管理员重置密码。")
                % {"minutes": minutes},
                code="locked",
            ) from None


class GuardedAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    pass


class GuardedAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
