"""The demo district from `seed_demo`: seed 004's campaign, the seed 000 leadership group, and no
duplicates when it runs again (a second `make run` reuses the data)."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from district_portal.demo import SCHOOLS, seed_demo
from inspections.models import InspectorAssignment
from oversight.models import Campaign, Phase
from schools.models import Activity, GovernanceMember, Hazard, Incident
from tenants.models import School, SchoolMembership, User

pytestmark = pytest.mark.django_db


def counts():
    xuejia = School.objects.get(slug="xuejia")
    with tenant_context(xuejia):
        school_rows = (GovernanceMember.objects.count(), Activity.objects.count(), Hazard.objects.count(),
                       Incident.objects.count())  # fmt: skip
    return (School.objects.count(), User.objects.count(), SchoolMembership.objects.count(),
            InspectorAssignment.objects.count(), Campaign.objects.count(), Phase.objects.count(), school_rows)  # fmt: skip


def test_seeding_twice_creates_nothing_new_and_matches_the_seeds():
    logins = seed_demo()
    first = counts()
    seed_demo()
    assert counts() == first

    assert School.objects.filter(slug__in=[s[0] for s in SCHOOLS]).count() == len(SCHOOLS) >= 12
    assert {login.username for login in logins} >= {
        "bureau_admin",
        "inspector1",
        "xuejia_admin",
        "xuejia_menwei",
    }

    campaign = Campaign.objects.get(year=2022)
    phases = list(campaign.phases.values_list("title", "report_due_on"))
    assert [name for name, _ in phases] == ["宣传动员", "排查摸底", "全面整治", "检查总结"]
    assert phases[-1][1] == dt.date(2022, 7, 15)

    with tenant_context(School.objects.get(slug="xuejia")):
        group = list(GovernanceMember.objects.values_list("group_role", "name"))
    assert ("leader", "万莺燕") in group
    deputies = [name for role, name in group if role == "deputy"]
    assert deputies == ["周静", "吴春燕", "朱小昌", "祝卫其", "郑飞", "陶榆萍", "曹燕"]
    assert {"朱志刚", "谢丰", "刘伟"} <= {name for role, name in group if role == "member"}


def test_the_demo_campaign_shows_a_realistic_mix_of_submissions():
    from oversight.progress import Tally, campaign_progress
    from oversight.verify import verify_chains

    seed_demo()
    campaign = Campaign.objects.get(year=2022, name="防范校园欺凌专项行动")
    progress = campaign_progress(campaign, today=dt.date(2022, 8, 1))
    total = Tally()  # the demo schools only (the test session's own schools are in scope too)
    for school, cells in progress.rows():
        if school.slug in {s[0] for s in SCHOOLS}:
            for cell in cells:
                total.add(cell)
    # By hand from district_portal.demo.REPORT_PLAN (12 schools × 4 phases, 3 exemptions):
    assert (total.expected, total.exempted, total.submitted, total.on_time, total.late, total.missing) == (
        45, 3, 39, 34, 5, 6)  # fmt: skip
    assert (total.returned, total.accepted, total.awaiting_review, total.extended) == (2, 28, 9, 2)
    assert (total.completeness, total.timeliness) == (86.7, 75.6)
    checked, problems = verify_chains()
    assert checked == 41 and problems == []
    seed_demo()  # idempotent
    assert campaign_progress(campaign, today=dt.date(2022, 8, 1)).total.submitted == 39
    assert (progress.total.expected, progress.total.missing) == (45 + 8, 6 + 8)  # alpha and beta owe all four
