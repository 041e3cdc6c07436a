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

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Value, When

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
def refresh_campaign(campaign: Campaign) -> int:
    """Replace every cell of the campaign (the schools now in its scope × its phases)."""
    _lock()
    progress = campaign_progress(campaign)
    PhaseProgressRollup.objects.filter(phase__campaign=campaign).delete()
    return len(PhaseProgressRollup.objects.bulk_create(_rows(progress), batch_size=2000))


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


@transaction.atomic
def refresh_all() -> int:
    """Every campaign's cells (the reconcile). Returns the number of cells."""
    _lock()
    PhaseProgressRollup.objects.all().delete()
    return sum(refresh_campaign(campaign) for campaign in Campaign.objects.all())


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
