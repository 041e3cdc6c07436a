"""Idempotency keys: a retry with the same key and body gets the first answer, the same key with
another body is refused (422, translated), and the answers to a school's requests never go into
the public schema — they stay in the school's own schema and expire after a set time."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import IdempotencyRecord, Incident
from tenants.models import School
from tests.campaign_helpers import SEED_004, at, seed_campaign, server_clock

pytestmark = pytest.mark.django_db

PUPIL = "欧阳小灵"


def _ago(days):
    return (timezone.localtime() - dt.timedelta(days=days)).isoformat()


def _public_rows_mentioning(text: str) -> list[str]:
    """Every table of the public schema whose rows, as text, contain `text` (bytea included)."""
    connection.set_schema_to_public()
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        encoded = text.encode().hex()
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM public."{table}" t WHERE t::text LIKE %s OR t::text LIKE %s',
                [f"%{text}%", f"%{encoded}%"],
            )
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_a_pupils_name_in_school_posts_sent_with_a_key_is_nowhere_in_the_public_schema(client_for):
    admin = client_for("alpha_admin", "alpha")
    today = timezone.localdate().isoformat()

    def post(path, data, key):
        response = admin.post(
            f"/api/v1/{path}", data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code in (200, 201), (path, response.content.decode()[:500])
        return response.json()

    report = {"source": "teacher", "occurred_at": _ago(1), "place": "走廊", "summary": f"{PUPIL}在走廊被推搡。",
              "reporter": PUPIL}  # fmt: skip
    incident = post("incidents/", report, "k-incident")
    post(f"incidents/{incident['id']}/parties/", {"student_name": PUPIL, "grade": "三年级",
                                                  "class_name": "三年级1班", "role": "victim"}, "k-party")  # fmt: skip
    entry = post("care/", {"student_name": PUPIL, "grade": "三年级", "class_name": "三年级1班",
                           "signs": ["isolated"], "next_review_on": today, "notes": f"{PUPIL}近来情绪低落"}, "k-care")  # fmt: skip
    post(
        f"care/{entry['id']}/talks/",
        {"held_on": today, "talked_by": "班主任", "outcome": f"与{PUPIL}谈心"},
        "k-talk",
    )
    post("ledger/", {"found_on": today, "place": "toilet", "risk_kind": "欺凌", "method": "talk",
                     "found_by": PUPIL, "description": f"{PUPIL}反映厕所有人索要财物", "measure": "",
                     "responsible": "政教处", "deadline": today}, "k-hazard")  # fmt: skip
    post("activities/", {"held_on": today, "kind": "class_meeting", "title": f"{PUPIL}班主题班会",
                         "notes": PUPIL}, "k-activity")  # fmt: skip

    # A phase report's narrative sections, through start and save, each with its key.
    campaign = seed_campaign()
    phase = campaign.phases.get(order=1)
    with server_clock(at(SEED_004[0][3])):
        draft = post("reports/", {"phase": phase.pk}, "k-report")
        post(f"reports/{draft['id']}/save/", {"sections": {"work": f"对{PUPIL}开展了心理辅导。"},
                                              "version": draft["version"]}, "k-report-save")  # fmt: skip

    assert _public_rows_mentioning(PUPIL) == []
    with tenant_context(School.objects.get(slug="alpha")):
        # The records are the school's own, and a retry still gets the first answer back.
        assert IdempotencyRecord.objects.filter(key="k-incident").exists()
        assert Incident.objects.filter(summary__contains=PUPIL).count() == 1
    again = admin.post(
        "/api/v1/incidents/", report, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-incident"
    )
    assert again["Idempotent-Replay"] == "true" and again.json()["id"] == incident["id"]


def test_the_same_key_with_another_body_is_refused_with_a_translated_message(client_for):
    admin = client_for("alpha_admin", "alpha")
    data = {"source": "teacher", "occurred_at": _ago(1), "place": "走廊", "summary": "推搡"}
    first = admin.post(
        "/api/v1/incidents/", data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert first.status_code == 201
    changed = admin.post("/api/v1/incidents/", {**data, "summary": "辱骂"}, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="same")  # fmt: skip
    assert changed.status_code == 422
    assert "内容不同" in changed.json()["message"]
    english = admin.post("/api/v1/incidents/", {**data, "summary": "辱骂"}, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="same", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert english.status_code == 422
    with tenant_context(School.objects.get(slug="alpha")):
        assert not Incident.objects.filter(summary="辱骂").exists()


@override_settings(IDEMPOTENCY_TTL_HOURS=24)
def test_keys_expire_after_the_set_time(client_for):
    admin = client_for("alpha_admin", "alpha")
    data = {"source": "teacher", "occurred_at": _ago(1), "place": "走廊", "summary": "推搡"}
    first = admin.post(
        "/api/v1/incidents/", data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="old"
    )
    alpha = School.objects.get(slug="alpha")
    with tenant_context(alpha):
        IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    later = admin.post(
        "/api/v1/incidents/", data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="old"
    )
    assert later.status_code == 201 and "Idempotent-Replay" not in later
    assert later.json()["id"] != first.json()["id"]
    with tenant_context(alpha):
        assert IdempotencyRecord.objects.filter(key="old").count() == 1
