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
    items.extend(_summons_items(membership, today, now))
    return sorted(
        items,
        key=lambda item: (
            item.due
            if isinstance(item.due, date) and not isinstance(item.due, datetime)
            else timezone.localtime(item.due).date()
        ),
    )


def _summons_items(membership, today, now) -> list[OverdueItem]:
    """The district's summonses this school has let pass: the acknowledgement, the rectification
    report, commitments (read from the public schema, where the summonses live)."""
    from django.db import connection

    from oversight.summons.models import Commitment, Summons, SummonsState

    if membership is None or not permissions.handles_incidents(membership):
        return []
    rows = Summons.objects.filter(school=connection.tenant)
    items = [OverdueItem(_("约谈通知逾期未签收"), s.number, s.ack_due_at, f"/summons/{s.pk}/")
             for s in rows.filter(state=SummonsState.ISSUED, ack_due_at__lt=now)[:LIMIT]]  # fmt: skip
    items += [OverdueItem(_("约谈整改报告逾期未交"), s.number, s.report_due_on, f"/summons/{s.pk}/")
              for s in rows.filter(state__in=(SummonsState.MET, SummonsState.RETURNED), report_due_on__lt=today)[:LIMIT]]  # fmt: skip
    promised = Commitment.objects.filter(summons__in=rows, done_on__isnull=True, due_on__lt=today).exclude(
        summons__state=SummonsState.CLOSED).select_related("summons")[:LIMIT]  # fmt: skip
    items += [
        OverdueItem(_("约谈承诺逾期未完成"), c.text, c.due_on, f"/summons/{c.summons_id}/") for c in promised
    ]
    return items
