"""Per-school scorecards for the dashboard's default view, and the district sums they make.

The default view (the latest campaign and its period, every school in its scope, a bureau user) is
what almost every visit shows. Working out every school's rate, serious cases, missing reports and
overdue fixes, and the district's mean and standard deviation, per view grows with the number of
schools; here they are stored (SchoolScorecard) with the district's sums (ScorecardStats: count,
Σ rate, Σ rate², Σ open incidents, Σ overdue fixes), so the view reads the top rows of an index and
one row of sums. Only another campaign, period, kind or area takes the per-school path.

- `rebuild(today)`: every card, and the sums, from the roll-ups in one INSERT … SELECT — the same
  per-school SQL the dashboard runs for a custom view (oversight.dashboard.per_school_sql). Called
  by the hourly reconcile, and when a campaign or its phases change (the default view moves).
- `refresh_school(school, today)`: one school's card, moving its own terms in the sums; called by
  every refresh of that school's roll-ups and progress cells, in the same transaction.
- `current(filters, user, today)`: the sums when the cards answer this view, else None. Cards
  hold figures as of one day (missing reports and overdue fixes depend on today), so a card set
  written before today is not used until the next rebuild.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from oversight.models_rollups import SchoolScorecard, ScorecardStats

STATS_ID = 1
COLUMNS = ("school_id", "name", "incidents", "serious", "rate", "missing", "overdue_fixes", "open_incidents")


def _default(today: dt.date):
    from oversight.dashboard import Filters

    return Filters.from_query({}, today=today)


def _figures_sql(filters, today: dt.date, school_ids) -> tuple[str, list]:
    from oversight.dashboard import per_school_sql

    text, params = per_school_sql(filters, today, school_ids)
    select = (
        "SELECT r.id, r.name, r.n, r.serious, r.rate, coalesce(m.n, 0), coalesce(f.n, 0), coalesce(oi.n, 0) "
        "FROM rated r LEFT JOIN missing m ON m.school_id = r.id LEFT JOIN fixes f ON f.school_id = r.id "
        "LEFT JOIN open_incidents oi ON oi.school_id = r.id"
    )
    return f"{text} {select}", params


def _lock(cursor) -> None:
    # Taken after the roll-up locks by every writer of the cards, so rebuilds and refreshes of the
    # sums never interleave.
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7_301_042, -2])


def _resum(cursor) -> None:
    t = SchoolScorecard._meta.db_table
    cursor.execute(
        f"UPDATE {ScorecardStats._meta.db_table} SET schools = s.schools, rated = s.rated, rate_sum = s.rs, "
        "rate_square_sum = s.rss, open_incidents = s.oi, overdue_fixes = s.f FROM (SELECT count(*) AS schools, "
        "count(rate) AS rated, coalesce(sum(rate), 0) AS rs, coalesce(sum(rate * rate), 0) AS rss, "
        f"coalesce(sum(open_incidents), 0) AS oi, coalesce(sum(overdue_fixes), 0) AS f FROM {t}) s WHERE id = %s",
        [STATS_ID],
    )


@transaction.atomic
def rebuild(today: dt.date | None = None) -> int:
    """Every card of the default view, and the district's sums. Returns the number of cards."""
    from oversight.dashboard import schools_for

    today = today or timezone.localdate()
    filters = _default(today)
    query, params = _figures_sql(filters, today, schools_for(None, filters).order_by().values("pk"))
    with connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute(f"DELETE FROM {SchoolScorecard._meta.db_table}")
        cursor.execute(f"INSERT INTO {SchoolScorecard._meta.db_table} ({', '.join(COLUMNS)}) {query}", params)
        ScorecardStats.objects.update_or_create(
            pk=STATS_ID,
            defaults={"as_of": today, "campaign": filters.campaign, "period_start": filters.start,
                      "period_end": filters.end},
        )  # fmt: skip
        _resum(cursor)
    return SchoolScorecard.objects.count()


@transaction.atomic
def refresh_school(school, today: dt.date | None = None) -> None:
    """Replace one school's card and move its terms in the district's sums."""
    from oversight.dashboard import schools_for

    today = today or timezone.localdate()
    stats = ScorecardStats.objects.filter(pk=STATS_ID).first()
    if stats is None:
        return  # no cards yet: the first rebuild makes them all
    filters = _default(today)
    in_scope = schools_for(None, filters).filter(pk=school.pk).order_by().values("pk")
    query, params = _figures_sql(filters, today, in_scope)
    table = SchoolScorecard._meta.db_table
    with connection.cursor() as cursor:
        _lock(cursor)
        old = SchoolScorecard.objects.filter(pk=school.pk).first()
        cursor.execute(f"DELETE FROM {table} WHERE school_id = %s", [school.pk])
        cursor.execute(f"INSERT INTO {table} ({', '.join(COLUMNS)}) {query}", params)
        new = SchoolScorecard.objects.filter(pk=school.pk).first()
        delta = {"schools": 0, "rated": 0, "rate_sum": 0.0, "rate_square_sum": 0.0, "open_incidents": 0,
                 "overdue_fixes": 0}  # fmt: skip
        for card, sign in ((old, -1), (new, 1)):
            if card is None:
                continue
            delta["schools"] += sign
            delta["open_incidents"] += sign * card.open_incidents
            delta["overdue_fixes"] += sign * card.overdue_fixes
            if card.rate is not None:
                delta["rated"] += sign
                delta["rate_sum"] += sign * card.rate
                delta["rate_square_sum"] += sign * card.rate * card.rate
        from django.db.models import F

        ScorecardStats.objects.filter(pk=STATS_ID).update(**{k: F(k) + v for k, v in delta.items()})


def current(filters, user, today: dt.date) -> ScorecardStats | None:
    """The district's sums when the cards answer this view of the dashboard, else None."""
    if user is not None and not user.is_bureau:
        return None
    if filters.kind or filters.area:
        return None
    stats = ScorecardStats.objects.filter(pk=STATS_ID).first()
    if stats is None or stats.as_of != today:
        return None
    default = _default(today)
    if getattr(filters.campaign, "pk", None) != stats.campaign_id or (filters.start, filters.end) != (
        stats.period_start,
        stats.period_end,
    ):
        return None
    if (default.start, default.end, getattr(default.campaign, "pk", None)) != (
        stats.period_start, stats.period_end, stats.campaign_id,
    ):  # fmt: skip
        return None
    return stats


def differences() -> list[str]:
    """The stored cards against the figures worked out afresh (as of the cards' day), and the
    district's sums against the cards they sum (check_rollups)."""
    from oversight.dashboard import Filters, schools_for

    stats = ScorecardStats.objects.filter(pk=STATS_ID).first()
    if stats is None:
        return []
    filters = Filters.from_query({}, today=stats.as_of)
    query, params = _figures_sql(filters, stats.as_of, schools_for(None, filters).order_by().values("pk"))
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        expected = {row[0]: row for row in cursor.fetchall()}
    stored = {
        card.school_id: tuple(getattr(card, c) for c in COLUMNS) for card in SchoolScorecard.objects.all()
    }
    problems = []
    for pk in sorted(set(expected) | set(stored)):
        a, b = expected.get(pk), stored.get(pk)
        if a is None or b is None or a[1:4] + a[5:] != b[1:4] + b[5:] or not _close(a[4], b[4]):
            problems.append(f"scorecard [school {pk}]: stored {b}, actual {a}")
    cards = list(stored.values())
    rates = [c[4] for c in cards if c[4] is not None]
    sums = {"schools": len(cards), "rated": len(rates), "open_incidents": sum(c[7] for c in cards),
            "overdue_fixes": sum(c[6] for c in cards)}  # fmt: skip
    for name, value in sums.items():
        if getattr(stats, name) != value:
            problems.append(f"scorecard sums: {name} {getattr(stats, name)}, sum of cards {value}")
    if not _close(stats.rate_sum, sum(rates)) or not _close(stats.rate_square_sum, sum(r * r for r in rates)):
        problems.append(
            f"scorecard sums: rates {stats.rate_sum}/{stats.rate_square_sum}, sum of cards differs"
        )
    return problems


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
