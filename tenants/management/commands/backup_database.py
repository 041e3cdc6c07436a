from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.backup import BackupError, dump


class Command(BaseCommand):
    help = _("备份整个数据库（区级数据和每所学校的数据）到一个文件。")

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", type=Path, help=_("备份文件，默认 BACKUP_DIR/district-<时间>.dump")
        )

    def handle(self, *args, file: Path | None = None, **options):
        from django.conf import settings

        target = file or Path(settings.BACKUP_DIR) / f"district-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
        try:
            dump(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(_("已备份到 %(path)s") % {"path": target}))
