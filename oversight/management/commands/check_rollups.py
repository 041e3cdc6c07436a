from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oversight.rollups import differences


class Command(BaseCommand):
    help = (
        "Compare the district roll-ups with a direct count in every school; exit non-zero on any difference."
    )

    def handle(self, *args, **options):
        checked, problems = differences()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                _("汇总数据与学校实际数据不一致：%(n)s 处（共核对 %(total)s 所学校）。")
                % {"n": len(problems), "total": checked}
            )
        self.stdout.write(_("已核对 %(total)s 所学校，汇总数据与实际一致。") % {"total": checked})
