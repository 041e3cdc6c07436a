"""Re-scan what is already stored in the public schema with today's privacy gate and list every
text that it would now refuse (masked, with the rule), e.g. after the gate learned a new rule or a
school recorded a pupil whose name had been written up earlier. Exits 1 when anything is found."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from oversight.privacy_fields import stored_public_texts
from schools.privacy.gate import scan


class Command(BaseCommand):
    help = "列出公共库中按现行隐私规则会被拒绝的已存文字。"

    def handle(self, *args, **options):
        found = 0
        for label, pk, school, texts, email_fields, known in stored_public_texts():
            findings = scan(school, texts, email_fields=email_fields, known=known)
            findings = [finding for finding in findings if not finding.is_warning]
            for finding in findings:
                found += 1
                self.stdout.write(
                    f"{label} #{pk}（{school.name if school else _('全区')}）：{finding.message()}"
                )
        if found:
            self.stdout.write(_("共 %(n)s 处文字按现行规则会被拒绝。") % {"n": found})
            sys.exit(1)
        self.stdout.write(_("公共库中的文字均符合现行隐私规则。"))
