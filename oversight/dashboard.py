"""The district dashboard's figures, read from the roll-up tables and the public schema only —
never a loop over schemas. Every chart is also a table (title, header, rows): the page's table
view and the XLSX export are made from the same rows the chart is drawn from.

Filters (each applies to every chart): campaign (its schools in scope, its phases, and — unless a
period is given — its period), period (from/to month), school kind, area. Inspectors see only the
schools assigned to them.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.selectors import current_assignments
from oversight.models import Campaign, DistrictSettings
from oversight.models_rollups import (
    ActivityRollup,
    HazardRollup,
    IncidentKindRollup,
    IncidentRollup,
    SchoolRollup,
)
from oversight.progress import MISSING, campaign_progress
from schools.models import SERIOUS_SEVERITIES, ActivityKind, BullyingKind, IncidentSeverity, IncidentStage
from tenants.models import School, SchoolKind

OPEN_HAZARD = ("open", "rectifying")
FIXED_HAZARD = ("fixed", "verified")
CHARTS = ("over_time", "severity", "heatmap", "ranking", "flags")
RANKING_BARS = 20


def suppress_small(n: int | None) -> int | str | None:
    """A count as the public may see it: 1 and 2 are shown as "<3" (they could identify a student)."""
    return "<3" if n in (1, 2) else n


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def parse_month(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def term_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """This school term: spring Feb–Jul, autumn Aug–Jan."""
    if 2 <= today.month <= 7:
        return dt.date(today.year, 2, 1), dt.date(today.year, 7, 31)
    year = today.year if today.month >= 8 else today.year - 1
    return dt.date(year, 8, 1), dt.date(year + 1, 1, 31)


def kind_label(kind: str) -> str:
    return str(BullyingKind(kind).label) if kind in BullyingKind.values else _("未认定类型")


def severity_label(severity: str) -> str:
    return str(IncidentSeverity(severity).label) if severity in IncidentSeverity.values else _("未认定")


@dataclass
class Filters:
    campaign: Campaign | None = None
    start: dt.date | None = None  # first day of the first month
    end: dt.date | None = None  # first day of the last month
    kind: str = ""
    area: str = ""

    @classmethod
    def from_query(cls, query, today: dt.date | None = None) -> "Filters":
        today = today or timezone.localdate()
        raw = query.get("campaign")
        if raw is None:  # not chosen: the latest campaign
            campaign = Campaign.objects.order_by("-year", "-pk").first()
        else:
            campaign = Campaign.objects.filter(pk=raw).first() if str(raw).isdigit() else None
        start, end = parse_month(query.get("from")), parse_month(query.get("to"))
        if campaign is not None and (start is None or end is None):
            span = [(p.starts_on, p.ends_on) for p in campaign.phases.all()]
            if span:
                start = start or month_start(min(s for s, _e in span))
                end = end or month_start(max(e for _s, e in span))
        start = start or month_start(today - dt.timedelta(days=334))
        end = end or month_start(today)
        if end < start:
            start, end = end, start
        kind = query.get("kind", "")
        return cls(campaign=campaign, start=start, end=end, kind=kind if kind in SchoolKind.values else "",
                   area=(query.get("area") or "").strip())  # fmt: skip

    def query(self, **extra) -> str:
        from urllib.parse import urlencode

        values = {"campaign": self.campaign.pk if self.campaign else "", "from": self.start.strftime("%Y-%m"),
                  "to": self.end.strftime("%Y-%m"), "kind": self.kind, "area": self.area, **extra}  # fmt: skip
        return urlencode(values)

    def months(self) -> list[dt.date]:
        result, month = [], self.start
        while month <= self.end:
            result.append(month)
            month = month_start(month_end(month) + dt.timedelta(days=1))
        return result


def schools_for(user, filters: Filters):
    schools = School.objects.exclude(schema_name="public")
    if filters.campaign is not None:
        schools = schools.filter(pk__in=filters.campaign.schools_in_scope().values("pk"))
    if filters.kind:
        schools = schools.filter(kind=filters.kind)
    if filters.area:
        schools = schools.filter(area=filters.area)
    if user is not None and not user.is_bureau:
        schools = schools.filter(pk__in=current_assignments(inspector=user).values("school_id"))
    return schools.order_by("name")


@dataclass
class Flag:
    school: School
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Dashboard:
    filters: Filters
    schools: list
    tiles: dict
    over_time: dict
    severity: list
    ranking: list  # dicts per school, highest rate first
    progress: object  # oversight.progress.Progress or None
    flags: list
    rate_mean: float | None = None
    rate_sd: float | None = None

    def table(self, chart: str) -> tuple[str, list[str], list[list]]:
        """(title, header, rows) of one chart: its table view and its XLSX sheet."""
        if chart == "over_time":
            kinds = self.over_time["kinds"]
            rows = [[m.strftime("%Y-%m")] + [self.over_time["counts"].get((m, k), 0) for k in kinds]
                    for m in self.over_time["months"]]  # fmt: skip
            return _("各月欺凌事件（按类型）"), [_("月份")] + [kind_label(k) for k in kinds], rows
        if chart == "severity":
            return (
                _("严重程度分布"),
                [_("严重程度"), _("事件数")],
                [[severity_label(s), n] for s, n in self.severity],
            )
        if chart == "ranking":
            header = [
                _("学校"),
                _("学段类型"),
                _("片区"),
                _("在校学生数"),
                _("事件数"),
                _("每千名学生事件数"),
            ]
            rows = [[r["school"].name, r["school"].get_kind_display(), r["school"].area, r["students"],
                     r["incidents"], r["rate"]] for r in self.ranking]  # fmt: skip
            return _("各校每千名学生事件数"), header, rows
        if chart == "heatmap":
            if self.progress is None:
                return _("阶段报告进度"), [_("学校")], []
            header = [_("学校")] + [p.name for p in self.progress.phases]
            rows = [[s.name] + [c.label for c in cells] for s, cells in self.progress.rows()]
            return _("阶段报告进度（学校×阶段）"), header, rows
        if chart == "flags":
            rows = [[f.school.name, f.score, "；".join(f.reasons)] for f in self.flags]
            return _("问题突出学校"), [_("学校"), _("分值"), _("原因")], rows
        raise KeyError(chart)


def _sum(qs) -> int:
    return qs.aggregate(n=Sum("count"))["n"] or 0


def build(user, filters: Filters, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    schools = list(
        schools_for(user, filters).only("pk", "name", "kind", "area", "student_count", "status", "slug")
    )
    ids = [s.pk for s in schools]
    period = Q(school_id__in=ids, month__gte=filters.start, month__lte=filters.end)

    # Incidents over time by kind (a multi-kind incident counts once per kind).
    counts = {}
    for row in IncidentKindRollup.objects.filter(period).values("month", "kind").annotate(n=Sum("count")):
        counts[(row["month"], row["kind"])] = row["n"]
    kinds = [k for k in [*BullyingKind.values, ""] if any(key[1] == k for key in counts)]
    over_time = {"months": filters.months(), "kinds": kinds, "counts": counts}

    # Severity (each incident once).
    by_severity = dict(
        IncidentRollup.objects.filter(period)
        .values_list("severity")
        .annotate(n=Sum("count"))
        .values_list("severity", "n")
    )
    severity = [(s, by_severity.get(s, 0)) for s in [*IncidentSeverity.values, ""] if by_severity.get(s)]

    # Per school: incidents and serious cases in the period, overdue fixes now.
    per_school = dict(
        IncidentRollup.objects.filter(period)
        .values_list("school_id")
        .annotate(n=Sum("count"))
        .values_list("school_id", "n")
    )
    serious = dict(
        IncidentRollup.objects.filter(period, severity__in=SERIOUS_SEVERITIES).values_list("school_id")
        .annotate(n=Sum("count")).values_list("school_id", "n")
    )  # fmt: skip
    overdue_fixes = dict(
        HazardRollup.objects.filter(school_id__in=ids, status__in=OPEN_HAZARD, deadline__lt=today)
        .values_list("school_id").annotate(n=Sum("count")).values_list("school_id", "n")
    )  # fmt: skip
    ranking = []
    for school in schools:
        n = per_school.get(school.pk, 0)
        rate = round(1000 * n / school.student_count, 2) if school.student_count else None
        ranking.append({"school": school, "students": school.student_count, "incidents": n, "rate": rate})
    ranking.sort(key=lambda r: (r["rate"] is None, -(r["rate"] or 0), r["school"].name))

    # Phase progress (oversight.progress), for the filtered schools and the phases in the period.
    progress = None
    if filters.campaign is not None:
        period_end = month_end(filters.end)
        phases = [p for p in filters.campaign.phases.order_by("order")
                  if p.starts_on <= period_end and p.ends_on >= filters.start]  # fmt: skip
        in_scope = set(filters.campaign.schools_in_scope().values_list("pk", flat=True))
        progress = campaign_progress(filters.campaign, today=today, phases=phases,
                                     schools=[s for s in schools if s.pk in in_scope])  # fmt: skip
    missing = _missing_by_school(progress)

    term_start, term_end = term_bounds(today)
    tiles = {
        "schools": len(schools),
        "open_incidents": _sum(
            IncidentRollup.objects.filter(school_id__in=ids).exclude(stage=IncidentStage.CLOSED)
        ),
        "serious_this_term": _sum(
            IncidentRollup.objects.filter(
                school_id__in=ids, severity__in=SERIOUS_SEVERITIES, month__gte=term_start, month__lte=term_end
            )  # fmt: skip
        ),
        "overdue_reports": progress.total.missing if progress else 0,
        "overdue_fixes": sum(overdue_fixes.values()),
        # TODO(inspections): visits are not modelled yet; "schools not visited in 30 days" needs them.
        "not_visited": None,
    }
    rates = [r["rate"] for r in ranking if r["rate"] is not None]
    mean = statistics.fmean(rates) if rates else None
    sd = statistics.pstdev(rates) if len(rates) > 1 else 0.0
    flags = flag_schools(ranking, serious, missing, overdue_fixes, mean, sd, DistrictSettings.current())
    return Dashboard(filters=filters, schools=schools, tiles=tiles, over_time=over_time, severity=severity,
                     ranking=ranking, progress=progress, flags=flags, rate_mean=mean, rate_sd=sd)  # fmt: skip


def _missing_by_school(progress) -> dict[int, int]:
    result: dict[int, int] = {}
    if progress is None:
        return result
    for (school_id, _phase_id), cell in progress.cells.items():
        if cell.state == MISSING:
            result[school_id] = result.get(school_id, 0) + 1
    return result


def flag_schools(ranking, serious, missing, overdue_fixes, mean, sd, rules) -> list[Flag]:
    """问题突出学校: each rule met adds its weight and says why; flagged at rules.flag_min_score."""
    flags = []
    sigma = float(rules.flag_rate_sigma or Decimal(0))
    threshold = None if mean is None else mean + sigma * sd
    for row in ranking:
        school = row["school"]
        flag = Flag(school=school, score=0)
        if threshold is not None and row["rate"] is not None and row["rate"] > threshold and sd > 0:
            flag.score += rules.flag_rate_weight
            flag.reasons.append(
                _(
                    "每千名学生事件数 %(rate)s，高于全区均值 %(mean).2f + %(k)s×标准差 %(sd).2f = %(t).2f（+%(w)s）"
                )
                % {
                    "rate": row["rate"],
                    "mean": mean,
                    "k": sigma,
                    "sd": sd,
                    "t": threshold,
                    "w": rules.flag_rate_weight,
                }
            )
        n = serious.get(school.pk, 0)
        if rules.flag_serious_cases and n >= rules.flag_serious_cases:
            flag.score += rules.flag_serious_weight
            flag.reasons.append(_("严重欺凌事件 %(n)s 件，达到 %(t)s 件（+%(w)s）")
                                % {"n": n, "t": rules.flag_serious_cases, "w": rules.flag_serious_weight})  # fmt: skip
        n = missing.get(school.pk, 0)
        if rules.flag_overdue_reports and n >= rules.flag_overdue_reports:
            flag.score += rules.flag_overdue_reports_weight
            flag.reasons.append(_("阶段报告缺报 %(n)s 份，达到 %(t)s 份（+%(w)s）")
                                % {"n": n, "t": rules.flag_overdue_reports, "w": rules.flag_overdue_reports_weight})  # fmt: skip
        n = overdue_fixes.get(school.pk, 0)
        if rules.flag_overdue_fixes and n >= rules.flag_overdue_fixes:
            flag.score += rules.flag_overdue_fixes_weight
            flag.reasons.append(_("隐患逾期未整改 %(n)s 项，达到 %(t)s 项（+%(w)s）")
                                % {"n": n, "t": rules.flag_overdue_fixes, "w": rules.flag_overdue_fixes_weight})  # fmt: skip
        if flag.reasons and flag.score >= rules.flag_min_score:
            flags.append(flag)
    flags.sort(key=lambda f: (-f.score, f.school.name))
    return flags


def chart_data(board: Dashboard) -> dict:
    """What static/oversight/dashboard.js draws (JSON in the page; no inline script)."""
    from django.urls import reverse

    months = board.over_time["months"]
    series = [{"name": kind_label(k), "x": [m.strftime("%Y-%m") for m in months],
               "y": [board.over_time["counts"].get((m, k), 0) for m in months]} for k in board.over_time["kinds"]]  # fmt: skip
    top = [r for r in board.ranking if r["rate"] is not None][:RANKING_BARS]
    return {
        "over_time": series,
        "severity": {
            "labels": [severity_label(s) for s, _n in board.severity],
            "values": [n for _s, n in board.severity],
        },
        "ranking": {
            "names": [r["school"].name for r in top],
            "rates": [r["rate"] for r in top],
            "links": [reverse("dashboard-school", args=[r["school"].slug]) for r in top],
        },  # fmt: skip
    }


@dataclass
class SchoolFigures:
    school: School
    incidents_by_month: list  # (month, total, {kind: n})
    kinds: list
    by_severity: list
    by_stage: list
    hazards: dict
    activities: list  # (kind label, count, participants)
    care_list_size: int | None
    refreshed_at: dt.datetime | None


def school_figures(school, filters: Filters, today: dt.date | None = None) -> SchoolFigures:
    """One school's de-identified figures for its district page (figures only, never a name)."""
    today = today or timezone.localdate()
    period = Q(school=school, month__gte=filters.start, month__lte=filters.end)
    totals = dict(
        IncidentRollup.objects.filter(period)
        .values_list("month")
        .annotate(n=Sum("count"))
        .values_list("month", "n")
    )
    per_kind = {}
    for row in IncidentKindRollup.objects.filter(period).values("month", "kind").annotate(n=Sum("count")):
        per_kind.setdefault(row["month"], {})[row["kind"]] = row["n"]
    kinds = [k for k in [*BullyingKind.values, ""] if any(k in v for v in per_kind.values())]
    months = [(m, totals.get(m, 0), [per_kind.get(m, {}).get(k, 0) for k in kinds]) for m in filters.months()]
    sev = dict(
        IncidentRollup.objects.filter(period)
        .values_list("severity")
        .annotate(n=Sum("count"))
        .values_list("severity", "n")
    )
    stage = dict(
        IncidentRollup.objects.filter(period)
        .values_list("stage")
        .annotate(n=Sum("count"))
        .values_list("stage", "n")
    )
    hazards_all = HazardRollup.objects.filter(period)
    hazards = {
        "found": _sum(hazards_all),
        "fixed": _sum(hazards_all.filter(status__in=FIXED_HAZARD)),
        "open": _sum(HazardRollup.objects.filter(school=school, status__in=OPEN_HAZARD)),
        "overdue": _sum(
            HazardRollup.objects.filter(school=school, status__in=OPEN_HAZARD, deadline__lt=today)
        ),
    }
    acts = {row["kind"]: row for row in ActivityRollup.objects.filter(period).values("kind").annotate(
        n=Sum("count"), p=Sum("participants"))}  # fmt: skip
    activities = [(label, acts[k]["n"], acts[k]["p"]) for k, label in ActivityKind.choices if k in acts]
    row = SchoolRollup.objects.filter(school=school).first()
    return SchoolFigures(
        school=school, incidents_by_month=months, kinds=[kind_label(k) for k in kinds],
        by_severity=[(severity_label(s), sev[s]) for s in [*IncidentSeverity.values, ""] if sev.get(s)],
        by_stage=[(label, stage[s]) for s, label in IncidentStage.choices if stage.get(s)],
        hazards=hazards, activities=activities, care_list_size=row.care_list_size if row else None,
        refreshed_at=row.refreshed_at if row else None,
    )  # fmt: skip
