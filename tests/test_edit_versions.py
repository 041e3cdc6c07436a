"""Every edit states the version it started from, through the API and the pages alike: without one
the API answers 428 and the page 400, each with a clear message, and nothing changes; a stale one
is 409; `If-Match` may carry the version instead of the body."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import CareEntry, Hazard, Incident
from tenants.models import School

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


def _post(client, path, data, **headers):
    return client.post(f"/api/v1/{path}", data, content_type="application/json", **headers)


def _incident(admin):
    occurred = (timezone.localtime() - dt.timedelta(days=1)).isoformat()
    return _post(admin, "incidents/", {"source": "teacher", "occurred_at": occurred, "place": "走廊",
                                       "summary": "推搡"}).json()  # fmt: skip


def _care(admin):
    return _post(admin, "care/", {"student_name": "张小明", "grade": "三年级", "class_name": "三年级1班",
                                  "signs": ["isolated"], "next_review_on": TODAY}).json()  # fmt: skip


def _hazard(admin):
    return _post(admin, "ledger/", {"found_on": TODAY, "place": "toilet", "risk_kind": "欺凌", "method": "talk",
                                    "found_by": "王老师", "description": "厕所有人索要财物", "responsible": "政教处",
                                    "deadline": TODAY}).json()  # fmt: skip


def test_an_api_edit_without_its_version_is_428_and_changes_nothing(admin, alpha):
    incident, entry, hazard = _incident(admin), _care(admin), _hazard(admin)
    edits = [
        (f"incidents/{incident['id']}/open/", {"opened_on": TODAY}),
        (f"care/{entry['id']}/edit/", {"student_name": "张小明", "grade": "三年级", "class_name": "三年级1班",
                                       "signs": ["dazed"], "next_review_on": TODAY}),
        (f"care/{entry['id']}/close/", {"closed_on": TODAY}),
        (f"ledger/{hazard['id']}/edit/", {"found_on": TODAY, "place": "dorm", "risk_kind": "欺凌", "method": "talk",
                                          "found_by": "王老师", "description": "改", "responsible": "政教处",
                                          "deadline": TODAY}),
        (f"ledger/{hazard['id']}/move/", {"status": "rectifying"}),
    ]  # fmt: skip
    for path, data in edits:
        response = _post(admin, path, data)
        assert response.status_code == 428, (path, response.content.decode())
        assert response.json()["code"] == "version_required"
        assert "版本号" in response.json()["message"]
    with tenant_context(alpha):
        assert Incident.objects.get(pk=incident["id"]).stage == "intake"
        assert CareEntry.objects.get(pk=entry["id"]).signs == ["isolated"]
        assert Hazard.objects.get(pk=hazard["id"]).place == "toilet"


def test_a_stale_version_is_409_and_if_match_carries_the_current_one(admin, alpha):
    incident = _incident(admin)
    stale = _post(
        admin, f"incidents/{incident['id']}/open/", {"opened_on": TODAY, "version": incident["version"] + 5}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    opened = _post(admin, f"incidents/{incident['id']}/open/", {"opened_on": TODAY},
                   HTTP_IF_MATCH=f'"{incident["version"]}"')  # fmt: skip
    assert opened.status_code == 200, opened.content.decode()
    assert opened.json()["stage"] == "investigating"


def test_a_page_form_without_its_version_is_400_with_the_reason_on_the_page(admin, alpha):
    incident, entry, hazard = _incident(admin), _care(admin), _hazard(admin)
    for path, data in (
        (f"/incidents/{incident['id']}/open/", {"opened_on": TODAY}),
        (f"/care/{entry['id']}/close/", {"closed_on": TODAY}),
        (f"/ledger/{hazard['id']}/status/", {"status": "rectifying"}),
    ):
        response = admin.post(path, data)
        assert response.status_code == 400, (path, response.status_code)
        assert "版本号" in response.content.decode(), path
    with tenant_context(alpha):
        assert Incident.objects.get(pk=incident["id"]).stage == "intake"
        assert CareEntry.objects.get(pk=entry["id"]).closed_on is None
        assert Hazard.objects.get(pk=hazard["id"]).status != "rectifying"
