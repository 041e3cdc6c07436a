"""Reminders: N days before the due date, on the day, and when overdue — exactly the right
notices to the right schools' admins, in their own schemas — and the district's daily list.
The same task on a real worker: tests/test_campaign_worker.py."""

import datetime as dt

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from oversight import actions as district
from oversight.models import PhaseReminder
from oversight.tasks import send_phase_reminders
from schools.models import Notice
from tenants.models import User
from tests.campaign_helpers import at, school, submit, user

pytestmark = pytest.mark.django_db


def notices(slug):
    with tenant_context(school(slug)):
        return sorted(Notice.objects.values_list("recipient__username", "title"))


@pytest.fixture
def monthly():
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="月报", year=2023)
    return district.generate_monthly_phases(acting_user=user("bureau_admin"), campaign=campaign,
                                            first_month=dt.date(2023, 1, 1), months=2)  # fmt: skip


def test_reminders_before_on_and_after_the_due_date_reach_exactly_the_schools_that_owe(monthly):
    jan = monthly[0]  # due 10 Feb; the reminder comes 3 days before by default
    User.objects.filter(username="bureau_staff").update(email="anjian@example.cn")
    submit("beta", jan, at(dt.date(2023, 2, 1)))  # beta has reported: no reminders for beta

    result = send_phase_reminders("2023-02-07")
    assert result["sent"] == [("alpha", jan.pk, "before")]
    assert notices("alpha") == [("alpha_admin", "2023年1月月报报告将于 2023-02-10 截止（还有 3 天）")]
    assert notices("beta") == []
    assert send_phase_reminders("2023-02-07")["sent"] == []  # beat running twice sends nothing twice

    assert send_phase_reminders("2023-02-08")["sent"] == []
    assert send_phase_reminders("2023-02-10")["sent"] == [("alpha", jan.pk, "due_today")]
    mail.outbox.clear()
    result = send_phase_reminders("2023-02-11")
    assert result["sent"] == [("alpha", jan.pk, "overdue")] and result["overdue"] == 1
    assert ("alpha_admin", "2023年1月月报报告已逾期 1 天") in notices("alpha")
    assert len(notices("alpha")) == 3 and notices("beta") == []
    # The district's daily list of overdue schools.
    [message] = mail.outbox
    assert (
        message.to == ["anjian@example.cn"]
        and "阿尔法小学" in message.body
        and "贝塔中学" not in message.body
    )
    # The next overdue notice comes a week later, not every day.
    assert send_phase_reminders("2023-02-12")["sent"] == []
    assert send_phase_reminders("2023-02-18")["sent"] == [("alpha", jan.pk, "overdue")]


def test_an_exempted_or_extended_school_is_reminded_by_its_own_terms(monthly):
    jan = monthly[0]
    district.grant_exemption(
        acting_user=user("bureau_staff"), phase=jan, school=school("beta"), reason="停办"
    )
    district.grant_extension(acting_user=user("bureau_staff"), phase=jan, school=school("alpha"),
                             due_on=dt.date(2023, 2, 20), reason="资料整理")  # fmt: skip
    assert send_phase_reminders("2023-02-10")["sent"] == []
    assert send_phase_reminders("2023-02-17")["sent"] == [("alpha", jan.pk, "before")]
    assert PhaseReminder.objects.count() == 1
