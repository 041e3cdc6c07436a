from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from oversight.rollups import reconcile


class Command(BaseCommand):
    help = "Recompute every school's district roll-ups in one SQL pass (what the beat task does)."

    def handle(self, *args, **options):
        self.stdout.write(_("已重新汇总 %(n)s 所学校。") % {"n": reconcile()})
