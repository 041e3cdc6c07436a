"""Building campaigns and submitting reports in tests, with the server clock set by the test."""

import contextlib
import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

from django_tenants.utils import tenant_context

from oversight import actions as district
from schools.actions import reports
from tenants.models import School, User

SHANGHAI = ZoneInfo("Asia/Shanghai")

SEED_004 = [
    # name, start, end, due
    ("宣传动员", dt.date(2022, 1, 1), dt.date(2022, 2, 28), dt.date(2022, 3, 5)),
    ("排查摸底", dt.date(2022, 3, 1), dt.date(2022, 3, 31), dt.date(2022, 4, 5)),
    ("全面整治", dt.date(2022, 4, 1), dt.date(2022, 6, 30), dt.date(2022, 7, 5)),
    ("检查总结", dt.date(2022, 7, 1), dt.date(2022, 7, 31), dt.date(2022, 7, 15)),
]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@contextlib.contextmanager
def server_clock(moment: dt.datetime):
    """Set the server's clock (django.utils.timezone.now) for everything inside."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def user(name: str) -> User:
    return User.objects.get(username=name)


def school(slug: str) -> School:
    return School.objects.get(slug=slug)


def seed_campaign(name="防范校园欺凌专项行动（测试）", year=2022, accepts_until_days=20, **scope):
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name=name, year=year, **scope)
    for phase_name, start, end, due in SEED_004:
        district.add_phase(
            acting_user=user("bureau_admin"), campaign=campaign, name=phase_name, starts_on=start, ends_on=end,
            report_due_on=due, accepts_until=due + dt.timedelta(days=accepts_until_days),
        )  # fmt: skip
    return campaign


def submit(slug: str, phase, when: dt.datetime, *, sections=None, figures=None, reasons=None, username=None):
    """Start (or reopen) the school's draft, fill it, and submit it at `when` by the server clock."""
    username = username or f"{slug}_admin"
    with server_clock(when), tenant_context(school(slug)):
        report = reports.start_report(acting_user=user(username), phase=phase)
        report = reports.save_draft(expected_version=report.version, acting_user=user(username), report=report, figures=figures or {}, reasons=reasons or {},
            sections=sections or {"work": "开展了主题班会和问卷调查。"},
        )  # fmt: skip
        return reports.submit_report(acting_user=user(username), report=report)
