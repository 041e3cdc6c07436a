from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tenants.backup import BackupError, restore


class Command(BaseCommand):
    help = _("把备份文件恢复到一个新的数据库（不会覆盖已有数据库）。恢复后把 DATABASE_URL 指向它即可启用。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", required=True, help=_("新数据库的名称"))

    def handle(self, *args, file: Path, into: str, **options):
        try:
            restore(file, into)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(_("已恢复到数据库 %(db)s。") % {"db": into}))
