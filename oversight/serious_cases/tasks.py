"""Beat: tell bureau staff by e-mail when a serious-case deadline passes with its report missing.
The flags themselves need no task (they are computed when the register is read); this only sends
the notice, once per deadline."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.serious_cases.models import ExternalReport, ReportKind, SeriousCase
from tenants.models import User
from tenants.roles import DistrictRole


def _passed_deadline(case: SeriousCase, now):
    """The deadline of this case that has passed with its report missing, if any."""
    kinds = set(case.reports.values_list("kind", flat=True))
    if ReportKind.FIRST not in kinds and case.report_due_at < now:
        return case.report_due_at, _("首报")
    if case.follow_up_due_at and case.follow_up_due_at < now:
        return case.follow_up_due_at, _("续报")
    if case.closing_due_at and ReportKind.CLOSING not in kinds and case.closing_due_at < now:
        return case.closing_due_at, _("结案报告")
    return None


@shared_task
def notify_passed_deadlines() -> int:
    now = timezone.now()
    lines = []
    with transaction.atomic():
        for case in SeriousCase.objects.select_for_update(of=("self",)).select_related("school"):
            passed = _passed_deadline(case, now)
            if passed and passed[0] != case.noticed_due_at:
                lines.append(_("%(school)s 事件 %(code)s：%(kind)s应于 %(due)s 前报送，至今未报。") % {
                    "school": case.school.name, "code": case.case_code, "kind": passed[1],
                    "due": timezone.localtime(passed[0]).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
                SeriousCase.objects.filter(pk=case.pk).update(noticed_due_at=passed[0])
        unmatched = ExternalReport.objects.select_for_update(of=("self",)).select_related("school").filter(
            report_due_at__lt=now, noticed_due_at__isnull=True)  # fmt: skip
        for record in unmatched:
            if SeriousCase.objects.filter(school=record.school, occurred_on=record.occurred_on).exists():
                continue  # the school registered it: its own deadlines apply
            lines.append(_("%(school)s：区教育局经%(source)s获知的事件（发生于 %(on)s）学校应于 %(due)s 前报送，至今未报。") % {
                "school": record.school.name, "source": record.get_source_display(), "on": record.occurred_on.isoformat(),
                "due": timezone.localtime(record.report_due_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
            ExternalReport.objects.filter(pk=record.pk).update(noticed_due_at=record.report_due_at)
        if lines:
            recipients = sorted(set(
                User.objects.filter(district_memberships__role__in=[DistrictRole.BUREAU_ADMIN, DistrictRole.BUREAU_STAFF],
                                    is_active=True).exclude(email="").values_list("email", flat=True)))  # fmt: skip
            if recipients:
                subject = _("严重欺凌事件报送逾期（%(n)s 项）") % {"n": len(lines)}
                message = "\n".join(lines)
                transaction.on_commit(lambda: send_mail(subject=subject, message=message,
                                                        from_email=settings.DEFAULT_FROM_EMAIL,
                                                        recipient_list=recipients), robust=True)  # fmt: skip
    return len(lines)
