"""The hazard ledger and activities through the API."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def admin(client_for):
    client = client_for("alpha_admin", "alpha")
    client.json_post = lambda path, data: client.post(
        f"/api/v1/{path}", data, content_type="application/json"
    )
    return client


def hazard(**overrides):
    return {"found_on": TODAY.isoformat(), "place": "toilet", "risk_kind": "监控盲区", "method": "site_check",
            "found_by": "政教处", "description": "二楼厕所无监控", "responsible": "总务处",
            "deadline": (TODAY + dt.timedelta(days=14)).isoformat(), **overrides}  # fmt: skip


def test_a_hazard_moves_through_its_statuses_and_refuses_bad_input(admin, client_for):
    early = hazard(deadline=(TODAY - dt.timedelta(days=1)).isoformat())
    assert admin.json_post("ledger/", early).status_code == 400
    created = admin.json_post("ledger/", hazard())
    assert created.status_code == 201
    hid = created.json()["id"]

    def version():
        return admin.get(f"/api/v1/ledger/{hid}/").json()["version"]

    skipped = admin.json_post(f"ledger/{hid}/move/", {"status": "verified", "version": version()})
    assert skipped.status_code == 400
    moved = admin.json_post(f"ledger/{hid}/move/", {"status": "rectifying", "version": version()})
    assert moved.json()["status"] == "rectifying"
    fixed = admin.json_post(f"ledger/{hid}/move/", {"status": "fixed", "fixed_on": TODAY.isoformat(),
                                                    "version": version()})  # fmt: skip
    assert fixed.status_code == 200 and fixed.json()["status"] == "fixed"
    assert (
        client_for("alpha_gate", "alpha").post(f"/api/v1/ledger/{hid}/void/", {"reason": "x"}).status_code
        == 403
    )
    assert client_for("alpha_gate", "alpha").get(f"/api/v1/ledger/{hid}/").status_code == 200


def test_an_activity_takes_evidence_of_the_allowed_kinds_only(admin):
    created = admin.json_post("activities/", {"held_on": TODAY.isoformat(), "kind": "class_meeting",
                                              "title": "主题班会", "audience": "三年级1班", "participants": 40})  # fmt: skip
    assert created.status_code == 201
    aid = created.json()["id"]
    ok = admin.post(
        f"/api/v1/activities/{aid}/evidence/",
        {"file": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nxx")},
    )
    assert ok.status_code == 201 and len(ok.json()["evidence"]) == 1
    bad = admin.post(f"/api/v1/activities/{aid}/evidence/", {"file": SimpleUploadedFile("a.exe", b"MZ")})
    assert bad.status_code == 400
    future = admin.json_post("activities/", {"held_on": (TODAY + dt.timedelta(days=3)).isoformat(),
                                             "kind": "lecture", "title": "x"})  # fmt: skip
    assert future.status_code == 400
    stale = admin.json_post(f"activities/{aid}/edit/", {"held_on": TODAY.isoformat(), "kind": "class_meeting",
                                                        "title": "改", "version": 0})  # fmt: skip
    assert stale.status_code == 409
