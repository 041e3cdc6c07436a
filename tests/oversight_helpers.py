"""Building the records the district's follow-through rests on: a missing phase report with its
reminders, a closed serious case, a third bureau user for the second sign-off."""

import datetime as dt
import io

from django.utils import timezone
from django_tenants.utils import tenant_context
from docx import Document

from oversight.serious_cases.models import SeriousCase
from oversight.tasks import send_phase_reminders
from schools.actions import incidents, serious_reports
from schools.models import Incident, IncidentParty
from tenants.models import School, User
from tests.campaign_helpers import SHANGHAI, seed_campaign, server_clock

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI)
PUPIL = "欧阳晓雯"


def user(name):
    return User.objects.get(username=name)


def alpha():
    return School.objects.get(slug="alpha")


def missing_report():
    """A 2022 campaign whose first phase alpha never reported, and the overdue reminder it got."""
    campaign = seed_campaign()
    phase = campaign.phases.order_by("order").first()
    send_phase_reminders(today=(phase.report_due_on + dt.timedelta(days=1)).isoformat())
    return campaign, phase


def handle_for_closing(admin, incident: Incident) -> None:
    """What a case determined as bullying needs before it may close (结案): every family told,
    support for each victim and a handling measure. Call in the school's schema, before the first
    report, so the reported facts already include the measure and no 续报 is asked for."""
    now = timezone.now()
    parties = list(IncidentParty.objects.filter(incident=incident, voided_at__isnull=True))
    for party in parties:
        incidents.edit_party(acting_user=admin, party=party, grade=party.grade, class_name=party.class_name,
                             family_notified_at=now, expected_version=party.version)  # fmt: skip
        if party.role == "victim":
            incidents.add_support(acting_user=admin, party=party, kind="counselling", held_on=now.date(),
                                  provided_by="心理老师")  # fmt: skip
    incidents.add_measure(acting_user=admin, party=parties[0], kind="criticism", decided_on=now.date())


def closed_serious_case(school=None) -> SeriousCase:
    """A serious incident reported on time and closed: the case a disclosure may be drafted from."""
    school = school or alpha()
    admin = user(f"{school.slug}_admin")
    with tenant_context(school):
        with server_clock(T0):
            incident = incidents.record_incident(acting_user=admin, source="teacher", occurred_at=T0 - dt.timedelta(hours=2),
                                                 place="操场", summary="推搡致伤")  # fmt: skip
            IncidentParty.objects.create(incident=incident, student_name=PUPIL, grade="五年级", class_name="五年级2班",
                                         role="victim")  # fmt: skip
        with server_clock(T0 + dt.timedelta(hours=1)):
            incident = incidents.open_investigation(
                acting_user=admin, incident=incident, opened_on=T0.date(), expected_version=incident.version
            )
            incident = incidents.determine(acting_user=admin, incident=incident, determination="bullying", kinds=["physical"],
                                           severity="serious", determined_on=T0.date(), findings="致伤",
                                           expected_version=incident.version)  # fmt: skip
        with server_clock(T0 + dt.timedelta(hours=2)):
            handle_for_closing(admin, incident)
        with server_clock(T0 + dt.timedelta(hours=3)):
            serious_reports.file_report(acting_user=admin, incident=incident, kind="first", place_category="playground",
                                        account="课间在操场发生肢体冲突，一名学生受伤，学校已启动调查。")  # fmt: skip
        with server_clock(T0 + dt.timedelta(days=3)):
            current = Incident.objects.get(pk=incident.pk)
            incidents.close(
                acting_user=admin,
                incident=current,
                closing_summary="已处理",
                expected_version=current.version,
                follow_up_waiver="双方已毕业离校",
            )
    return SeriousCase.objects.get(school=school, incident_id=incident.pk)


def second_bureau_user() -> User:
    return User.objects.get(username="bureau_reviewer")


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def soon(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)
