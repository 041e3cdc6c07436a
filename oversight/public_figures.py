"""全区防治学生欺凌工作数据公开: the district-wide, de-identified figures anyone may read.

Only district totals for a campaign and period — never a school's own figures, never a name. Every
count goes through dashboard.suppress_small (1 and 2 become "<3"; 0 stays 0), and a share is
left out when it would give away such a small count.

The incidents by month, kind and severity come from dashboard.IncidentFigures (the district cubes,
as on the dashboard); closed cases, the ledger and activities from the per-school roll-up tables in
the public schema, summed over the dashboard's own schools. Nothing here reads a school's schema.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import dashboard
from oversight.models_rollups import ActivityRollup, HazardRollup, IncidentRollup
from schools.models import ActivityKind, BullyingKind, IncidentSeverity, IncidentStage

SMALL = "<3"


def note() -> str:
    return _(
        "为保护学生隐私，1 至 2 件（次、人次）的数字显示为“<3”，0 照常显示；可能由此推算出小数字的比例不予显示。"
        "本页只公布全区合计，不公布任何学校或个人的信息。"
    )


@dataclass
class PublicFigures:
    filters: dashboard.Filters
    schools: int | str
    incidents: int | str
    closed: int | str
    # % of the period's incidents closed; None when it would give a count of 1 or 2 away
    closed_share: float | None
    incidents_by_month: list = field(default_factory=list)  # (YYYY-MM, count)
    by_kind: list = field(default_factory=list)  # (kind, label, count)
    by_severity: list = field(default_factory=list)  # (severity, label, count)
    hazards: dict = field(default_factory=dict)  # found, fixed
    activities: list = field(default_factory=list)  # (kind, label, count, participants)
    activities_total: int | str = 0

    def as_dict(self) -> dict:
        campaign = self.filters.campaign
        return {
            "filters": {
                "campaign": campaign.pk if campaign else None,
                "campaign_name": campaign.name if campaign else "",
                "from": self.filters.start.strftime("%Y-%m"),
                "to": self.filters.end.strftime("%Y-%m"),
            },
            "schools": self.schools,
            "incidents": self.incidents,
            "closed": self.closed,
            "closed_share": self.closed_share,
            "incidents_by_month": [{"month": m, "count": n} for m, n in self.incidents_by_month],
            "by_kind": [{"kind": k, "label": label, "count": n} for k, label, n in self.by_kind],
            "by_severity": [{"severity": s, "label": label, "count": n} for s, label, n in self.by_severity],
            "hazards": dict(self.hazards),
            "activities": [
                {"kind": k, "label": label, "count": n, "participants": p}
                for k, label, n, p in self.activities
            ],
            "activities_total": self.activities_total,
            "note": note(),
        }


def _sum(qs, column="count") -> int:
    return qs.aggregate(n=Sum(column))["n"] or 0


def closed_share(total: int, closed: int) -> float | None:
    """The share closed, unless the total, the closed or the open count is 1 or 2."""
    if (
        total < 3
        or dashboard.suppress_small(closed) == SMALL
        or dashboard.suppress_small(total - closed) == SMALL
    ):
        return None
    return round(100 * closed / total, 1)


def compute(filters: dashboard.Filters, today: dt.date | None = None) -> PublicFigures:
    """The public figures for a campaign and period (filters.kind and filters.area are not used)."""
    filters = dashboard.Filters(campaign=filters.campaign, start=filters.start, end=filters.end)
    board = dashboard.IncidentFigures(None, filters, today or timezone.localdate())
    small = dashboard.suppress_small
    period = Q(school_id__in=board.school_ids, month__gte=filters.start, month__lte=filters.end)

    per_month = board.per_month()
    total = sum(n for _s, n in board.severity)  # each incident once
    closed = _sum(IncidentRollup.objects.filter(period, stage=IncidentStage.CLOSED))

    counts = board.over_time["counts"]
    per_kind = {}
    for (_month, kind), n in counts.items():
        per_kind[kind] = per_kind.get(kind, 0) + n
    kinds = [*BullyingKind.values, *([""] if per_kind.get("") else [])]
    severity = dict(board.severity)
    severities = [*IncidentSeverity.values, *([""] if severity.get("") else [])]

    hazards = HazardRollup.objects.filter(period)
    acts = {
        row["kind"]: row
        for row in ActivityRollup.objects.filter(period)
        .values("kind")
        .annotate(n=Sum("count"), p=Sum("participants"))
    }
    return PublicFigures(
        filters=filters,
        schools=small(dashboard.schools_for(None, filters).count()),
        incidents=small(total),
        closed=small(closed),
        closed_share=closed_share(total, closed),
        incidents_by_month=[(m.strftime("%Y-%m"), small(per_month.get(m, 0))) for m in filters.months()],
        by_kind=[(k, dashboard.kind_label(k), small(per_kind.get(k, 0))) for k in kinds],
        by_severity=[(s, dashboard.severity_label(s), small(severity.get(s, 0))) for s in severities],
        hazards={
            "found": small(_sum(hazards)),
            "fixed": small(_sum(hazards.filter(status__in=dashboard.FIXED_HAZARD))),
        },
        activities=[
            (k, str(label), small(acts[k]["n"] if k in acts else 0), small(acts[k]["p"] if k in acts else 0))
            for k, label in ActivityKind.choices
        ],
        activities_total=small(sum(row["n"] for row in acts.values())),
    )
