"""Everything past its time limit in one school, for the dashboard: each item says what, since
when and where to act. Counted in SQL per kind; the dashboard lists at most a page of each."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import permissions
from schools.models import (
    AppealStatus,
    CareEntry,
    DeterminationAppeal,
    FollowUp,
    Hazard,
    HazardStatus,
    Incident,
    IncidentStage,
)

LIMIT = 20


@dataclass(frozen=True)
class OverdueItem:
    kind: str
    title: str
    due: date | datetime
    link: str


def overdue_items(membership, today: date | None = None, now: datetime | None = None) -> list[OverdueItem]:
    today = today or timezone.localdate()
    now = now or timezone.now()
    live = Q(voided_at__isnull=True)
    items: list[OverdueItem] = []
    for incident in Incident.objects.filter(
        live, stage=IncidentStage.INVESTIGATING, investigation_due_on__lt=today
    )[:LIMIT]:
        items.append(
            OverdueItem(
                _("调查认定逾期"), incident.code, incident.investigation_due_on, f"/incidents/{incident.pk}/"
            )
        )
    for incident in Incident.objects.filter(
        live, upward_report_due_at__lt=now, upward_reported_at__isnull=True
    )[:LIMIT]:
        items.append(
            OverdueItem(
                _("严重欺凌未按时上报"),
                incident.code,
                incident.upward_report_due_at,
                f"/incidents/{incident.pk}/",
            )
        )
    for appeal in DeterminationAppeal.objects.filter(
        status=AppealStatus.PENDING, due_on__lt=today
    ).select_related("incident")[:LIMIT]:
        items.append(
            OverdueItem(
                _("认定申诉逾期未答复"),
                appeal.incident.code,
                appeal.due_on,
                f"/incidents/{appeal.incident_id}/",
            )
        )
    for follow_up in FollowUp.objects.filter(live, done_on__isnull=True, due_on__lt=today).select_related(
        "incident"
    )[:LIMIT]:
        items.append(
            OverdueItem(
                _("追踪辅导逾期"),
                follow_up.incident.code,
                follow_up.due_on,
                f"/incidents/{follow_up.incident_id}/",
            )
        )
    for hazard in Hazard.objects.filter(
        live, status__in=[HazardStatus.OPEN, HazardStatus.RECTIFYING], deadline__lt=today
    )[:LIMIT]:
        items.append(
            OverdueItem(
                _("隐患逾期未整改"),
                # An assigned inspector (no membership) reads figures and categories only: free text
                # typed by staff (risk, responsible person) may name people.
                f"{hazard.get_place_display()} · {hazard.risk_kind}"
                if membership
                else str(hazard.get_place_display()),
                hazard.deadline,
                f"/ledger/{hazard.pk}/",
            )
        )
    care = permissions.care_entries_visible_to(
        membership, CareEntry.objects.filter(live, closed_on__isnull=True)
    )
    care_due = (
        care.filter(next_review_on__lt=today).count() if permissions.can_see_care_list(membership) else 0
    )
    if care_due:
        items.append(
            OverdueItem(_("重点关注学生待研判"), _("%(n)s 名学生") % {"n": care_due}, today, "/care/")
        )
    return sorted(
        items,
        key=lambda item: (
            item.due
            if isinstance(item.due, date) and not isinstance(item.due, datetime)
            else timezone.localtime(item.due).date()
        ),
    )
