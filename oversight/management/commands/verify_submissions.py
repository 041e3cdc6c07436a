from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from oversight.verify import verify_chains, verify_serious_reports


class Command(BaseCommand):
    help = "Recompute every school's phase-report and serious-case report hash chains; exit non-zero if any row was tampered with."

    def handle(self, *args, **options):
        checked, problems = verify_chains()
        serious_checked, serious_problems = verify_serious_reports()
        checked, problems = checked + serious_checked, problems + serious_problems
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                _("发现 %(n)s 处异常（共核验 %(total)s 条提交）。") % {"n": len(problems), "total": checked}
            )
        self.stdout.write(_("已核验 %(total)s 条提交，哈希链完整。") % {"total": checked})
