"""Read-side queries inside one school's schema."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import DistrictSettings
from schools.models import Activity, ActivityKind, Hazard, HazardStatus, Incident, IncidentStage


def semester_start(today=None):
    """Semesters run 1 Feb–31 Jul and 1 Aug–31 Jan."""
    today = today or timezone.localdate()
    if 2 <= today.month <= 7:
        return today.replace(month=2, day=1)
    year = today.year if today.month >= 8 else today.year - 1
    return today.replace(year=year, month=8, day=1)


def next_semester_start(start):
    """The first day after the semester that began on `start`."""
    return start.replace(month=8) if start.month == 2 else start.replace(year=start.year + 1, month=2)


def recent_semesters(count=4, today=None) -> list:
    """The start dates of this semester and the ones before it, newest first."""
    starts = [semester_start(today)]
    while len(starts) < count:
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(semester_start(previous))
    return starts


_SEPARATORS = re.compile(r"[,，、;；/]+")
WHOLE_SCHOOL_WORDS = ("全校", "全体")


def _class_key(name: str) -> str:
    return "".join(name.split())


def audience_classes(audience: str) -> list[str]:
    """The classes an activity's audience names: 三年级1班，三年级2班 → two classes."""
    return [part.strip() for part in _SEPARATORS.split(audience or "") if part.strip()]


def is_whole_school(audience: str) -> bool:
    """A whole-school activity names no audience, or says 全校 / 全体."""
    audience = (audience or "").strip()
    return not audience or any(word in audience for word in WHOLE_SCHOOL_WORDS)


def school_classes() -> list[str]:
    """The school's classes: those its active head teachers (班主任) look after."""
    from tenants.models import SchoolMembership
    from tenants.roles import StaffPost

    lists = SchoolMembership.objects.filter(
        school__schema_name=connection.schema_name, post=StaffPost.HEAD_TEACHER, active=True
    )
    names = {}
    for membership in lists:
        for name in membership.class_list():
            names.setdefault(_class_key(name), name)
    return sorted(names.values())


@dataclass(frozen=True)
class Duty:
    label: str
    done: int
    required: int

    @property
    def met(self) -> bool:
        return self.done >= self.required


def semester_duties(today=None, classes=None) -> dict:
    """This semester's activities by kind, and the duties of DESIGN.md §3 as done / required:
    themed class meetings per class (each class counts up to its quota, so one busy class does not
    cover for another) and whole-school surveys."""
    start = semester_start(today)
    end = next_semester_start(start)
    rules = DistrictSettings.current()
    activities = Activity.objects.filter(voided_at__isnull=True, held_on__gte=start, held_on__lt=end)
    counts = dict.fromkeys(ActivityKind.values, 0)
    meetings: dict[str, int] = {}
    surveys = 0
    for kind, audience in activities.values_list("kind", "audience"):
        counts[kind] = counts.get(kind, 0) + 1
        if kind == ActivityKind.CLASS_MEETING:
            for key in {_class_key(name) for name in audience_classes(audience)}:
                meetings[key] = meetings.get(key, 0) + 1
        elif kind == ActivityKind.SURVEY and is_whole_school(audience):
            surveys += 1
    classes = school_classes() if classes is None else classes
    per_class = rules.class_meetings_per_semester
    by_class = [Duty(name, meetings.get(_class_key(name), 0), per_class) for name in classes]
    return {
        "start": start,
        "end": end - dt.timedelta(days=1),
        "by_kind": [(label, counts[value]) for value, label in ActivityKind.choices],
        "class_meetings": Duty(
            _("主题班会（每班每学期 ≥ %(n)s 次）") % {"n": per_class},
            sum(min(duty.done, per_class) for duty in by_class),
            per_class * len(by_class),
        ),
        "class_meetings_by_class": by_class,
        "classes_met": sum(duty.met for duty in by_class),
        "surveys": Duty(
            _("全校问卷调查（每学期 ≥ %(n)s 次）") % {"n": rules.surveys_per_semester},
            surveys,
            rules.surveys_per_semester,
        ),
    }


def dashboard_figures(today=None) -> dict:
    today = today or timezone.localdate()
    open_incidents = Incident.objects.exclude(stage=IncidentStage.CLOSED).filter(voided_at__isnull=True)
    open_hazards = Hazard.objects.filter(
        status__in=[HazardStatus.OPEN, HazardStatus.RECTIFYING], voided_at__isnull=True
    )
    return {
        "open_incidents": open_incidents.count(),
        "incidents_by_stage": [
            (label, open_incidents.filter(stage=value).count())
            for value, label in IncidentStage.choices
            if value != IncidentStage.CLOSED
        ],
        "open_hazards": open_hazards.count(),
        "overdue_hazards": open_hazards.filter(deadline__lt=today).order_by("deadline"),
        "activities_this_semester": Activity.objects.filter(
            held_on__gte=semester_start(today), voided_at__isnull=True
        ).count(),
        "recent_incidents": open_incidents.order_by("-occurred_at")[:5],
        "duties": semester_duties(today),
    }
