"""全区防治学生欺凌工作数据公开: the district-wide, de-identified figures anyone may read.

Only district totals for a campaign and period — never a school's own figures, never a name. Every
count of 1 or 2 is "<3" (0 stays 0), and complementary suppression (`oversight.suppression`) hides
further figures ("—") wherever a total minus what is shown would give such a count back: the
incidents by severity and by month and the closed ones add up to the incidents, the hazards fixed
to those found, the activities by kind to their total. A share is left out unless both of its
figures are shown.

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
from oversight.suppression import HIDDEN, protect
from oversight.suppression import Sum as Relation
from schools.models import ActivityKind, BullyingKind, IncidentSeverity, IncidentStage

SMALL = "<3"


def note() -> str:
    return _(
        "为保护学生隐私，1 至 2 件（次、人次）的数字显示为“<3”，0 照常显示；"
        "可能由合计相减推算出这些小数字的其他数字显示为“—”，不予公布；可能由此推算出小数字的比例不予显示。"
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


def closed_share(total, closed) -> float | None:
    """The share closed, only when both figures are published as they are (protect() has then made
    sure that the open count is no 1 or 2 either)."""
    if not isinstance(total, int) or not isinstance(closed, int) or total < 3:
        return None
    return round(100 * closed / total, 1)


def protected(
    *,
    schools: int,
    total: int,
    closed: int,
    per_month: dict,
    per_kind: dict,
    per_severity: dict,
    hazards_found: int,
    hazards_fixed: int,
    activities: dict,
) -> dict:
    """The published figures of raw counts, with every count of 1 or 2 as "<3" and whatever a
    subtraction would give such a count back from as "—". Keys: "schools", "incidents", "closed",
    ("month", m), ("kind", k), ("severity", s), "hazards_found", "hazards_fixed", ("activity", k),
    ("participants", k), "activities"."""
    values = {"schools": schools, "incidents": total, "closed": closed, "open": total - closed,
              "hazards_found": hazards_found, "hazards_fixed": hazards_fixed,
              "hazards_unfixed": hazards_found - hazards_fixed,
              "activities": sum(n for n, _p in activities.values())}  # fmt: skip
    values.update({("month", m): n for m, n in per_month.items()})
    values.update({("kind", k): n for k, n in per_kind.items()})
    values.update({("severity", k): n for k, n in per_severity.items()})
    values.update({("activity", k): n for k, (n, _p) in activities.items()})
    values.update({("participants", k): p for k, (_n, p) in activities.items()})
    sums = [
        Relation("incidents", tuple(("severity", k) for k in per_severity)),
        Relation("incidents", tuple(("month", m) for m in per_month)),
        Relation("incidents", ("closed", "open")),
        Relation("hazards_found", ("hazards_fixed", "hazards_unfixed")),
        Relation("activities", tuple(("activity", k) for k in activities)),
    ]
    # A multi-kind incident counts under each kind: the kinds add up to no published figure.
    return protect(values, sums, unpublished=frozenset({"open", "hazards_unfixed"}))


def compute(filters: dashboard.Filters, today: dt.date | None = None) -> PublicFigures:
    """The public figures for a campaign and period (filters.kind and filters.area are not used)."""
    filters = dashboard.Filters(campaign=filters.campaign, start=filters.start, end=filters.end)
    board = dashboard.IncidentFigures(None, filters, today or timezone.localdate())
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
    months = [m.strftime("%Y-%m") for m in filters.months()]
    month_counts = dict(zip(months, (per_month.get(m, 0) for m in filters.months()), strict=True))
    shown = protected(
        schools=dashboard.schools_for(None, filters).count(),
        total=total,
        closed=closed,
        per_month=month_counts,
        per_kind={k: per_kind.get(k, 0) for k in kinds},
        per_severity={s: severity.get(s, 0) for s in severities},
        hazards_found=_sum(hazards),
        hazards_fixed=_sum(hazards.filter(status__in=dashboard.FIXED_HAZARD)),
        activities={k: (acts[k]["n"], acts[k]["p"]) if k in acts else (0, 0) for k in ActivityKind.values},
    )
    return PublicFigures(
        filters=filters,
        schools=shown["schools"],
        incidents=shown["incidents"],
        closed=shown["closed"],
        closed_share=closed_share(shown["incidents"], shown["closed"]),
        incidents_by_month=[(m, shown[("month", m)]) for m in months],
        by_kind=[(k, dashboard.kind_label(k), shown[("kind", k)]) for k in kinds],
        by_severity=[(s, dashboard.severity_label(s), shown[("severity", s)]) for s in severities],
        hazards={"found": shown["hazards_found"], "fixed": shown["hazards_fixed"]},
        activities=[
            (k, str(label), shown[("activity", k)], shown[("participants", k)])
            for k, label in ActivityKind.choices
        ],
        activities_total=shown["activities"],
    )


__all__ = ["HIDDEN", "SMALL", "PublicFigures", "compute", "note", "protected"]
