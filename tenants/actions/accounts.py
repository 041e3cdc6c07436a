"""The first account of a real deployment: a bureau administrator (also the Django admin)."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tenants import audit
from tenants.models import DistrictMembership, User
from tenants.roles import DistrictRole


@transaction.atomic(durable=True)
def create_bureau_admin(
    *, acting_user, username: str, email: str, password: str, full_name: str = ""
) -> User:
    """acting_user None means the server's operator at the command line (manage.py
    create_bureau_admin); from the site, only a bureau admin may create another."""
    if acting_user is not None and not acting_user.is_bureau_admin:
        raise PermissionDenied(_("只有教育局管理员可以创建教育局管理员账号。"))
    username = username.strip()
    if not username:
        raise ValidationError(_("请填写账号。"))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("账号 %(u)s 已存在。") % {"u": username})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("邮箱地址无效：%(e)s（通知和找回密码都发到这里）") % {"e": email}) from None
    if password == settings.DEMO_PASSWORD:
        raise ValidationError(_("不能使用演示密码。"))
    candidate = User(username=username, email=email, full_name=full_name)
    validate_password(password, user=candidate)
    user = User.objects.create_user(username=username, email=email, password=password, full_name=full_name,
                                    is_staff=True, is_superuser=True)  # fmt: skip
    DistrictMembership.objects.create(user=user, role=DistrictRole.BUREAU_ADMIN)
    audit.record(actor=acting_user, action="account.bureau_admin_created", obj=user,
                 changes={"username": username, "email": email})  # fmt: skip
    return user
