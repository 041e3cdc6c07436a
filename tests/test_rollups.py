"""District roll-ups: refresh after a school's write, reconcile in one pass, and the check command."""

import datetime as dt
from itertools import count

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight import rollups
from oversight.models_rollups import IncidentKindRollup, IncidentRollup, SchoolRollup
from schools.models import Activity, CareEntry, Hazard, Incident
from tenants.models import School

pytestmark = pytest.mark.django_db

SLUGS = ["alpha", "beta", "gamma"]
KINDS = ["physical", "verbal", "property", "social", "cyber"]
SEVERITIES = ["", "minor", "repeated", "serious", "egregious", "criminal"]
STAGES = ["intake", "investigating", "determined", "handling", "follow_up", "closed"]
HAZARD_STATUSES = ["open", "rectifying", "fixed", "verified"]
ACTIVITY_KINDS = ["class_meeting", "lecture", "survey", "patrol"]
BASE = dt.date(2022, 1, 1)
_codes = count(1)


def _when(days: int) -> dt.datetime:
    # 23:30 local on some days: the local month, not the UTC one, is what counts.
    day = BASE + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 23, 30))


def _void(flag: bool):
    return timezone.now() if flag else None


incident_writes = st.tuples(
    st.just("incident"), st.sampled_from(SLUGS), st.integers(0, 400),
    st.lists(st.sampled_from(KINDS), max_size=3), st.sampled_from(SEVERITIES), st.sampled_from(STAGES),
    st.booleans(),
)  # fmt: skip
hazard_writes = st.tuples(
    st.just("hazard"), st.sampled_from(SLUGS), st.integers(0, 400), st.sampled_from(HAZARD_STATUSES),
    st.integers(0, 60), st.booleans(),
)  # fmt: skip
activity_writes = st.tuples(
    st.just("activity"), st.sampled_from(SLUGS), st.integers(0, 400), st.sampled_from(ACTIVITY_KINDS),
    st.integers(0, 500), st.booleans(),
)  # fmt: skip
care_writes = st.tuples(st.just("care"), st.sampled_from(SLUGS), st.booleans(), st.booleans())
# The registry: a school's kind, area or state moves its figures to other cells of the district cubes.
registry_writes = st.tuples(
    st.just("registry"), st.sampled_from(SLUGS), st.sampled_from(["primary", "junior", "nine_year"]),
    st.sampled_from(["", "东区", "西区"]), st.sampled_from(["active", "suspended"]),
)  # fmt: skip
writes = st.lists(
    st.one_of(incident_writes, hazard_writes, activity_writes, care_writes, registry_writes), max_size=25
)


def apply(write) -> None:
    kind, slug, *rest = write
    if kind == "registry":
        school = School.objects.get(slug=slug)
        school.kind, school.area, school.status = rest
        school.save()
        return
    with tenant_context(School.objects.get(slug=slug)):
        if kind == "incident":
            days, kinds, severity, stage, voided = rest
            Incident.objects.create(
                code=f"P-{next(_codes)}", source="teacher", occurred_at=_when(days), place="x", summary="x",
                kinds=kinds, severity=severity, stage=stage, voided_at=_void(voided),
            )  # fmt: skip
        elif kind == "hazard":
            days, status, extra, voided = rest
            found = BASE + dt.timedelta(days=days)
            Hazard.objects.create(
                found_on=found, place="toilet", risk_kind="x", method="talk", found_by="x", description="x",
                responsible="x", deadline=found + dt.timedelta(days=extra), status=status, voided_at=_void(voided),
            )  # fmt: skip
        elif kind == "activity":
            days, activity_kind, participants, voided = rest
            Activity.objects.create(
                held_on=BASE + dt.timedelta(days=days), kind=activity_kind, title="x",
                participants=participants, voided_at=_void(voided),
            )  # fmt: skip
        else:
            closed, voided = rest
            CareEntry.objects.create(
                student_name="某", grade="三年级", class_name="三年级1班", signs=["dazed"],
                next_review_on=BASE, closed_on=BASE if closed else None, voided_at=_void(voided),
            )  # fmt: skip


def all_differences() -> list[str]:
    problems = []
    for school in School.objects.exclude(schema_name="public"):
        problems += rollups.school_differences(school)
    connection.set_schema_to_public()
    return problems + rollups.district_differences()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=writes, second=writes, refreshed=st.sets(st.sampled_from(SLUGS)))
def test_refresh_and_reconcile_give_the_ground_truth(first, second, refreshed):
    with transaction.atomic():
        rollups.reconcile()
        for write in first:
            apply(write)
        # A refresh brings exactly the refreshed schools up to date.
        for slug in {w[1] for w in first}:
            rollups.refresh_school(School.objects.get(slug=slug))
        assert all_differences() == []
        for write in second:
            apply(write)
        for slug in refreshed:
            rollups.refresh_school(School.objects.get(slug=slug))
            assert rollups.school_differences(School.objects.get(slug=slug)) == []
        # Whichever schools were refreshed, the cubes hold exactly the sum of the per-school rows.
        assert rollups.district_differences() == []
        # The reconcile repairs every school, refreshed or not.
        assert rollups.reconcile() == 3
        assert all_differences() == []
        transaction.set_rollback(True)


def test_a_multi_kind_incident_counts_once_per_kind_and_once_in_total(school):
    with tenant_context(school):
        Incident.objects.create(code="MK-1", source="teacher", occurred_at=_when(40), place="x", summary="x",
                                kinds=["physical", "verbal"], severity="serious", stage="handling")  # fmt: skip
    rollups.refresh_school(school)
    kinds = dict(IncidentKindRollup.objects.filter(school=school).values_list("kind", "count"))
    assert kinds == {"physical": 1, "verbal": 1}
    assert list(IncidentRollup.objects.filter(school=school).values_list("month", "count")) == [
        (dt.date(2022, 2, 1), 1)
    ]


def test_check_rollups_passes_on_good_data_and_names_school_and_figure_when_tampered(school, capsys):
    apply(("incident", "alpha", 10, ["cyber"], "serious", "closed", False))
    apply(("care", "beta", False, False))
    rollups.reconcile()
    call_command("check_rollups")
    assert "3" in capsys.readouterr().out

    IncidentRollup.objects.filter(school=school).update(count=5)
    SchoolRollup.objects.filter(school__slug="beta").update(care_list_size=0)
    with pytest.raises(CommandError):
        call_command("check_rollups")
    err = capsys.readouterr().err
    assert (
        "school_alpha" in err and "incidents(month, severity, stage)" in err and "roll-up 5, actual 1" in err
    )
    assert "school_beta" in err and "care-list size" in err


def test_check_rollups_exits_non_zero_from_the_command_line(school):
    rollups.reconcile()
    IncidentRollup.objects.create(
        school=school, month=dt.date(2022, 1, 1), severity="", stage="intake", count=2
    )
    with pytest.raises(CommandError) as error:
        call_command("check_rollups")
    assert error.value.returncode == 1
