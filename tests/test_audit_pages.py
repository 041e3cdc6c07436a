"""Audit log pages: the district sees who did what and when on the district layer; each school sees
its own log, every change as old → new. Read-only, filterable, paginated, exportable to XLSX."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.actions import ledger
from schools.models import AuditEvent as SchoolAuditEvent
from schools.models import Hazard
from tenants import audit
from tenants.models import AuditEvent, School, User

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


def rows(body: str) -> int:
    return body.count('class="audit-event"')


# --- the district ---------------------------------------------------------------------------


def test_the_district_audit_page_lists_a_school_creation_event(client_for, alpha):
    page = client_for("bureau_staff").get("/audit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "区级审计日志" in body and "开通学校" in body and "阿尔法小学" in body
    assert "3299000001" in body  # the school's code, from the creation's recorded fields


def test_the_district_audit_page_filters_by_action_actor_school_and_dates(client_for, alpha):
    beta = School.objects.get(slug="beta")
    staff = User.objects.get(username="bureau_staff")
    audit.record(
        actor=staff, action="phase.extension_granted", obj=beta, school=beta, changes={"due_on": "2030-01-01"}
    )
    client = client_for("bureau_admin")

    body = client.get("/audit/", {"action": "school.created", "school": alpha.pk}).content.decode()
    assert rows(body) == 1 and "阿尔法小学" in body

    body = client.get("/audit/", {"actor": staff.pk}).content.decode()
    assert rows(body) == 1 and "批准延期" in body and "2030-01-01" in body

    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert rows(client.get("/audit/", {"since": tomorrow}).content.decode()) == 0
    assert rows(client.get("/audit/", {"until": TODAY.isoformat(), "school": beta.pk}).content.decode()) == 2

    wrong = client.get("/audit/", {"since": tomorrow, "until": TODAY.isoformat()}).content.decode()
    assert "起始日期不能晚于截止日期" in wrong


def test_the_district_audit_page_is_paginated(client_for, alpha):
    staff = User.objects.get(username="bureau_staff")
    for number in range(60):
        audit.record(actor=staff, action="campaign.created", obj=alpha, changes={"name": f"行动{number}"})
    client = client_for("bureau_staff")
    first = client.get("/audit/", {"action": "campaign.created"}).content.decode()
    second = client.get("/audit/", {"action": "campaign.created", "page": 2}).content.decode()
    assert rows(first) == 50 and rows(second) == 10
    assert "第 1 / 2 页，共 60 条" in first
    assert "action=campaign.created&amp;page=2" in first  # filters survive paging


@pytest.mark.parametrize("username", ["inspector_alpha", "alpha_admin", None])
def test_only_the_bureau_reads_the_district_audit_log(client_for, username):
    for path in ("/audit/", "/audit/export.xlsx"):
        response = client_for(username).get(path)
        assert response.status_code in (302, 403)
        assert "开通学校" not in response.content.decode()


def test_the_district_audit_log_exports_to_xlsx(client_for, alpha):
    response = client_for("bureau_staff").get("/audit/export.xlsx", {"action": "school.created"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert any(row[2] == "阿尔法小学" and row[3] == "开通学校" for row in values)
    assert all(row[3] == "开通学校" for row in values)


# --- a school ---------------------------------------------------------------------------------


def _edited_hazard(alpha) -> Hazard:
    admin = User.objects.get(username="alpha_admin")
    with tenant_context(alpha):
        hazard = ledger.record_hazard(
            acting_user=admin, found_on=TODAY, place="toilet", risk_kind="监控盲区", method="site_check",
            found_by="政教处", description="北楼厕所外无监控", responsible="王老师", deadline=TODAY + dt.timedelta(days=10),
        )  # fmt: skip
        return ledger.edit_hazard(acting_user=admin, hazard=hazard, expected_version=1, responsible="李主任")


def test_the_school_audit_page_shows_old_and_new_values_of_an_edit(client_for, alpha):
    hazard = _edited_hazard(alpha)
    page = client_for("alpha_admin", "alpha").get("/audit/", {"action": "hazard.edited"})
    assert page.status_code == 200
    body = page.content.decode()
    assert rows(body) == 1
    assert "责任人" in body and "王老师</span> → 李主任" in body
    assert f'href="/ledger/{hazard.pk}/"' in body and "alpha_admin" in body


def test_the_school_audit_page_is_for_the_school_admin_only(client_for, alpha):
    _edited_hazard(alpha)
    for username, slug in (("alpha_gate", "alpha"), ("beta_admin", "alpha"), ("alpha_moral", "alpha"),
                           ("bureau_staff", "alpha"), ("inspector_alpha", "alpha")):  # fmt: skip
        for path in ("/audit/", "/audit/export.xlsx"):
            response = client_for(username, slug).get(path)
            assert response.status_code == 403, (username, path)
            assert "李主任" not in response.content.decode()


def test_a_school_sees_only_its_own_log(client_for, alpha):
    _edited_hazard(alpha)
    beta = client_for("beta_admin", "beta").get("/audit/")
    assert beta.status_code == 200 and "李主任" not in beta.content.decode()


def test_the_school_audit_log_exports_to_xlsx_and_filters_by_date(client_for, alpha):
    _edited_hazard(alpha)
    client = client_for("alpha_admin", "alpha")
    response = client.get("/audit/export.xlsx", {"action": "hazard.edited"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == 1 and "责任人：王老师 → 李主任" in values[0][4]
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert rows(client.get("/audit/", {"until": yesterday, "action": "hazard.edited"}).content.decode()) == 0


def test_audit_records_cannot_be_changed(alpha):
    _edited_hazard(alpha)
    from django.core.exceptions import ValidationError

    with tenant_context(alpha):
        event = SchoolAuditEvent.objects.first()
        with pytest.raises(ValidationError):
            event.save()
    with pytest.raises(ValidationError):
        AuditEvent.objects.first().save()


def test_the_audit_logs_are_in_the_api_for_the_right_people(client_for):
    district = client_for("bureau_staff").get("/api/v1/audit/?action=school.created")
    assert district.status_code == 200
    assert district.json()["count"] >= 3  # the session's schools were created through the action
    assert client_for("inspector_alpha").get("/api/v1/audit/").status_code == 403
    admin = client_for("alpha_admin", "alpha")
    admin.post("/api/v1/incidents/", {"source": "teacher", "occurred_at": "2026-01-05T10:00:00+08:00",
                                      "place": "操场", "summary": "推搡"}, content_type="application/json")  # fmt: skip
    school = admin.get("/api/v1/audit/?action=incident.recorded").json()
    assert school["count"] == 1 and school["results"][0]["actor"] == "alpha_admin"
    assert client_for("alpha_gate", "alpha").get("/api/v1/audit/").status_code == 403
