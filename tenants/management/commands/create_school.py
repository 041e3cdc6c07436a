from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tenants.actions.provisioning import SchoolSpec, create_school
from tenants.models import SchoolKind


class Command(BaseCommand):
    help = _("开通一所学校（建立其独立数据模式和站点地址）。")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help=_("学校名称"))
        parser.add_argument("--code", required=True, help=_("学校标识码（10 位数字）"))
        parser.add_argument("--slug", required=True, help=_("站点标识，如 xuejia-primary"))
        parser.add_argument("--kind", required=True, choices=SchoolKind.values, help=_("学段类型"))
        parser.add_argument("--boarding", action="store_true", help=_("寄宿制"))
        parser.add_argument("--students", type=int, default=0, help=_("在校学生数"))
        parser.add_argument("--area", default="", help=_("所属街道/片区"))
        parser.add_argument("--address", default="")
        parser.add_argument("--principal", default="")
        parser.add_argument("--hotline", default="")
        parser.add_argument("--mailbox", default="")

    def handle(self, *args, **o):
        spec = SchoolSpec(
            name=o["name"], code=o["code"], slug=o["slug"], kind=o["kind"], boarding=o["boarding"],
            student_count=o["students"], area=o["area"], address=o["address"], principal=o["principal"],
            hotline=o["hotline"], mailbox=o["mailbox"],
        )  # fmt: skip
        try:
            school = create_school(acting_user=None, spec=spec)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(_("已开通：%(name)s  %(url)s") % {"name": school.name, "url": school.url()})
        )
