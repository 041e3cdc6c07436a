"""The small district the dashboard tests read: three schools in two areas, two campaigns (one of
chosen schools), incidents of every severity over 2022, an overdue fix and a named victim whose name
must never reach a district page."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight.models import CampaignScope
from schools.models import Hazard, Incident, IncidentParty
from tenants.models import School
from tests.campaign_helpers import at, school, seed_campaign, submit

STUDENT = "张三丰"


def incident(slug, day, kinds, severity, stage="handling", code=None):
    with tenant_context(school(slug)):
        return Incident.objects.create(
            code=code or f"D-{slug}-{Incident.objects.count() + 1}", source="teacher",
            occurred_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10)), place="x",
            summary="x", kinds=kinds, severity=severity, stage=stage,
        )  # fmt: skip


def overdue_hazard(slug):
    with tenant_context(school(slug)):
        Hazard.objects.create(found_on=dt.date(2022, 3, 1), place="toilet", risk_kind="x", method="talk",
                              found_by="x", description="x", responsible="x", deadline=dt.date(2022, 3, 20))  # fmt: skip


def seed_district() -> dict:
    """The district, without its roll-ups (the caller adds what it needs, then reconciles)."""
    School.objects.filter(slug="alpha").update(area="东区")
    School.objects.filter(slug="beta").update(area="西区")
    School.objects.filter(slug="gamma").update(area="东区")
    main = seed_campaign()
    alpha_only = seed_campaign(
        name="专项督查（阿尔法）", scope=CampaignScope.CHOSEN, schools=[school("alpha")]
    )
    submit("alpha", main.phases.get(order=1), at(dt.date(2022, 3, 1)))
    incident("alpha", dt.date(2022, 3, 10), ["physical"], "serious")
    incident("alpha", dt.date(2022, 3, 12), ["physical", "verbal"], "serious", stage="closed")
    incident("alpha", dt.date(2022, 5, 2), ["verbal"], "minor")
    incident("beta", dt.date(2022, 4, 5), ["social"], "repeated")
    incident("beta", dt.date(2022, 11, 20), ["cyber"], "egregious")
    incident("gamma", dt.date(2022, 2, 1), [], "")
    overdue_hazard("alpha")
    with tenant_context(school("alpha")):
        IncidentParty.objects.create(incident=Incident.objects.first(), student_name=STUDENT, grade="四年级",
                                     class_name="四年级2班", role="victim")  # fmt: skip
    return {"main": main, "alpha_only": alpha_only}
