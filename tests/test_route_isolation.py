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
# The sample's parties are not in 三年级1班, and no counsellor is assigned to support them.
INCIDENT_READERS = HANDLERS
DISTRICT = {"bureau_staff", "bureau_admin", "inspector_alpha"}

# url name → who gets in. Routes under the admin namespace are covered by ADMIN_RULE.
SCHOOL_RULES = {
    "home": WITH_INSPECTOR, "publicity": EVERYONE, "tip-mailbox": EVERYONE, "tip-follow": EVERYONE,
    "tip-list": HANDLERS, "tip-detail": HANDLERS,
    "incident-list": MEMBERS, "incident-new": MEMBERS, "incident-detail": INCIDENT_READERS,
    **{name: HANDLERS for name in [
        "incident-open", "incident-add-party", "incident-edit-party", "incident-determine", "incident-add-measure",
        "incident-add-support", "incident-schedule-follow-up", "incident-complete-follow-up",
        "incident-file-appeal", "incident-decide-appeal", "incident-close", "incident-void",
        "incident-report-upward"]},
    # the assigned inspector reads the ledger, the activities and the governance page (no pupils there)
    "hazard-list": WITH_INSPECTOR, "hazard-export": MEMBERS, "hazard-detail": WITH_INSPECTOR, "hazard-new": HANDLERS,
    "hazard-edit": HANDLERS, "hazard-move": HANDLERS, "hazard-void": HANDLERS,
    "activity-list": WITH_INSPECTOR, "activity-detail": WITH_INSPECTOR, "activity-evidence-file": MEMBERS,
    "activity-new": HANDLERS, "activity-edit": HANDLERS, "activity-add-evidence": HANDLERS, "activity-void": HANDLERS,
    "governance": WITH_INSPECTOR, "governance-member": MEMBERS, "governance-duty": MEMBERS,
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
        "parties", "edit-party", "open-investigation", "determine", "measures", "support", "follow-ups", "follow-up-done",
        "appeals", "decide-appeal", "close", "void", "serious-reports"]},
    # the district register and appeals as the school sees them; break-glass grants: the admin only
    "api-school-serious-cases": HANDLERS, "api-school-appeals": HANDLERS, "district-appeal-list": HANDLERS,
    "api-school-appeal-respond": {"alpha_admin"}, "district-appeal-respond": {"alpha_admin"},
    "api-school-break-glass": {"alpha_admin"}, "api-school-break-glass-object": {"alpha_admin"},
    "audit-break-glass-object": {"alpha_admin"},
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
                                   "api-report-detail", "api-report-save", "api-school-phase-list",
                                   "api-school-phase-detail"]},
    "report-submit": {"alpha_admin"}, "api-report-submit": {"alpha_admin"},
    # inspections on the school's site: its notices (answered by handlers) and the public 挂牌 sign
    "school-notice-list": MEMBERS, "school-notice-detail": MEMBERS, "school-notice-docx": MEMBERS,
    "school-notice-answer": HANDLERS, "api-school-notice-list": MEMBERS, "api-school-notice-detail": MEMBERS,
    "api-school-notice-item-detail": MEMBERS, "api-school-notice-item-answer": HANDLERS,
    "inspector-sign": EVERYONE, "inspector-sign-print": EVERYONE, "inspector-sign-photo": EVERYONE,
    # the district's summonses: read by the incident handlers, signed for and answered by the admin
    **{name: HANDLERS for name in ["school-summons-list", "school-summons-detail", "school-summons-docx",
                                   "api-school-summons-list", "api-school-summons", "api-school-summons-docx"]},
    **{name: {"alpha_admin"} for name in ["school-summons-acknowledge", "school-summons-report",
                                          "api-school-summons-acknowledge", "api-school-summons-report"]},
    "school-circular-list": MEMBERS, "api-school-circulars": MEMBERS,
    # staff without an address and notices whose e-mail did not arrive: the school admin's page
    "delivery-status": {"alpha_admin"},
}  # fmt: skip
ADMIN_RULE = {"bureau_admin"}  # the admin namespace and the bureau admin's own pages
DISTRICT_RULES = {
    **{name: {"bureau_staff", "bureau_admin"} for name in ["audit-log", "audit-export", "break-glass-list",
                                                           "break-glass-new", "break-glass-revoke"]},
    # serious-case register, appeals, break-glass approvals, settings: bureau staff (settings: admins change them)
    **{name: {"bureau_staff", "bureau_admin"} for name in [
        "serious-register", "serious-export", "serious-external-new", "serious-detail", "appeal-list", "appeal-new",
        "appeal-detail", "appeal-decide", "break-glass-approve", "break-glass-reject", "district-settings",
        "api-serious-cases", "api-serious-case", "api-appeals", "api-appeal-decide", "api-break-glass",
        "api-break-glass-accesses", "api-break-glass-step", "api-district-settings"]},
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
                                                           "phase-exempt", "phase-correct", "submission-accept", "submission-return",
                                                           "api-campaign-monthly", "api-campaign-phases", "api-submission-accept",
                                                           "api-phase-extend", "api-phase-exempt",
                                                           "api-submission-return"]},
    # bulk onboarding of schools: bureau admins only
    **{name: {"bureau_admin"} for name in ["onboarding-upload", "onboarding-job", "onboarding-start"]},
    # inspections: bureau staff and inspectors; an inspector sees only their schools' (tests/test_inspections.py)
    **{name: DISTRICT for name in ["visit-list", "visit-new", "visit-detail", "visit-raise-notice", "visit-void",
                                   "notice-close", "api-visit-list", "api-visit-detail", "api-visit-notices",
                                   "api-visit-void", "api-notice-list", "api-notice-detail", "api-notice-close",
                                   "inspector-home", "plan-new", "plan-cancel", "visit-photo", "notice-docx",
                                   "notice-item-recheck", "inspector-profile", "api-visit-photos",
                                   "api-notice-item-list", "api-notice-item-detail", "api-notice-item-recheck",
                                   "api-plan-list", "api-plan-detail", "api-plan-cancel", "api-checklist",
                                   "api-coverage", "api-inspector-profile"]},
    # the bureau manages assignments and the checklist
    **{name: {"bureau_staff", "bureau_admin"} for name in ["assignments", "assignment-new", "assignment-end",
                                                           "checklist", "checklist-add", "checklist-remove",
                                                           "checklist-edit",
                                                           "api-assignment-list", "api-assignment-detail",
                                                           "api-assignment-end", "inspection-rules",
                                                           "api-inspection-rules"]},
    # summons, circulars, accountability, disclosures, chains, evaluation: bureau staff only
    **{name: {"bureau_staff", "bureau_admin"} for name in [
        "summons-list", "summons-new", "summons-detail", "summons-docx", "summons-meeting", "summons-review",
        "circular-list", "accountability-list", "accountability-new", "accountability-detail",
        "accountability-statement", "accountability-challenge", "accountability-decide", "evaluation-sheet",
        "evaluation-export", "disclosure-list", "disclosure-new", "disclosure-detail", "disclosure-revise",
        "disclosure-sign", "disclosure-publish", "disclosure-withdraw", "chain-list", "chain-phase-report",
        "api-summons-list", "api-summons", "api-summons-meeting", "api-summons-review", "api-summons-docx",
        "api-circulars", "api-chains", "api-record-links", "api-accountability-list", "api-accountability",
        "api-accountability-statement", "api-accountability-challenge", "api-accountability-challenge-decide",
        "api-disclosures", "api-disclosure", "api-disclosure-sign-off", "api-disclosure-publish",
        "api-disclosure-withdraw"]},
    # the health check answers anyone (Docker, a load balancer); operations and bulk onboarding: bureau admins
    "healthz": EVERYONE,
    **{name: ADMIN_RULE for name in ["operations", "onboarding-upload", "onboarding-job", "onboarding-start"]},
    # published disclosures: the public
    **{name: EVERYONE for name in ["public-disclosures", "public-disclosure", "public-disclosure-feed",
                                   "api-public-disclosures", "api-public-disclosure"]},
}  # fmt: skip
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
    from django.core.files.base import ContentFile

    from inspections.models import InspectorAssignment, NoticeItem, VisitPhoto, VisitPlan

    item = NoticeItem.objects.create(notice=notice, order=1, text="x")
    photo = VisitPhoto(visit=visit, width=1, height=1, size=1)
    photo.image.save("p.png", ContentFile(b"\x89PNG"), save=True)
    plan = VisitPlan.objects.create(inspector=visit.inspector, school=alpha, planned_on=today)
    assignment = InspectorAssignment.objects.get(inspector=visit.inspector, school=alpha)
    ids.update(visit=visit.pk, notice=notice.pk, notice_item=item.pk, photo=photo.pk, plan=plan.pk,
               assignment=assignment.pk, inspector=visit.inspector_id)  # fmt: skip
    from oversight.appeals.models import DistrictAppeal
    from oversight.models import BreakGlassGrant
    from oversight.serious_cases.models import SeriousCase

    now = timezone.now()
    ids["serious"] = SeriousCase.objects.create(
        school=alpha, incident_id=incident.pk, case_code="ISO-001", occurred_on=today, first_known_at=now,
        due_from=now, report_due_at=now, facts_hash="x").pk  # fmt: skip
    ids["appeal"] = DistrictAppeal.objects.create(
        school=alpha, case_code="ISO-001", incident_id=incident.pk, subject="handling", channel="letter",
        received_on=today, due_on=today, grounds="x", state="changed").pk  # fmt: skip
    ids["grant"] = BreakGlassGrant.objects.create(
        grantee=User.objects.get(username="bureau_staff"), school=alpha, incident_id=incident.pk, incident_code="ISO-001",
        reason="x" * 10, state="delayed", starts_at=now + dt.timedelta(hours=4), expires_at=now + dt.timedelta(hours=8)).pk  # fmt: skip
    from oversight.accountability.models import AccountabilityRecord
    from oversight.disclosures.models import Disclosure
    from oversight.serious_cases.models import SeriousCase
    from oversight.summons.models import Summons

    bureau = User.objects.get(username="bureau_staff")
    summons = Summons.objects.create(school=alpha, year=2099, sequence=1, meeting_at=timezone.now(), place="x",
                                     summoned_posts=["校长"], interviewers="x", ack_due_at=timezone.now(),
                                     issued_by=bureau)  # fmt: skip
    record = AccountabilityRecord.objects.create(school=alpha, target="institution", measure="criticism", facts="x",
                                                 basis="x", decided_on=today, deciding_body="x", challenge_due_on=today,
                                                 recorded_by=bureau)  # fmt: skip
    # A published disclosure reports a closed case: another incident's, as an incident has one case.
    with tenant_context(alpha):
        closed = Incident.objects.create(code="ISO-002", source="teacher", occurred_at=timezone.now(), place="x",
                                         summary="x", created_by=admin)  # fmt: skip
    case = SeriousCase.objects.create(school=alpha, incident_id=closed.pk, case_code="ISO-002", occurred_on=today,
                                      first_known_at=timezone.now(), due_from=timezone.now(),
                                      report_due_at=timezone.now(), closed_on=today, facts_hash="x")  # fmt: skip
    disclosure = Disclosure.objects.create(serious_case=case, title="x", occurred_on=today, facts="x", measures="x",
                                           drafted_by=bureau, state="published", publish_at=timezone.now())  # fmt: skip
    ids.update(summons=summons.pk, accountability=record.pk, disclosure=disclosure.pk, school=alpha.pk)
    from oversight.onboarding.models import OnboardingJob

    ids["onboarding"] = OnboardingJob.objects.create(
        created_by=User.objects.get(username="bureau_admin"), file_name="学校名单.csv", content=b""
    ).pk
    return ids


def kwargs_for(name, ids):
    if name in ("report-phase", "report-compare"):
        return {"phase_pk": ids["phase"]}
    if name == "report-summary":
        return {"campaign_pk": ids["campaign"]}
    if name == "report-attachment":
        return {"pk": ids["report"], "attachment_pk": 1}
    if name == "api-school-phase-detail":
        return {"pk": ids["phase"]}
    if name in ("phase-new", "phase-monthly"):
        return {"pk": ids["campaign"]}
    if name == "dashboard-export":
        return {"chart": "severity"}
    if name in ("dashboard-school", "api-dashboard-school"):
        return {"slug": "alpha"}  # inspector_alpha's school
    if name in (
        "api-school-appeal-respond",
        "district-appeal-respond",
        "appeal-detail",
        "appeal-decide",
        "api-appeal-decide",
    ):
        return {"pk": ids["appeal"]}
    if name in ("serious-detail", "api-serious-case"):
        return {"pk": ids["serious"]}
    if name in (
        "api-school-break-glass-object",
        "audit-break-glass-object",
        "break-glass-approve",
        "break-glass-reject",
        "api-break-glass-accesses",
    ):
        return {"pk": ids["grant"]}
    if name == "api-break-glass-step":
        return {"pk": ids["grant"], "step": "reject"}
    if name == "break-glass-revoke":
        return {"pk": 1}  # only POST acts; the bureau's GET is sent back to the list
    if name == "visit-photo":
        return {"pk": ids["visit"], "photo_pk": ids["photo"]}
    if name in (
        "notice-item-recheck",
        "api-notice-item-detail",
        "api-notice-item-recheck",
        "school-notice-answer",
        "api-school-notice-item-detail",
        "api-school-notice-item-answer",
    ):
        return {"pk": ids["notice_item"]}
    if name in ("school-notice-detail", "school-notice-docx", "api-school-notice-detail"):
        return {"pk": ids["notice"]}
    if name in ("inspector-profile", "inspector-sign-photo", "api-inspector-profile"):
        return {"pk": ids["inspector"]}
    if name in ("checklist-remove", "checklist-edit"):
        return {"code": "notes"}
    if name == "password_reset_confirm":
        return {"uidb64": "MQ", "token": "set-password"}
    if name == "activity-evidence-file":
        return {"pk": ids["activity"], "evidence_pk": ids["evidence"]}
    if name == "governance-document-file":
        return {"pk": ids["document"]}
    if name == "chain-phase-report":
        return {"phase": ids["phase"], "school": ids["school"]}
    if name == "api-record-links":
        return {"kind": "summons", "pk": ids["summons"]}
    if name.startswith(("school-summons-", "api-school-summons")):
        return (
            {"pk": ids["summons"]} if name not in ("school-summons-list", "api-school-summons-list") else {}
        )
    if name in ("public-disclosure", "api-public-disclosure"):
        return {"pk": ids["disclosure"]}
    family = name.removeprefix("api-").split("-")[0]
    key = {"incident": "incident", "tip": "tip", "hazard": "hazard", "activity": "activity", "care": "care",
           "governance": "member" if "member" in name else "document" if "document" in name else "duty",
           "campaign": "campaign", "phase": "phase", "submission": "submission", "report": "report",
           "visit": "visit", "notice": "notice", "plan": "plan", "assignment": "assignment",
           "summons": "summons", "accountability": "accountability", "disclosure": "disclosure",
           "onboarding": "onboarding",
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
