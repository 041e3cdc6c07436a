from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from tenants.actions.provisioning import create_school
from tenants.onboarding import check_file


class Command(BaseCommand):
    help = _("从 CSV 或 XLSX 学校名单批量开通学校：先逐行校验，问题行不开通，其余每行建立一所学校。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help=_("只校验，不开通"))

    def handle(self, *args, file: Path, check: bool, **options):
        if not file.exists():
            raise CommandError(_("找不到文件：%(path)s") % {"path": file})
        try:
            rows = check_file(file)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bad = [row for row in rows if row.problems]
        good = [row for row in rows if not row.problems]
        for row in bad:
            self.stderr.write(
                _("第 %(line)s 行：%(problems)s") % {"line": row.line, "problems": "；".join(row.problems)}
            )
        self.stdout.write(
            _("共 %(total)s 行：可开通 %(good)s 行，有问题 %(bad)s 行。")
            % {"total": len(rows), "good": len(good), "bad": len(bad)}
        )
        if check or not good:
            return
        created = 0
        for row in tqdm(good, desc=_("开通学校"), unit=_("所"), disable=options["verbosity"] == 0):
            try:
                create_school(acting_user=None, spec=row.spec)
                created += 1
            except ValidationError as exc:
                self.stderr.write(
                    _("第 %(line)s 行：%(problems)s")
                    % {"line": row.line, "problems": "；".join(exc.messages)}
                )
        self.stdout.write(self.style.SUCCESS(_("已开通 %(n)s 所学校。") % {"n": created}))
        if bad:
            raise CommandError(_("%(n)s 行未开通，请修改后重新导入这些行。") % {"n": len(bad)})
