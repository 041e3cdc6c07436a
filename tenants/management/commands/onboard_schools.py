from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from tqdm import tqdm

from tenants.actions.provisioning import create_schools
from tenants.onboarding import check_file

BATCH = 10  # schools per transaction: each takes ~600 locks until the commit (docs/scaling.md)


class Command(BaseCommand):
    help = _(
        "从 CSV 或 XLSX 学校名单批量开通学校：先逐行校验，问题行不开通，其余分批开通（每批一个事务）。"
        "中断后用同一文件重新运行即可继续，已开通的学校不会重复开通。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help=_("只校验，不开通"))
        parser.add_argument("--batch", type=int, default=BATCH, help=_("每批开通的学校数"))

    def handle(self, *args, file: Path, check: bool, batch: int, **options):
        if not file.exists():
            raise CommandError(_("找不到文件：%(path)s") % {"path": file})
        try:
            rows = check_file(file)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bad = [row for row in rows if row.problems]
        done = [row for row in rows if row.done]
        good = [row for row in rows if not row.problems and not row.done]
        for row in bad:
            self.stderr.write(
                _("第 %(line)s 行：%(problems)s") % {"line": row.line, "problems": "；".join(row.problems)}
            )
        self.stdout.write(
            _("共 %(total)s 行：可开通 %(good)s 行，已开通（跳过）%(done)s 行，有问题 %(bad)s 行。")
            % {"total": len(rows), "good": len(good), "done": len(done), "bad": len(bad)}
        )
        if check or not good:
            if bad and not check:
                raise CommandError(_("%(n)s 行未开通，请修改后重新导入这些行。") % {"n": len(bad)})
            return
        created, failed = 0, []
        size = max(1, batch)
        with tqdm(
            total=len(good), desc=_("开通学校"), unit=_("所"), disable=options["verbosity"] == 0
        ) as bar:
            for start in range(0, len(good), size):
                chunk = good[start : start + size]
                try:
                    created += len(create_schools(acting_user=None, specs=[row.spec for row in chunk]))
                except (ValidationError, DatabaseError) as exc:
                    # The whole batch is rolled back; the other batches go on.
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    lines = "、".join(str(row.line) for row in chunk)
                    self.stderr.write(
                        _("第 %(lines)s 行（同一批）未开通：%(problems)s")
                        % {"lines": lines, "problems": "；".join(messages)}
                    )
                    failed += chunk
                bar.update(len(chunk))
        self.stdout.write(self.style.SUCCESS(_("已开通 %(n)s 所学校。") % {"n": created}))
        if bad or failed:
            raise CommandError(
                _("%(n)s 行未开通，请修改后用同一文件重新运行（已开通的不会重复开通）。")
                % {"n": len(bad) + len(failed)}
            )
