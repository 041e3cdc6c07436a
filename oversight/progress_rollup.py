"""Phase progress as a roll-up: every school × phase cell of oversight.progress, stored.

The campaign pages work progress out from the submissions for one campaign; the district
dashboard needs it for every school at once, which at 2,000 schools is too slow to do per view.
So each change that moves a cell refreshes the cells it moves, in the same transaction:
- a school's submission and the bureau's review, extension or exemption: that school's cells
  (refresh_school_cells);
- a new campaign or phase: the campaign's cells (refresh_campaign);
- a school's refresh and the periodic reconcile: that school's cells, every campaign's cells.
The one thing that changes with no write at all — a due date passing — is left to the reader:
a cell stored as "not submitted" is missing once its due date is behind today, pending before.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When

from oversight.models import Campaign, Phase
from oversight.models_rollups import PhaseProgressRollup, ProgressState
from oversight.progress import EXEMPTED, LATE, MISSING, ON_TIME, PENDING, Cell, Tally, campaign_progress

STORED_STATE = {ON_TIME: ProgressState.ON_TIME, LATE: ProgressState.LATE, EXEMPTED: ProgressState.EXEMPTED,
                MISSING: ProgressState.NOT_SUBMITTED, PENDING: ProgressState.NOT_SUBMITTED}  # fmt: skip


# Every progress write takes this lock: a cell is replaced by delete-then-insert, and two writers
# replacing the same cells at once would collide on the unique (school, phase).
#
# Lock order. A cell row references its submission, so writing cells takes a KEY SHARE lock on
# submission rows; a transaction that locks a submission FOR UPDATE (a resubmission, a review) and
# only then asks for this lock would deadlock with a roll-up refresh holding the lock and writing
# that submission's cell. So every transaction that changes submissions, extensions, exemptions or
# phases and then writes cells calls lock() first, before any row lock; the roll-up refresh (which
# locks no submission) takes it after its own school locks.
PROGRESS_LOCK = (7_301_042, -1)


def lock() -> None:
    """Take the progress lock (held to the end of the transaction; taking it again is free)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", PROGRESS_LOCK)


_lock = lock


def _rows(progress) -> list[PhaseProgressRollup]:
    return [
        PhaseProgressRollup(
            school_id=cell.school_id,
            phase_id=cell.phase_id,
            state=STORED_STATE[cell.state],
            status=cell.status,
            due_on=cell.due_on,
            extended=cell.extended,
            submission_id=cell.submission_id,
        )  # fmt: skip
        for cell in progress.cells.values()
    ]


@transaction.atomic
def refresh_campaign(campaign: Campaign, *, cards: bool = True) -> int:
    """Replace every cell of the campaign (the schools now in its scope × its phases); a new
    campaign or phase moves the dashboard's default view, so its scorecards are rebuilt too."""
    from oversight import scorecards

    _lock()
    progress = campaign_progress(campaign)
    PhaseProgressRollup.objects.filter(phase__campaign=campaign).delete()
    n = len(PhaseProgressRollup.objects.bulk_create(_rows(progress), batch_size=2000))
    if cards:
        scorecards.rebuild()
    return n


@transaction.atomic
def refresh_school_cells(school, campaigns=None) -> None:
    """Replace one school's cells in the given campaigns (default: every campaign)."""
    _lock()
    campaigns = list(Campaign.objects.all() if campaigns is None else campaigns)
    PhaseProgressRollup.objects.filter(school=school, phase__campaign__in=campaigns).delete()
    rows = []
    for campaign in campaigns:
        if campaign.includes(school):
            rows += _rows(campaign_progress(campaign, schools=[school]))
    PhaseProgressRollup.objects.bulk_create(rows)
    from oversight import scorecards

    scorecards.refresh_school(school)


@transaction.atomic
def refresh_all() -> int:
    """Every campaign's cells (the reconcile). Returns the number of cells."""
    _lock()
    from oversight import scorecards

    PhaseProgressRollup.objects.all().delete()
    n = sum(refresh_campaign(campaign, cards=False) for campaign in Campaign.objects.all())
    scorecards.rebuild()
    return n


def with_state(queryset, today: dt.date):
    """Annotate `cell_state` — a state of oversight.progress — as of `today`."""
    return queryset.annotate(
        cell_state=Case(
            When(state=ProgressState.NOT_SUBMITTED, due_on__lt=today, then=Value(MISSING)),
            When(state=ProgressState.NOT_SUBMITTED, then=Value(PENDING)),
            default=F("state"),
            output_field=CharField(),
        )
    )


def tallies(phases: list[Phase], schools, today: dt.date) -> tuple[dict[int, Tally], Tally]:
    """(phase id -> Tally, the total) over `schools` (a queryset of schools), counted in SQL."""
    by_phase = {phase.pk: Tally() for phase in phases}
    total = Tally()
    counts = (
        with_state(PhaseProgressRollup.objects.filter(phase__in=phases, school__in=schools), today)
        .values("phase_id", "cell_state", "status", "extended")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        cell = Cell(school_id=0, phase_id=row["phase_id"], state=row["cell_state"], due_on=today,
                    extended=row["extended"], status=row["status"])  # fmt: skip
        by_phase[row["phase_id"]].add(cell, row["n"])
        total.add(cell, row["n"])
    return by_phase, total


def cells(phases: list[Phase], school_ids, today: dt.date) -> dict[tuple[int, int], Cell]:
    """(school id, phase id) -> Cell for the given schools, read from the roll-up."""
    rows = with_state(
        PhaseProgressRollup.objects.filter(phase__in=phases, school_id__in=school_ids), today
    ).values_list("school_id", "phase_id", "cell_state", "status", "due_on", "extended", "submission_id")
    return {
        (school_id, phase_id): Cell(
            school_id=school_id,
            phase_id=phase_id,
            state=state,
            due_on=due_on,
            extended=extended,
            status=status,
            submission_id=submission_id,
        )  # fmt: skip
        for school_id, phase_id, state, status, due_on, extended, submission_id in rows
    }


PAGE_SCHOOLS = 50  # schools per page of a campaign's school × phase matrix


@dataclass
class ProgressPage:
    """A campaign's progress as its page shows it, from the roll-up: the tallies of every phase
    over every school in scope (counted in SQL), and one page of the school × phase matrix —
    the schools furthest behind first — instead of every school."""

    campaign: Campaign
    phases: list
    by_phase: dict
    total: Tally
    school_count: int
    page: int
    pages: int
    school_rows: list  # [(school, [Cell per phase])] of this page
    per_page: int = PAGE_SCHOOLS

    def rows(self):
        return self.school_rows

    def phase_rows(self):
        return [(phase, self.by_phase[phase.pk]) for phase in self.phases]

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.school_rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.school_rows) - 1 if self.school_rows else 0


def progress_page(
    campaign: Campaign, page: int, today: dt.date, per_page: int | None = None, *, viewer=None
) -> ProgressPage:
    """One page of a campaign's progress; with `viewer`, over the schools that viewer may see only
    (an inspector's tallies and matrix are those of their own schools)."""
    from inspections.selectors import schools_visible_to
    from tenants.models import School

    per_page = per_page or PAGE_SCHOOLS
    phases = list(campaign.phases.order_by("order"))
    schools = campaign.schools_in_scope()
    if viewer is not None:
        schools = schools.filter(pk__in=schools_visible_to(viewer).values("pk"))
    by_phase, total = tallies(phases, schools, today)
    count = schools.count()
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    rows = []
    if phases:
        ordered = (
            with_state(PhaseProgressRollup.objects.filter(phase__in=phases, school__in=schools), today)
            .values("school_id", "school__name")
            .annotate(missing=Count("pk", filter=Q(cell_state=MISSING)), late=Count("pk", filter=Q(cell_state=LATE)))
            .order_by("-missing", "-late", "school__name", "school_id")
        )[(page - 1) * per_page : page * per_page]  # fmt: skip
        ids = [row["school_id"] for row in ordered]
        found = cells(phases, ids, today)
        by_id = School.objects.in_bulk(ids)
        rows = [(by_id[pk], [found[(pk, p.pk)] for p in phases]) for pk in ids
                if all((pk, p.pk) in found for p in phases)]  # fmt: skip
    return ProgressPage(campaign=campaign, phases=phases, by_phase=by_phase, total=total, school_count=count,
                        page=page, pages=pages, school_rows=rows, per_page=per_page)  # fmt: skip
