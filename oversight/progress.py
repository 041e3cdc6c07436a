"""Phase progress from the public schema only (never a loop over schemas): who is expected,
who submitted, on time or late by the server's clock, returned, accepted, exempted, missing.

Definitions (DHIS2's reporting rates):
- expected   = schools in the campaign's scope × phases, less exemptions (exempted is counted apart);
- submitted  = expected reports with at least one submitted version;
- on time    = first version submitted (server clock, local date) on or before the due date plus
               grace days — the extended due date when the school has an extension;
- late       = submitted after that;
- missing    = expected, not submitted, and the (extended) due date plus grace has passed;
- pending    = expected, not submitted, not yet due;
- returned / accepted / awaiting review = the review state of the latest version;
- completeness % = submitted / expected; timeliness % = on time / expected.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.models import Phase, PhaseExemption, PhaseExtension, PhaseSubmission, SubmissionStatus

# Cell states of the schools × phases matrix, with the number the heatmap colours by.
ON_TIME, LATE, MISSING, PENDING, EXEMPTED = "on_time", "late", "missing", "pending", "exempted"
STATE_LABELS = {
    ON_TIME: _("按时提交"),
    LATE: _("逾期提交"),
    MISSING: _("缺报"),
    PENDING: _("未到期"),
    EXEMPTED: _("免报"),
}
STATE_SCORES = {MISSING: 0, LATE: 1, PENDING: 2, ON_TIME: 3, EXEMPTED: 4}


def effective_due(phase: Phase, extension_due: dt.date | None) -> dt.date:
    """The last on-time day for one school: the later of the phase's and its extension's due date, plus grace."""
    due = max(phase.report_due_on, extension_due) if extension_due else phase.report_due_on
    return due + dt.timedelta(days=phase.grace_days)


def latest_extensions(phases) -> dict[tuple[int, int], dt.date]:
    """(phase id, school id) -> the due date of the latest extension granted."""
    result = {}
    for row in PhaseExtension.objects.filter(phase__in=phases).order_by("granted_at", "id"):
        result[(row.phase_id, row.school_id)] = row.due_on
    return result


def extension_for(phase, school) -> dt.date | None:
    row = PhaseExtension.objects.filter(phase=phase, school=school).order_by("-granted_at", "-id").first()
    return row.due_on if row else None


def is_exempt(phase, school) -> bool:
    return PhaseExemption.objects.filter(phase=phase, school=school).exists()


@dataclass
class Cell:
    school_id: int
    phase_id: int
    state: str
    due_on: dt.date
    extended: bool = False
    status: str = ""  # review state of the latest version
    version: int = 0
    submission_id: int | None = None
    submitted_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        text = str(STATE_LABELS[self.state])
        if self.status:
            text += " · " + str(SubmissionStatus(self.status).label)
        return text


@dataclass
class Tally:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0
    returned: int = 0
    accepted: int = 0
    awaiting_review: int = 0
    exempted: int = 0
    extended: int = 0

    def add(self, cell: Cell, n: int = 1) -> None:
        """Count `n` cells like `cell` (n > 1 when the cells were counted in SQL)."""
        if cell.state == EXEMPTED:
            self.exempted += n
            return
        self.expected += n
        self.extended += n * int(cell.extended)
        if cell.state in (ON_TIME, LATE):
            self.submitted += n
            self.on_time += n * int(cell.state == ON_TIME)
            self.late += n * int(cell.state == LATE)
            self.returned += n * int(cell.status == SubmissionStatus.RETURNED)
            self.accepted += n * int(cell.status == SubmissionStatus.ACCEPTED)
            self.awaiting_review += n * int(cell.status == SubmissionStatus.SUBMITTED)
        elif cell.state == MISSING:
            self.missing += n
        else:
            self.pending += n

    @property
    def completeness(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data.update(completeness=self.completeness, timeliness=self.timeliness)
        return data


@dataclass
class Progress:
    campaign: object
    phases: list
    schools: list
    cells: dict = field(default_factory=dict)  # (school id, phase id) -> Cell
    by_phase: dict = field(default_factory=dict)  # phase id -> Tally
    total: Tally = field(default_factory=Tally)

    def rows(self):
        """[(school, [cell per phase])] for the matrix."""
        return [
            (school, [self.cells[(school.pk, phase.pk)] for phase in self.phases]) for school in self.schools
        ]

    def phase_rows(self):
        return [(phase, self.by_phase[phase.pk]) for phase in self.phases]


def campaign_progress(campaign, today: dt.date | None = None, *, phases=None, schools=None) -> Progress:
    """`phases` and `schools` narrow the matrix (the dashboard's filters); default: all of the campaign's."""
    today = today or timezone.localdate()
    phases = list(campaign.phases.order_by("order") if phases is None else phases)
    schools = list(campaign.schools_in_scope().order_by("name") if schools is None else schools)
    progress = Progress(campaign=campaign, phases=phases, schools=schools)
    school_ids = {s.pk for s in schools}
    extensions = latest_extensions(phases)
    exempt = set(
        PhaseExemption.objects.filter(phase__in=phases, school_id__in=school_ids).values_list(
            "phase_id", "school_id"
        )
    )
    first, latest = {}, {}
    for row in PhaseSubmission.objects.filter(phase__in=phases, school_id__in=school_ids).order_by("version"):
        key = (row.school_id, row.phase_id)
        first.setdefault(key, row)
        latest[key] = row
    for phase in phases:
        tally = progress.by_phase[phase.pk] = Tally()
        for school in schools:
            key = (school.pk, phase.pk)
            extension_due = extensions.get((phase.pk, school.pk))
            due = effective_due(phase, extension_due)
            cell = Cell(school_id=school.pk, phase_id=phase.pk, state=PENDING, due_on=due,
                        extended=extension_due is not None)  # fmt: skip
            if (phase.pk, school.pk) in exempt:
                cell.state = EXEMPTED
            elif key in first:
                submitted_on = timezone.localtime(first[key].submitted_at).date()
                cell.state = ON_TIME if submitted_on <= due else LATE
                cell.status = latest[key].status
                cell.version = latest[key].version
                cell.submission_id = latest[key].pk
                cell.submitted_at = first[key].submitted_at
            elif today > due:
                cell.state = MISSING
            progress.cells[key] = cell
            tally.add(cell)
            progress.total.add(cell)
    return progress
