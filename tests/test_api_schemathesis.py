"""schemathesis against our own OpenAPI schemas: every operation of the school API (as alpha's
admin, and anonymously) and of the district API (as bureau staff) gets a bounded number of
generated requests — valid and invalid ones — and every answer must be no 5xx and exactly what
the schema says (status code, content type, body shape, headers).

The app is called in-process through WSGI, in this thread, so every request runs inside the
test's transaction: whatever the generated POSTs create is rolled back with it."""

import datetime as dt
import json
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 8  # per operation, valid and invalid data together; derandomized, so every run sends the same
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
CONFIG = {
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # Examples and fuzzing only: the coverage phase is unbounded by max-examples, and stateful
    # runs chain many calls; both would blow the time budget of `make test`.
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "suppress-health-check": ["all"],
}


def load(urlconf: str):
    """The schema exactly as /api/schema/ serves it on that kind of site (see test_the_served_schema_is_the_one_tested)."""
    document = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(
        json.loads(json.dumps(document, default=str)), config=schemathesis.Config.from_dict(CONFIG)
    )


SCHOOL = load("district_portal.urls_school")
DISTRICT = load("district_portal.urls_district")


_handler = None


def application(environ, start_response):
    """Django, called in this thread. Like Django's test client, keep the request signals from
    closing the connection that holds the test's transaction."""
    global _handler
    if _handler is None:
        from django.core.handlers.wsgi import WSGIHandler

        _handler = WSGIHandler()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


RUNS: dict[str, Counter] = defaultdict(Counter)  # who → operation → examples
ANSWERS: dict[str, Counter] = defaultdict(Counter)  # who → status class (2xx, 4xx, …) → examples


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    if not RUNS:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        total_ops = total_examples = 0
        for who, counts in sorted(RUNS.items()):
            answers = ", ".join(f"{n} × {cls}" for cls, n in sorted(ANSWERS[who].items()))
            print(
                f"\nschemathesis {who}: {len(counts)} operations, {sum(counts.values())} examples ({answers})"
            )
            total_ops += len(counts)
            total_examples += sum(counts.values())
        print(f"schemathesis total: {total_ops} operations, {total_examples} examples run")


def token_for(username, slug):
    from api.models import ApiToken
    from tenants.models import School, User

    school = School.objects.get(slug=slug) if slug else None
    return ApiToken.issue(user=User.objects.get(username=username), school=school, name="schemathesis")[1]


def host(slug):
    return settings.DISTRICT_HOST if slug is None else f"{slug}.{settings.DISTRICT_HOST}"


def call(case, who, slug, token=None, samples=None):
    generated = (case.path_parameters or {}).get("id")
    sample = (samples or {}).get(case.operation.path.split("{id}")[0])
    if sample and isinstance(generated, int) and generated % 2 == 0:
        # Even ids go to an object that exists, so that the handlers and their answers are reached;
        # odd ones stay as generated (mostly no such object: the 404 path).
        case.path_parameters["id"] = sample
    headers = {"Authorization": f"Token {token}"} if token else {}
    RUNS[who][case.operation.label] += 1
    response = case.call_and_validate(
        base_url=f"http://{host(slug)}", app=application, headers=headers, checks=CHECKS
    )
    ANSWERS[who][f"{response.status_code // 100}xx"] += 1


@pytest.fixture
def samples(db):
    """One of everything, by the path its id goes under."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from schools.models import (
        Activity,
        CareEntry,
        GovernanceMember,
        Hazard,
        Incident,
        IncidentParty,
        ResponsibilityItem,
        SchoolDocument,
        Tip,
    )  # fmt: skip
    from tenants.models import School, User
    from tests.campaign_helpers import at, seed_campaign, submit

    today = timezone.localdate()
    campaign = seed_campaign()
    submission = submit("alpha", campaign.phases.get(order=1), at(dt.date(2022, 3, 1)))
    with tenant_context(School.objects.get(slug="alpha")):
        incident = Incident.objects.create(code="ST-001", source="teacher", occurred_at=timezone.now(), place="操场",
                                           summary="x", created_by=User.objects.get(username="alpha_admin"))  # fmt: skip
        IncidentParty.objects.create(incident=incident, student_name="某", grade="三年级", class_name="三年级1班",
                                     role="victim")  # fmt: skip
        return {
            "/api/v1/incidents/": incident.pk,
            "/api/v1/tips/": Tip.objects.create(receipt_hash="s" * 64, body="x").pk,
            "/api/v1/ledger/": Hazard.objects.create(found_on=today, place="toilet", risk_kind="x", method="talk",
                                                     found_by="x", description="x", responsible="x", deadline=today).pk,
            "/api/v1/activities/": Activity.objects.create(held_on=today, kind="lecture", title="x").pk,
            "/api/v1/governance/documents/": SchoolDocument.objects.create(
                kind="rules", title="制度", version_no=1,
                file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 sample", content_type="application/pdf")).pk,
            "/api/v1/governance/members/": GovernanceMember.objects.create(name="某", group_role="member").pk,
            "/api/v1/governance/duties/": ResponsibilityItem.objects.create(post="班主任", duty="x").pk,
            "/api/v1/care/": CareEntry.objects.create(student_name="某", grade="三年级", class_name="三年级1班",
                                                      signs=["dazed"], next_review_on=today).pk,
            "/api/v1/reports/": submission.report_id,
            "/api/v1/campaigns/": campaign.pk,
            "/api/v1/submissions/": submission.pk,
        }  # fmt: skip


@pytest.fixture
def alpha_admin_token(db):
    return token_for("alpha_admin", "alpha")


@pytest.fixture
def bureau_staff_token(db):
    return token_for("bureau_staff", None)


@pytest.mark.django_db
@SCHOOL.parametrize()
def test_school_api_as_alpha_admin(case, alpha_admin_token, samples):
    call(case, "school API as alpha_admin", "alpha", alpha_admin_token, samples)


@pytest.mark.django_db
@SCHOOL.parametrize()
def test_school_api_anonymously(case):
    call(case, "school API anonymously", "alpha")


@pytest.mark.django_db
@DISTRICT.parametrize()
def test_district_api_as_bureau_staff(case, bureau_staff_token, samples):
    call(case, "district API as bureau_staff", None, bureau_staff_token, samples)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["alpha", None])
def test_the_served_schema_is_the_one_tested(client, slug):
    served = client.get("/api/schema/?format=json", HTTP_HOST=host(slug)).json()
    assert served == (SCHOOL if slug else DISTRICT).raw_schema


# --- what schemathesis found, pinned down ----------------------------------------------------


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and body["message"] and body["errors"] == {}, body


@pytest.mark.django_db
@pytest.mark.parametrize("slug, path", [
    ("alpha", "/api/v1/ledger/1.5/"),  # not an id the router takes
    ("alpha", "/api/v1/no-such-thing/"),
    (None, "/api/v1/campaigns/x.y/progress/"),
    (None, "/api/"),
])  # fmt: skip
def test_an_unknown_api_path_is_a_json_404(client_for, slug, path):
    assert_error_shape(client_for(None, slug).get(path), 404, "not_found")


@pytest.mark.django_db
def test_a_missing_object_is_a_404_in_the_error_shape(client_for):
    admin = client_for("alpha_admin", "alpha")
    response = admin.get("/api/v1/ledger/999999/")  # get_object_or_404 raises Django's Http404
    assert_error_shape(response, 404, "not_found")
    assert "Hazard" not in response.json()["message"]  # not Django's "No Hazard matches the given query."
    assert_error_shape(admin.post("/api/v1/incidents/999999/void/", {"reason": "x"}), 404, "not_found")


@pytest.mark.django_db
def test_date_times_are_rfc_3339_and_dates_before_2000_are_refused(client_for):
    """An incident of 1831 is a typing slip: refused with a clear message (it used to be stored)."""
    admin = client_for("alpha_admin", "alpha")
    response = admin.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": "1831-11-19T06:30:40Z",
                                                 "place": "操场", "summary": "x"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["occurred_at"] == ["发生时间不能早于 2000-01-01。"]
    recent = admin.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": "2024-05-06T07:08:09Z",
                                               "place": "操场", "summary": "x"})  # fmt: skip
    assert recent.json()["occurred_at"] == "2024-05-06T15:08:09+08:00"  # local time, as before


@pytest.mark.django_db
def test_the_published_contacts_are_one_object(client_for):
    body = client_for("alpha_admin", "alpha").get("/api/v1/governance/published/").json()
    assert set(body) == {"principal", "legal_vice_principal", "hotline", "mailbox"}
    operation = SCHOOL.raw_schema["paths"]["/api/v1/governance/published/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublishedIn"
    }
