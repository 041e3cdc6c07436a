from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from district_portal.demo import seed_demo


class Command(BaseCommand):
    help = _("建立演示区：专项行动、学校、各角色账号和少量演示数据（可重复运行，不会重复创建）。")

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据已就绪。所有演示账号的密码：%(pw)s") % {"pw": settings.DEMO_PASSWORD}
            )
        )
        for login in logins:
            self.stdout.write(f"  {login.site:<12} {login.url:<42} {login.username:<24} {login.role}")
