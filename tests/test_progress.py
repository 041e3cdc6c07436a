"""The whole seed-004 campaign with a mix of schools, every rate against a hand count; a monthly
campaign; the matrix; timeliness by the server's clock."""

import datetime as dt

import pytest

from oversight import actions as district
from oversight.progress import campaign_progress
from tenants.actions.provisioning import SchoolSpec, create_school
from tenants.models import SchoolMembership, User
from tests.campaign_helpers import at, school, seed_campaign, submit, user

pytestmark = pytest.mark.django_db

EXTRA = {"delta": "3299000004", "epsilon": "3299000005", "zeta": "3299000006", "eta": "3299000007"}


@pytest.fixture
def six_schools():
    """alpha and beta from the session, four more here; gamma is suspended and so not expected."""
    for slug, code in EXTRA.items():
        created = create_school(acting_user=None, spec=SchoolSpec(name=f"{slug}学校", code=code, slug=slug,
                                                                 kind="primary"))  # fmt: skip
        admin = User.objects.create_user(username=f"{slug}_admin", password="x" * 20)
        SchoolMembership.objects.create(user=admin, school=created, role="admin", post="safety")


def review(submission, verdict, comment=""):
    if verdict == "accept":
        district.accept_submission(acting_user=user("bureau_staff"), submission=submission)
    else:
        district.return_submission(acting_user=user("bureau_staff"), submission=submission, comment=comment)


def test_seed_004_campaign_progress_matches_a_hand_count(six_schools):
    campaign = seed_campaign()
    p1, p2, p3, p4 = campaign.phases.order_by("order")
    staff = user("bureau_staff")

    # 宣传动员 (due 5 March)
    review(submit("alpha", p1, at(dt.date(2022, 3, 1))), "accept")  # on time, accepted
    submit("beta", p1, at(dt.date(2022, 3, 10)))  # late, awaiting review
    district.grant_exemption(acting_user=staff, phase=p1, school=school("delta"), reason="新建校区未招生")
    review(
        submit("epsilon", p1, at(dt.date(2022, 3, 5), hour=23)), "return", "数据不全"
    )  # on time (due day), returned
    district.grant_extension(acting_user=staff, phase=p1, school=school("zeta"), due_on=dt.date(2022, 3, 12),
                             reason="疫情封控")  # fmt: skip
    submit("zeta", p1, at(dt.date(2022, 3, 11)))  # on time thanks to the extension
    # eta: missing

    # 排查摸底 (due 5 April)
    review(submit("alpha", p2, at(dt.date(2022, 4, 5))), "return", "台账缺整改期限")
    submit("alpha", p2, at(dt.date(2022, 4, 20)))  # version 2: timeliness stays that of version 1
    # beta: missing
    review(submit("delta", p2, at(dt.date(2022, 4, 1))), "accept")
    submit("epsilon", p2, at(dt.date(2022, 4, 6), hour=0))  # 00:00 local on the 6th: late
    # zeta: missing
    district.grant_exemption(acting_user=staff, phase=p2, school=school("eta"), reason="合并办学")

    submit("alpha", p3, at(dt.date(2022, 7, 1)))  # 全面整治 due 5 July: on time; the others missing
    submit("alpha", p4, at(dt.date(2022, 7, 8)))  # 检查总结 due 15 July: on time; the others not yet due

    progress = campaign_progress(campaign, today=dt.date(2022, 7, 10))
    by_phase = {phase.name: tally.as_dict() for phase, tally in progress.phase_rows()}
    assert [s.slug for s in progress.schools] == sorted(
        ["alpha", "beta", "delta", "epsilon", "zeta", "eta"], key=lambda slug: school(slug).name)  # fmt: skip

    def expect(**numbers):
        base = dict(expected=0, submitted=0, on_time=0, late=0, missing=0, pending=0, returned=0, accepted=0,
                    awaiting_review=0, exempted=0, extended=0)  # fmt: skip
        base.update(numbers)
        return base

    def without_rates(d):
        return {k: v for k, v in d.items() if k not in ("completeness", "timeliness")}

    assert without_rates(by_phase["宣传动员"]) == expect(expected=5, submitted=4, on_time=3, late=1, missing=1,
        returned=1, accepted=1, awaiting_review=2, exempted=1, extended=1)  # fmt: skip
    assert (by_phase["宣传动员"]["completeness"], by_phase["宣传动员"]["timeliness"]) == (80.0, 60.0)
    assert without_rates(by_phase["排查摸底"]) == expect(expected=5, submitted=3, on_time=2, late=1, missing=2,
        accepted=1, awaiting_review=2, exempted=1)  # fmt: skip
    assert (by_phase["排查摸底"]["completeness"], by_phase["排查摸底"]["timeliness"]) == (60.0, 40.0)
    assert without_rates(by_phase["全面整治"]) == expect(expected=6, submitted=1, on_time=1, missing=5,
                                                        awaiting_review=1)  # fmt: skip
    assert (by_phase["全面整治"]["completeness"], by_phase["全面整治"]["timeliness"]) == (16.7, 16.7)
    assert without_rates(by_phase["检查总结"]) == expect(expected=6, submitted=1, on_time=1, pending=5,
                                                        awaiting_review=1)  # fmt: skip
    total = progress.total.as_dict()
    assert without_rates(total) == expect(expected=22, submitted=9, on_time=7, late=2, missing=8, pending=5,
        returned=1, accepted=2, awaiting_review=6, exempted=2, extended=1)  # fmt: skip
    assert (total["completeness"], total["timeliness"]) == (40.9, 31.8)

    # The matrix: one cell per school and phase.
    cells = {
        (s.slug, p.name): c for s, row in progress.rows() for p, c in zip(progress.phases, row, strict=True)
    }
    assert cells[("alpha", "排查摸底")].version == 2 and cells[("alpha", "排查摸底")].state == "on_time"
    assert cells[("eta", "宣传动员")].state == "missing" and cells[("delta", "宣传动员")].state == "exempted"
    assert cells[("epsilon", "宣传动员")].status == "returned"
    assert cells[("beta", "检查总结")].state == "pending"


def test_a_campaign_scoped_by_kind_expects_only_those_schools(six_schools):
    campaign = seed_campaign(name="初中专项", scope="kinds", kinds=["junior"])
    progress = campaign_progress(campaign, today=dt.date(2022, 7, 10))
    assert [s.slug for s in progress.schools] == ["beta"]
    assert progress.total.expected == 4
    chosen = seed_campaign(name="指定学校专项", scope="chosen", schools=[school("alpha"), school("eta")])
    assert {s.slug for s in campaign_progress(chosen).schools} == {"alpha", "eta"}


def test_a_monthly_campaign_reports_due_the_tenth_of_the_next_month():
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="校园欺凌防治月报", year=2023)
    phases = district.generate_monthly_phases(acting_user=user("bureau_admin"), campaign=campaign,
                                              first_month=dt.date(2023, 1, 1), months=12)  # fmt: skip
    assert len(phases) == 12
    assert [(p.name, p.starts_on, p.ends_on, p.report_due_on) for p in phases[:2]] == [
        ("2023年1月月报", dt.date(2023, 1, 1), dt.date(2023, 1, 31), dt.date(2023, 2, 10)),
        ("2023年2月月报", dt.date(2023, 2, 1), dt.date(2023, 2, 28), dt.date(2023, 3, 10)),
    ]
    assert phases[-1].report_due_on == dt.date(2024, 1, 10)
    jan, feb = phases[0], phases[1]
    submit("alpha", jan, at(dt.date(2023, 2, 10), hour=17))  # on the 10th: on time
    submit("beta", jan, at(dt.date(2023, 2, 9)))
    submit("alpha", feb, at(dt.date(2023, 2, 28)))  # during the month: on time
    progress = campaign_progress(campaign, today=dt.date(2023, 3, 11))
    tallies = dict(progress.phase_rows())
    assert (tallies[jan].expected, tallies[jan].on_time, tallies[jan].completeness) == (2, 2, 100.0)
    assert (tallies[feb].submitted, tallies[feb].missing, tallies[feb].timeliness) == (1, 1, 50.0)
    assert tallies[phases[2]].pending == 2
