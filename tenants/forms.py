from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tenants.login_guard import seconds_locked


class GuardedAuthenticationForm(AuthenticationForm):
    """Refuses to even check the password while the account or the client is locked."""

    def clean(self):
        wait = seconds_locked(self.cleaned_data.get("username", ""), self.request)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            raise ValidationError(
                _("登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试，或联系管理员重置密码。")
                % {"minutes": minutes},
                code="locked",
            )
        return super().clean()
