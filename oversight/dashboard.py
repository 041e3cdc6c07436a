"""The district dashboard's figures, read from the roll-up tables and the public schema only —
never a loop over schemas. Every chart is also a table (title, header, rows): the page's table
view and the XLSX export are made from the same rows the chart is drawn from.

Filters (each applies to every chart): campaign (its schools in scope, its phases, and — unless a
period is given — its period), period (from/to month), school kind, area. Inspectors see only the
schools assigned to them.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Visit
from inspections.selectors import (
    open_notices,
    overdue_notices,
    schools_visible_to,
)
from oversight import progress_rollup, scorecards
from oversight.models import Campaign, CampaignScope, DistrictSettings
from oversight.models_rollups import (
    ActivityRollup,
    DistrictIncidentCube,
    DistrictIncidentKindCube,
    HazardRollup,
    IncidentKindRollup,
    IncidentRollup,
    PhaseProgressRollup,
    SchoolMonthRollup,
    SchoolRollup,
    SchoolScorecard,
)
from oversight.progress import LATE, MISSING
from schools.models import SERIOUS_SEVERITIES, ActivityKind, BullyingKind, IncidentSeverity, IncidentStage
from tenants.models import School, SchoolKind

OPEN_HAZARD = ("open", "rectifying")
FIXED_HAZARD = ("fixed", "verified")
CHARTS = ("over_time", "severity", "heatmap", "ranking", "flags")
RANKING_BARS = 20  # schools in the ranking chart (the table and the export have every school)
HEATMAP_ROWS = 30  # schools in the heatmap chart: those furthest behind
FLAG_ROWS = 30  # flagged schools on the page, highest score first (the table and the export: all)


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
    if user is not None:
        schools = schools.filter(pk__in=schools_visible_to(user).values("pk"))
    return schools.order_by("name")


def cube_filter(user, filters: Filters) -> Q | None:
    """The filters as coordinates of the district cubes, or None when they name a set of schools
    the cubes cannot express (an inspector's own schools, a campaign of chosen schools): those
    sets are small, and are summed from the per-school roll-ups instead."""
    if user is not None and not user.is_bureau:
        return None
    q = Q()
    if filters.campaign is not None:
        if filters.campaign.scope == CampaignScope.CHOSEN:
            return None
        q &= Q(active=True)
        if filters.campaign.scope == CampaignScope.KINDS:
            q &= Q(school_kind__in=filters.campaign.kinds)
    if filters.kind:
        q &= Q(school_kind=filters.kind)
    if filters.area:
        q &= Q(area=filters.area)
    return q


@dataclass
class Flag:
    school: School
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Heatmap:
    """Schools × phases in the shape oversight.campaign_views._matrix_data draws."""

    phases: list
    school_rows: list  # [(school, [Cell per phase])]

    def rows(self):
        return self.school_rows


def _sum(qs, column: str = "count") -> int:
    return qs.aggregate(n=Sum(column))["n"] or 0


def _in_sql(queryset) -> tuple[str, tuple]:
    """A queryset of school ids as SQL for `id IN (…)`."""
    sql_text, params = queryset.values("pk").query.sql_with_params()
    return sql_text, tuple(params)


class IncidentFigures:
    """Incidents in the filters' period by month, kind and severity: from the district cubes when
    the filters allow, else summed over the filtered schools. The dashboard's charts and the public
    figures page both read these."""

    def __init__(self, user, filters: Filters, today: dt.date):
        self.user, self.filters, self.today = user, filters, today
        self.school_ids = schools_for(user, filters).order_by().values("pk")
        self.cube = cube_filter(user, filters)
        self.period = (filters.start, filters.end)
        self.over_time = self._over_time()
        self.severity = self._severity()

    def _incidents(self, cube_model, school_model):
        """Incident rows in the period: from the cube when the filters allow, else per school."""
        if self.cube is not None:
            return cube_model.objects.filter(self.cube, month__range=self.period)
        return school_model.objects.filter(school_id__in=self.school_ids, month__range=self.period)

    def _over_time(self) -> dict:
        rows = self._incidents(DistrictIncidentKindCube, IncidentKindRollup).values("month", "kind")
        counts = {(r["month"], r["kind"]): r["n"] for r in rows.annotate(n=Sum("count")) if r["n"]}
        kinds = [k for k in [*BullyingKind.values, ""] if any(key[1] == k for key in counts)]
        return {"months": self.filters.months(), "kinds": kinds, "counts": counts}

    def _severity(self) -> list:
        rows = (
            self._incidents(DistrictIncidentCube, IncidentRollup).values("severity").annotate(n=Sum("count"))
        )
        by_severity = {r["severity"]: r["n"] for r in rows}
        return [(s, by_severity[s]) for s in [*IncidentSeverity.values, ""] if by_severity.get(s)]

    def per_month(self) -> dict[dt.date, int]:
        """Month -> incidents (each once, whatever its kinds)."""
        rows = self._incidents(DistrictIncidentCube, IncidentRollup).values("month").annotate(n=Sum("count"))
        return {row["month"]: row["n"] for row in rows}


def phases_for(filters: Filters) -> list:
    if filters.campaign is None:
        return []
    period_end = month_end(filters.end)
    return [p for p in filters.campaign.phases.order_by("order")
            if p.starts_on <= period_end and p.ends_on >= filters.start]  # fmt: skip


def per_school_sql(filters: Filters, today: dt.date, school_ids, phases=None) -> tuple[str, list]:
    """`WITH …` the per-school figures of the schools `school_ids` (a queryset of ids) as CTEs:
    rated(id, name, n, serious, rate) — incidents and serious cases in the period, the rate per
    1,000 students —, missing, fixes, notices, open_notices, visited, open_incidents (school_id, n).
    The dashboard's custom views and the scorecards' rebuild both start from it."""
    phases = phases_for(filters) if phases is None else phases
    in_ids = RawSQL("SELECT id FROM ids", ())
    ids_sql, ids_params = _in_sql(school_ids)
    missing = PhaseProgressRollup.objects.none()
    if phases:
        missing = progress_rollup.with_state(
            PhaseProgressRollup.objects.filter(phase__in=phases, school_id__in=in_ids), today
        ).filter(cell_state=MISSING)
    queries = {
        "missing": missing.values("school_id").annotate(n=Count("pk")),
        "fixes": HazardRollup.objects.filter(school_id__in=in_ids, status__in=OPEN_HAZARD, deadline__lt=today)
        .values("school_id").annotate(n=Sum("count")),
        "notices": overdue_notices(in_ids, today=today),
        "open_notices": open_notices(in_ids),
        "visited": Visit.objects.filter(school_id__in=in_ids, voided_at__isnull=True,
                                        visited_on__gte=today - dt.timedelta(days=DistrictSettings.current().not_visited_days))
        .values("school_id").annotate(n=Count("pk")),
        "open_incidents": SchoolRollup.objects.filter(school_id__in=in_ids).values("school_id")
        .annotate(n=Sum("open_incidents")),
    }  # fmt: skip
    ctes, params = [], [*ids_params, filters.start, filters.end]
    for name, queryset in queries.items():
        if name == "missing" and not phases:
            ctes.append(f"{name}(school_id, n) AS (SELECT NULL::int, NULL::bigint WHERE FALSE)")
            continue
        text, query_params = queryset.order_by().values_list("school_id", "n").query.sql_with_params()
        ctes.append(f"{name}(school_id, n) AS ({text})")
        params += query_params
    statement = f"""
        WITH ids(id) AS MATERIALIZED ({ids_sql}),
        per AS (
            SELECT school_id, sum(incidents) AS n, sum(serious) AS serious FROM {SchoolMonthRollup._meta.db_table}
            WHERE month BETWEEN %s AND %s AND school_id IN (SELECT id FROM ids) GROUP BY school_id),
        {", ".join(ctes)},
        rated AS (
            SELECT s.id, s.name, coalesce(per.n, 0) AS n, coalesce(per.serious, 0) AS serious,
                   CASE WHEN s.student_count > 0
                        THEN 1000.0::float8 * coalesce(per.n, 0) / s.student_count END AS rate
            FROM {School._meta.db_table} s LEFT JOIN per ON per.school_id = s.id
            WHERE s.id IN (SELECT id FROM ids))"""
    return statement, params


class Dashboard(IncidentFigures):
    """The figures of one view of the dashboard. What the charts show is worked out on creation,
    in a fixed number of queries: months, kinds and severities from the district cubes (whose size
    does not depend on the number of schools), everything that needs a figure per school in one SQL
    statement that returns only the rows shown. What only the table view and the exports need — a
    row for every school — is worked out when asked for."""

    def __init__(self, user, filters: Filters, today: dt.date):
        super().__init__(user, filters, today)
        self.rules = DistrictSettings.current()
        self.phases = self._phases()
        self.cards = scorecards.current(filters, user, today)
        self.phase_tallies, self.progress_total = progress_rollup.tallies(self.phases, self.school_ids, today)
        figures = self._per_school(rank_limit=RANKING_BARS, flag_limit=FLAG_ROWS)
        self.top, self.flags, self.flag_count = figures["ranked"], figures["flags"], figures["flag_count"]
        self.rate_mean, self.rate_sd = figures["mean"], figures["sd"]
        self.tiles = self._tiles(figures["tiles"])

    # -- what the charts show -------------------------------------------------------------

    def _phases(self) -> list:
        return phases_for(self.filters)

    def _per_school(self, *, rank_limit: int | None, flag_limit: int | None) -> dict:
        """Everything that needs a figure for each filtered school, in one statement whose answer
        holds only the rows shown: the `rank_limit` highest rates per 1,000 students, the
        `flag_limit` flagged schools with the highest scores (None: all), and the district's
        totals — schools, open incidents, overdue fixes, schools not visited, notices, the mean
        and standard deviation of the rates, the number of flagged schools.

        The default view reads these from the scorecards (oversight.scorecards); any other view
        works each rule's figure per school out from the roll-ups (per_school_sql), joined to
        every filtered school and scored by the rules' weights in SQL."""
        if self.cards is not None:
            statement, params = self._from_cards(rank_limit, flag_limit)
        else:
            statement, params = self._from_rollups(rank_limit, flag_limit)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[1]))
        return self._figures(rows)

    def _rule_params(self) -> list:
        rules = self.rules
        off = 2**31 - 1  # a threshold of 0 turns its rule off
        return [
            rules.flag_serious_cases or off, rules.flag_serious_weight,
            rules.flag_overdue_reports or off, rules.flag_overdue_reports_weight,
            rules.flag_overdue_fixes or off, rules.flag_overdue_fixes_weight,
            rules.flag_overdue_notices or off, rules.flag_overdue_notices_weight,
        ]  # fmt: skip

    def _from_rollups(self, rank_limit, flag_limit) -> tuple[str, list]:
        rules = self.rules
        text, params = per_school_sql(self.filters, self.today, self.school_ids, phases=self.phases)
        params += [float(rules.flag_rate_sigma or 0), rules.flag_rate_weight, *self._rule_params(),
                   rules.flag_min_score]  # fmt: skip
        rank_limit = "" if rank_limit is None else f"LIMIT {int(rank_limit)}"
        flag_limit = "" if flag_limit is None else f"LIMIT {int(flag_limit)}"
        statement = f"""{text},
            stats AS (SELECT avg(rate) AS mean, coalesce(stddev_pop(rate), 0) AS sd, count(*) AS schools FROM rated),
            scored AS (
                SELECT r.*, coalesce(m.n, 0) AS missing, coalesce(f.n, 0) AS fixes, coalesce(o.n, 0) AS notices,
                         (CASE WHEN stats.sd > 0 AND r.rate > stats.mean + %s * stats.sd THEN %s ELSE 0 END)
                       + (CASE WHEN r.serious >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN coalesce(m.n, 0) >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN coalesce(f.n, 0) >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN coalesce(o.n, 0) >= %s THEN %s ELSE 0 END) AS score
                FROM rated r CROSS JOIN stats
                LEFT JOIN missing m ON m.school_id = r.id
                LEFT JOIN fixes f ON f.school_id = r.id
                LEFT JOIN notices o ON o.school_id = r.id),
            flagged AS (SELECT * FROM scored WHERE score > 0 AND score >= %s)
            SELECT 'rank', row_number() OVER (), id::bigint, n::bigint, serious::bigint, rate, NULL::float8,
                   0::bigint, 0::bigint, 0::bigint, 0::bigint
              FROM (SELECT * FROM rated ORDER BY rate DESC NULLS LAST, name {rank_limit}) t
            UNION ALL
            SELECT 'flag', row_number() OVER (), id, n, serious, rate, NULL, score, missing, fixes, notices
              FROM (SELECT * FROM flagged ORDER BY score DESC, name {flag_limit}) t
            UNION ALL
            SELECT 'totals', 0, schools, (SELECT count(*) FROM flagged),
                   (SELECT coalesce(sum(n), 0)::bigint FROM open_incidents), mean, sd,
                   (SELECT coalesce(sum(n), 0)::bigint FROM fixes), schools - (SELECT count(*) FROM visited),
                   (SELECT coalesce(sum(n), 0)::bigint FROM open_notices), (SELECT coalesce(sum(n), 0)::bigint FROM notices)
              FROM stats"""
        return statement, params

    def _from_cards(self, rank_limit, flag_limit) -> tuple[str, list]:
        """The same rows from the scorecards: the ranking is the top of an index, the flagged
        schools are those meeting a rule (each rule an indexed column, or a school with overdue
        notices — few), the mean and deviation come from the district's sums."""
        rules, stats, today = self.rules, self.cards, self.today
        cards = SchoolScorecard._meta.db_table
        in_ids = RawSQL(f"SELECT school_id FROM {cards}", ())
        ctes, params = [], []
        for name, queryset in (
            ("notices", overdue_notices(in_ids, today=today)),
            ("open_notices", open_notices(in_ids)),
            ("visited", Visit.objects.filter(school_id__in=in_ids, voided_at__isnull=True,
                                             visited_on__gte=today - dt.timedelta(days=self.rules.not_visited_days))
             .values("school_id").annotate(n=Count("pk"))),
        ):  # fmt: skip
            text, query_params = queryset.order_by().values_list("school_id", "n").query.sql_with_params()
            ctes.append(f"{name}(school_id, n) AS ({text})")
            params += query_params
        mean, sd = stats.mean, stats.sd
        threshold = mean + float(rules.flag_rate_sigma or 0) * sd if mean is not None and sd > 0 else None
        rule = self._rule_params()
        params += [
            threshold, rule[0], rule[2], rule[4], rule[6],  # who meets a rule
            threshold, rules.flag_rate_weight, *rule, rules.flag_min_score,
            stats.schools, stats.open_incidents, mean, sd, stats.overdue_fixes, stats.schools,
        ]  # fmt: skip
        rank_limit = "" if rank_limit is None else f"LIMIT {int(rank_limit)}"
        flag_limit = "" if flag_limit is None else f"LIMIT {int(flag_limit)}"
        statement = f"""WITH {", ".join(ctes)},
            candidates AS (
                SELECT c.*, coalesce(o.n, 0) AS notice_n FROM {cards} c LEFT JOIN notices o ON o.school_id = c.school_id
                 WHERE c.rate > %s OR c.serious >= %s OR c.missing >= %s OR c.overdue_fixes >= %s
                    OR c.school_id IN (SELECT school_id FROM notices WHERE n >= %s)),
            scored AS (
                SELECT c.*, (CASE WHEN c.rate > %s THEN %s ELSE 0 END)
                       + (CASE WHEN c.serious >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN c.missing >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN c.overdue_fixes >= %s THEN %s ELSE 0 END)
                       + (CASE WHEN c.notice_n >= %s THEN %s ELSE 0 END) AS score
                  FROM candidates c),
            flagged AS (SELECT * FROM scored WHERE score > 0 AND score >= %s)
            SELECT 'rank', row_number() OVER (), school_id::bigint, incidents::bigint, serious::bigint, rate,
                   NULL::float8, 0::bigint, 0::bigint, 0::bigint, 0::bigint
              FROM (SELECT * FROM {cards} ORDER BY rate DESC NULLS LAST, name {rank_limit}) t
            UNION ALL
            SELECT 'flag', row_number() OVER (), school_id, incidents, serious, rate, NULL, score, missing,
                   overdue_fixes, notice_n
              FROM (SELECT * FROM flagged ORDER BY score DESC, name {flag_limit}) t
            UNION ALL
            SELECT 'totals', 0, %s, (SELECT count(*) FROM flagged), %s, %s, %s, %s,
                   %s - (SELECT count(*) FROM visited),
                   (SELECT coalesce(sum(n), 0)::bigint FROM open_notices),
                   (SELECT coalesce(sum(n), 0)::bigint FROM notices)"""
        return statement, params

    def _figures(self, rows) -> dict:
        _kind, _pos, schools, flagged, open_incidents, mean, sd, fixes, not_visited, open_n, overdue_n = next(
            row for row in rows if row[0] == "totals"
        )
        by_id = School.objects.in_bulk([row[2] for row in rows if row[0] != "totals"])
        ranked = [{"school": by_id[pk], "students": by_id[pk].student_count, "incidents": n, "serious": serious,
                   "rate": None if rate is None else round(rate, 2)}
                  for kind, _p, pk, n, serious, rate, *_rest in rows if kind == "rank"]  # fmt: skip
        flags = [Flag(school=by_id[pk], score=score, reasons=self._reasons(rate, serious, missing, fixes, notices,
                                                                          mean, sd))
                 for kind, _p, pk, _n, serious, rate, _x, score, missing, fixes, notices in rows if kind == "flag"]  # fmt: skip
        return {
            "ranked": ranked, "flags": flags, "flag_count": flagged, "mean": mean, "sd": sd,
            "tiles": {"schools": schools, "open_incidents": open_incidents, "overdue_fixes": fixes,
                      "not_visited": not_visited, "open_notices": open_n, "overdue_notices": overdue_n},
        }  # fmt: skip

    def _reasons(self, rate, serious, missing, fixes, notices, mean, sd) -> list[str]:
        """Why a school is flagged: each rule it meets, with its figure, the threshold and the weight."""
        rules, reasons = self.rules, []
        sigma = float(rules.flag_rate_sigma or 0)
        if rate is not None and sd and rate > mean + sigma * sd:
            reasons.append(_(
                "每千名学生事件数 %(rate)s，高于全区均值 %(mean).2f + %(k)s×标准差 %(sd).2f = %(t).2f（+%(w)s）"
            ) % {"rate": round(rate, 2), "mean": mean, "k": sigma, "sd": sd, "t": mean + sigma * sd,
                 "w": rules.flag_rate_weight})  # fmt: skip
        for n, threshold, weight, text in (
            (serious, rules.flag_serious_cases, rules.flag_serious_weight, _("严重欺凌事件 %(n)s 件，达到 %(t)s 件（+%(w)s）")),
            (missing, rules.flag_overdue_reports, rules.flag_overdue_reports_weight,
             _("阶段报告缺报 %(n)s 份，达到 %(t)s 份（+%(w)s）")),
            (fixes, rules.flag_overdue_fixes, rules.flag_overdue_fixes_weight,
             _("隐患逾期未整改 %(n)s 项，达到 %(t)s 项（+%(w)s）")),
            (notices, rules.flag_overdue_notices, rules.flag_overdue_notices_weight,
             _("整改通知书逾期未销号 %(n)s 份，达到 %(t)s 份（+%(w)s）")),
        ):  # fmt: skip
            if threshold and n >= threshold:
                reasons.append(text % {"n": n, "t": threshold, "w": weight})
        return reasons

    def _overdue_fixes(self):
        """Per school: hazards still open or being fixed whose deadline is behind today."""
        return (
            HazardRollup.objects.filter(school_id__in=self.school_ids, status__in=OPEN_HAZARD, deadline__lt=self.today)
            .values("school_id").annotate(n=Sum("count"))
        )  # fmt: skip

    @property
    def term(self) -> tuple[dt.date, dt.date]:
        """The school term of the "serious cases this term" tile: today's, or — for a period that
        ended before today, such as a past campaign — the term in which the period ends."""
        return term_bounds(min(self.today, month_end(self.filters.end)))

    def _serious_this_term(self) -> int:
        term = self.term
        if self.cube is not None:
            return _sum(DistrictIncidentCube.objects.filter(
                self.cube, month__range=term, severity__in=SERIOUS_SEVERITIES))  # fmt: skip
        return _sum(
            SchoolMonthRollup.objects.filter(school_id__in=self.school_ids, month__range=term), "serious"
        )

    def _tiles(self, per_school: dict) -> dict:
        tiles = {"serious_this_term": self._serious_this_term(), "overdue_reports": self.progress_total.missing,
                 **per_school}  # fmt: skip
        order = ("schools", "open_incidents", "serious_this_term", "overdue_reports", "overdue_fixes", "not_visited",
                 "open_notices", "overdue_notices")  # fmt: skip
        return {name: tiles[name] for name in order}

    @cached_property
    def heatmap(self) -> Heatmap:
        """The schools furthest behind (most missing, then late reports), HEATMAP_ROWS at most."""
        if not self.phases:
            return Heatmap(phases=[], school_rows=[])
        worst = (
            progress_rollup.with_state(
                PhaseProgressRollup.objects.filter(phase__in=self.phases, school_id__in=self.school_ids), self.today
            ).values("school_id", "school__name")
            .annotate(missing=Count("pk", filter=Q(cell_state=MISSING)), late=Count("pk", filter=Q(cell_state=LATE)))
            .order_by("-missing", "-late", "school__name")[:HEATMAP_ROWS]
        )  # fmt: skip
        return self._heatmap([row["school_id"] for row in worst])

    def _heatmap(self, school_ids: list[int]) -> Heatmap:
        cells = progress_rollup.cells(self.phases, school_ids, self.today)
        schools = School.objects.in_bulk(school_ids)
        rows = [(schools[pk], [cells[(pk, p.pk)] for p in self.phases]) for pk in school_ids
                if all((pk, p.pk) in cells for p in self.phases)]  # fmt: skip
        return Heatmap(phases=self.phases, school_rows=rows)

    @property
    def progress(self) -> Heatmap | None:
        """The heatmap chart, or None without a campaign (or with no phase in the period)."""
        return self.heatmap if self.phases else None

    def cells_for(self, school) -> list:
        """[(phase, Cell)] of one school."""
        rows = self._heatmap([school.pk]).rows()
        return list(zip(self.phases, rows[0][1], strict=True)) if rows else []

    # -- what only the table view and the exports need ------------------------------------

    @cached_property
    def schools(self) -> list:
        return list(schools_for(self.user, self.filters))

    @cached_property
    def ranking(self) -> list:
        return self._per_school(rank_limit=None, flag_limit=0)["ranked"]

    @cached_property
    def all_flags(self) -> list[Flag]:
        if self.flag_count <= len(self.flags):
            return self.flags
        return self._per_school(rank_limit=0, flag_limit=None)["flags"]

    @cached_property
    def full_heatmap(self) -> Heatmap:
        if not self.phases:
            return Heatmap(phases=[], school_rows=[])
        return self._heatmap([s.pk for s in self.schools])

    @staticmethod
    def title(chart: str) -> str:
        return {
            "over_time": _("各月欺凌事件（按类型）"),
            "severity": _("严重程度分布"),
            "heatmap": _("阶段报告进度（学校×阶段）"),
            "ranking": _("各校每千名学生事件数"),
            "flags": _("问题突出学校"),
        }[chart]

    def table(self, chart: str, *, full: bool = True) -> tuple[str, list[str], list[list]]:
        """(title, header, rows) of one chart: its table view and its XLSX sheet. The ranking and
        the heatmap have a row for every school here (the charts show the top of each)."""
        if chart == "over_time":
            kinds = self.over_time["kinds"]
            header = [_("月份")] + [kind_label(k) for k in kinds]
            rows = [[m.strftime("%Y-%m")] + [self.over_time["counts"].get((m, k), 0) for k in kinds]
                    for m in self.over_time["months"]]  # fmt: skip
        elif chart == "severity":
            header = [_("严重程度"), _("事件数")]
            rows = [[severity_label(s), n] for s, n in self.severity]
        elif chart == "ranking":
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
        elif chart == "heatmap":
            heatmap = self.full_heatmap
            header = [_("学校")] + [p.name for p in heatmap.phases]
            rows = [[s.name] + [c.label for c in cells] for s, cells in heatmap.rows()]
        elif chart == "flags":
            header = [_("学校"), _("分值"), _("原因")]
            rows = [
                [f.school.name, f.score, "；".join(f.reasons)]
                for f in (self.all_flags if full else self.flags)
            ]
        else:
            raise KeyError(chart)
        return self.title(chart), header, rows


def build(user, filters: Filters, today: dt.date | None = None) -> Dashboard:
    return Dashboard(user, filters, today or timezone.localdate())


def chart_data(board: Dashboard) -> dict:
    """What static/oversight/dashboard.js draws (JSON in the page; no inline script)."""
    from django.urls import reverse

    months = board.over_time["months"]
    series = [{"name": kind_label(k), "x": [m.strftime("%Y-%m") for m in months],
               "y": [board.over_time["counts"].get((m, k), 0) for m in months]} for k in board.over_time["kinds"]]  # fmt: skip
    top = [r for r in board.top if r["rate"] is not None][:RANKING_BARS]
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
