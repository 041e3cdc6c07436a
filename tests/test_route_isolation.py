"""Every route of both URL confs × every kind of visitor → allowed or refused, as declared here.

The routes are read from the URL confs, so a new route with no declared rule fails this suite:
whoever adds a page must say who may open it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import School, User

pytestmark = pytest.mark.django_db

SCHOOL_VISITORS = [
    None, "beta_admin", "inspector_beta", "inspector_alpha", "bureau_staff",
    "alpha_admin", "alpha_head_teacher", "alpha_moral", "alpha_counsellor", "alpha_gate",
]  # fmt: skip
DISTRICT_VISITORS = [None, "alpha_admin", "bureau_staff", "bureau_admin", "inspector_alpha"]

EVERYONE = set(SCHOOL_VISITORS) | set(DISTRICT_VISITORS)
MEMBERS = {"alpha_admin", "alpha_head_teacher", "alpha_moral", "alpha_counsellor", "alpha_gate"}
WITH_INSPECTOR = MEMBERS | {"inspector_alpha"}
HANDLERS = {"alpha_admin", "alpha_moral"}  # admin, 政教 (and committee members, none here)
CARE = {"alpha_admin", "alpha_head_teacher"}  # the sample entry is in the head teacher's class
INCIDENT_READERS = HANDLERS | {"alpha_counsellor"}  # the sample's parties are not in 三年级1班
DISTRICT = {"bureau_staff", "bureau_admin", "inspector_alpha"}

# url name → who gets in. Routes under the admin namespace are covered by ADMIN_RULE.
SCHOOL_RULES = {
    "home": WITH_INSPECTOR, "publicity": EVERYONE, "tip-mailbox": EVERYONE, "tip-follow": EVERYONE,
    "tip-list": HANDLERS, "tip-detail": HANDLERS,
    "incident-list": MEMBERS, "incident-new": MEMBERS, "incident-detail": INCIDENT_READERS,
    **{name: HANDLERS for name in [
        "incident-open", "incident-add-party", "incident-determine", "incident-add-measure",
        "incident-add-support", "incident-schedule-follow-up", "incident-complete-follow-up",
        "incident-file-appeal", "incident-decide-appeal", "incident-close", "incident-void",
        "incident-report-upward"]},
    "hazard-list": MEMBERS, "hazard-export": MEMBERS, "hazard-detail": MEMBERS, "hazard-new": HANDLERS,
    "hazard-edit": HANDLERS, "hazard-move": HANDLERS, "hazard-void": HANDLERS,
    "activity-list": MEMBERS, "activity-detail": MEMBERS, "activity-evidence-file": MEMBERS,
    "activity-new": HANDLERS, "activity-edit": HANDLERS, "activity-add-evidence": HANDLERS, "activity-void": HANDLERS,
    "governance": MEMBERS, "governance-member": MEMBERS, "governance-duty": MEMBERS,
    "governance-document-file": MEMBERS,
    **{name: HANDLERS for name in [
        "governance-add-member", "governance-deactivate-member", "governance-published", "governance-add-duty",
        "governance-deactivate-duty", "governance-upload-document"]},
    "care-list": CARE, "care-new": CARE, "care-detail": CARE, "care-edit": CARE, "care-add-talk": CARE,
    "care-close": CARE, "care-void": CARE,
    # audit log and break-glass record: the school admin only (district users need a grant, see test_break_glass)
    "audit-log": {"alpha_admin"}, "audit-export": {"alpha_admin"}, "audit-break-glass": {"alpha_admin"},
    # accounts
    "login": EVERYONE, "logout": EVERYONE, "password_reset": EVERYONE, "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE, "password_reset_complete": EVERYONE, "set_language": EVERYONE,
    "api-tokens": MEMBERS,
    # API
    "api-me": MEMBERS, "api-schema": EVERYONE, "api-docs": EVERYONE, "api-public-tip-submit": EVERYONE, "api-public-tip-lookup": EVERYONE,
    "api-incident-list": MEMBERS, "api-incident-detail": INCIDENT_READERS,
    **{f"api-incident-{step}": HANDLERS for step in [
        "parties", "open-investigation", "determine", "measures", "support", "follow-ups", "follow-up-done",
        "appeals", "decide-appeal", "close", "void", "report-upward"]},
    "api-tip-list": HANDLERS, "api-tip-detail": HANDLERS, "api-tip-reply": HANDLERS, "api-tip-triage": HANDLERS,
    "api-tip-close": HANDLERS,
    **{f"api-care-{name}": CARE for name in ["list", "detail", "edit", "talks", "close", "void"]},
    **{f"api-governance-{kind}-{name}": MEMBERS for kind in ["member", "duty", "document"]
       for name in ["list", "detail"]},
    **{f"api-governance-{kind}-{name}": HANDLERS for kind in ["member", "duty"] for name in ["edit", "deactivate"]},
    "api-governance-published-list": MEMBERS,
    "api-audit-list": {"alpha_admin"},
    "api-hazard-list": MEMBERS, "api-hazard-detail": MEMBERS,
    **{f"api-hazard-{name}": HANDLERS for name in ["edit", "move", "void"]},
    "api-activity-list": MEMBERS, "api-activity-detail": MEMBERS,
    **{f"api-activity-{name}": HANDLERS for name in ["edit", "evidence", "void"]},
    # phase reports: records managers fill them in, only the school admin submits
    **{name: HANDLERS for name in ["report-list", "report-phase", "report-compare", "report-summary", "report-detail",
                                   "report-save", "report-attach", "report-attachment", "api-report-list",
                                   "api-report-detail", "api-report-save"]},
    "report-submit": {"alpha_admin"}, "api-report-submit": {"alpha_admin"},
}  # fmt: skip
DISTRICT_RULES = {
    **{name: {"bureau_staff", "bureau_admin"} for name in ["audit-log", "audit-export", "break-glass-list",
                                                           "break-glass-new", "break-glass-revoke"]},
    "home": DISTRICT, "dashboard": DISTRICT, "dashboard-export": DISTRICT, "dashboard-school": DISTRICT,
    "dashboard-rules": {"bureau_staff", "bureau_admin"}, "api-dashboard-rules": {"bureau_staff", "bureau_admin"},
    "api-dashboard": DISTRICT, "api-dashboard-school": DISTRICT, "public-figures": EVERYONE, "api-public-figures": EVERYONE,
    "api-schools": DISTRICT, "api-audit-list": {"bureau_staff", "bureau_admin"}, "api-schema": EVERYONE, "api-docs": EVERYONE, "api-tokens": DISTRICT,
    "login": EVERYONE, "logout": EVERYONE, "password_reset": EVERYONE, "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE, "password_reset_complete": EVERYONE, "set_language": EVERYONE,
    # campaigns: inspectors read progress; only bureau staff set up, grant and review.
    **{name: DISTRICT for name in ["campaign-list", "campaign-detail", "campaign-export", "phase-detail",
                                   "submission-detail", "api-campaign-list", "api-campaign-detail",
                                   "api-phase-list", "api-phase-detail",
                                   "api-campaign-progress",
                                   "api-submission-list", "api-submission-detail"]},
    **{name: {"bureau_staff", "bureau_admin"} for name in ["campaign-new", "phase-new", "phase-monthly", "phase-extend",
                                                           "phase-exempt", "submission-accept", "submission-return",
                                                           "api-campaign-monthly", "api-campaign-phases", "api-submission-accept",
                                                           "api-phase-extend", "api-phase-exempt",
                                                           "api-submission-return"]},
    # bulk onboarding of schools: bureau admins only
    **{name: {"bureau_admin"} for name in ["onboarding-upload", "onboarding-job", "onboarding-start"]},
    # inspections: bureau staff and inspectors; an inspector sees only their schools' (tests/test_inspections.py)
    **{name: DISTRICT for name in ["visit-list", "visit-new", "visit-detail", "visit-raise-notice", "visit-void",
                                   "notice-close", "api-visit-list", "api-visit-detail", "api-visit-notices",
                                   "api-visit-void", "api-notice-list", "api-notice-detail", "api-notice-close"]},
}  # fmt: skip
ADMIN_RULE = {"bureau_admin"}
# Posting to these would log the visitor out or switch their language for the rest of the run.
SESSION_CHANGING = {"logout", "set_language"}


def routes(urlconf):
    """(url name, namespace) of every named route in a URL conf."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name, namespace

    return sorted(set(walk(get_resolver(urlconf).url_patterns, None)), key=lambda r: (r[1] or "", r[0]))


def test_every_route_has_a_declared_rule():
    undeclared = [
        name for name, ns in routes("district_portal.urls_school") if ns is None and name not in SCHOOL_RULES
    ]
    undeclared += [f"district:{name}" for name, ns in routes("district_portal.urls_district")
                   if ns is None and name not in DISTRICT_RULES]  # fmt: skip
    assert undeclared == [], f"declare who may open these routes in {__file__}: {undeclared}"


@pytest.fixture
def samples():
    """One of everything in school alpha, for routes that name an object."""
    from schools.models import (
        Activity,
        ActivityEvidence,
        CareEntry,
        GovernanceMember,
        Hazard,
        Incident,
        IncidentParty,
        ResponsibilityItem,
        SchoolDocument,
        Tip,
    )  # fmt: skip

    alpha = School.objects.get(slug="alpha")
    admin = User.objects.get(username="alpha_admin")
    today = timezone.localdate()
    with tenant_context(alpha):
        incident = Incident.objects.create(code="ISO-001", source="teacher", occurred_at=timezone.now(), place="x",
                                           summary="x", created_by=admin)  # fmt: skip
        IncidentParty.objects.create(incident=incident, student_name="某", grade="四年级", class_name="四年级2班",
                                     role="victim")  # fmt: skip
        activity = Activity.objects.create(held_on=today, kind="lecture", title="x")
        evidence = ActivityEvidence.objects.create(
            activity=activity,
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 sample", content_type="application/pdf"),
        )
        document = SchoolDocument.objects.create(
            kind="rules", title="制度", version_no=1,
            file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 sample", content_type="application/pdf"),
        )  # fmt: skip
        ids = {
            "incident": incident.pk, "tip": Tip.objects.create(receipt_hash="x" * 64, body="x").pk,
            "hazard": Hazard.objects.create(found_on=today, place="toilet", risk_kind="x", method="talk", found_by="x",
                                            description="x", responsible="x", deadline=today).pk,
            "activity": activity.pk, "evidence": evidence.pk, "document": document.pk,
            "member": GovernanceMember.objects.create(name="某", group_role="member").pk,
            "duty": ResponsibilityItem.objects.create(post="班主任", duty="x").pk,
            "care": CareEntry.objects.create(student_name="某", grade="三年级", class_name="三年级1班", signs=["dazed"],
                                             next_review_on=today + dt.timedelta(days=7)).pk,
        }  # fmt: skip
    from tests.campaign_helpers import at, seed_campaign, submit

    campaign = seed_campaign()
    submission = submit("alpha", campaign.phases.get(order=1), at(dt.date(2022, 3, 1)))
    ids.update(
        campaign=campaign.pk, phase=submission.phase_id, submission=submission.pk, report=submission.report_id
    )
    from inspections.models import RectificationNotice, Visit

    visit = Visit.objects.create(inspector=User.objects.get(username="inspector_alpha"), school=alpha,
                                 visited_on=today, summary="x")  # fmt: skip
    notice = RectificationNotice.objects.create(visit=visit, school=alpha, issued_by=visit.inspector, due_on=today,
                                                items="x")  # fmt: skip
    ids.update(visit=visit.pk, notice=notice.pk)
    from oversight.onboarding.models import OnboardingJob

    ids["onboarding"] = OnboardingJob.objects.create(
        created_by=User.objects.get(username="bureau_admin"), file_name="名单.csv", content=b"x"
    ).pk
    return ids


def kwargs_for(name, ids):
    if name in ("report-phase", "report-compare"):
        return {"phase_pk": ids["phase"]}
    if name == "report-summary":
        return {"campaign_pk": ids["campaign"]}
    if name == "report-attachment":
        return {"pk": ids["report"], "attachment_pk": 1}
    if name in ("phase-new", "phase-monthly"):
        return {"pk": ids["campaign"]}
    if name == "dashboard-export":
        return {"chart": "severity"}
    if name in ("dashboard-school", "api-dashboard-school"):
        return {"slug": "alpha"}  # inspector_alpha's school
    if name == "break-glass-revoke":
        return {"pk": 1}  # only POST acts; the bureau's GET is sent back to the list
    if name == "password_reset_confirm":
        return {"uidb64": "MQ", "token": "set-password"}
    if name == "activity-evidence-file":
        return {"pk": ids["activity"], "evidence_pk": ids["evidence"]}
    if name == "governance-document-file":
        return {"pk": ids["document"]}
    family = name.removeprefix("api-").split("-")[0]
    key = {"incident": "incident", "tip": "tip", "hazard": "hazard", "activity": "activity", "care": "care",
           "governance": "member" if "member" in name else "document" if "document" in name else "duty",
           "campaign": "campaign", "phase": "phase", "submission": "submission", "report": "report",
           "visit": "visit", "notice": "notice", "onboarding": "onboarding",
           }.get(family)  # fmt: skip
    return {"pk": ids[key]} if key else {}


def is_refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "/accounts/login/" in location


def check(client_for, slug, urlconf, rules, visitors, ids):
    """GET every route as every visitor; where GET is not the route's method (405), POST an empty
    form instead — a refused visitor must be refused before the form is even read."""
    wrong = []
    clients = {visitor: client_for(visitor, slug) for visitor in visitors}
    for name, namespace in routes(urlconf):
        if namespace is not None:
            continue
        allowed = rules[name]
        try:
            url = reverse(name, urlconf=urlconf, kwargs=kwargs_for(name, ids))
        except Exception:
            url = reverse(name, urlconf=urlconf)
        for visitor in visitors:
            client = clients[visitor]
            response = client.get(url)
            if response.status_code == 405 and name not in SESSION_CHANGING:
                response = client.post(url, {})
            # The API hides objects a member may not see behind 404.
            refused = is_refused(response) or (
                response.status_code == 404 and url.startswith("/api/") and visitor
            )
            if refused == (visitor in allowed):
                wrong.append(
                    f"{response.request['REQUEST_METHOD']} {url} as {visitor}: {response.status_code}"
                )
            if (
                visitor not in allowed
                and response.request["REQUEST_METHOD"] == "GET"
                and name not in SESSION_CHANGING
            ):
                post = client.post(url, {})
                if not (is_refused(post) or post.status_code in (404, 405)):
                    wrong.append(f"POST {url} as {visitor}: {post.status_code}")
    return wrong


def test_school_routes_admit_exactly_the_declared_visitors(client_for, samples):
    wrong = check(client_for, "alpha", "district_portal.urls_school", SCHOOL_RULES, SCHOOL_VISITORS, samples)
    assert wrong == [], "\n".join(wrong)


def test_district_routes_admit_exactly_the_declared_visitors(client_for, samples):
    wrong = check(
        client_for, None, "district_portal.urls_district", DISTRICT_RULES, DISTRICT_VISITORS, samples
    )
    assert wrong == []


def test_the_admin_namespace_is_for_bureau_admins_only(client_for):
    User.objects.filter(username__in=["bureau_admin", "bureau_staff"]).update(is_staff=True)
    for visitor in DISTRICT_VISITORS:
        response = client_for(visitor).get("/admin/")
        admitted = response.status_code == 200
        assert admitted == (visitor in ADMIN_RULE), (visitor, response.status_code)
