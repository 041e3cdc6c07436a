import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tenants.actions.accounts import create_bureau_admin


class Command(BaseCommand):
    help = _(
        "创建教育局管理员账号（正式部署的第一个账号，也可登录 /admin/）。密码从提示输入，或取自环境变量 BUREAU_ADMIN_PASSWORD。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, email, full_name, **options):
        password = os.environ.get("BUREAU_ADMIN_PASSWORD")
        if not password:
            password = getpass.getpass(_("密码："))
            if password != getpass.getpass(_("再次输入密码：")):
                raise CommandError(_("两次输入的密码不一致。"))
        try:
            user = create_bureau_admin(acting_user=None, username=username, email=email, password=password,
                                       full_name=full_name)  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("已创建教育局管理员 %(u)s。") % {"u": user.username}))
