"""Break-glass access: a district user reads one serious case of one school — names included — only
under a reason-stated, expiring, revocable grant; read-only; every view logged; the school sees it all."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from oversight import break_glass
from oversight.models import BreakGlassAccess, BreakGlassGrant, DistrictSettings
from schools.models import AuditEvent as SchoolAuditEvent
from schools.models import Incident, IncidentParty, Notice
from tenants.models import AuditEvent, School, User

pytestmark = pytest.mark.django_db

REASON = "家长向区教育局投诉学校处置不当，需核实调查认定过程。"


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


def make_incident(school, code, *, severity="serious", name="王小明"):
    today = timezone.localdate()
    with tenant_context(school):
        incident = Incident.objects.create(
            code=code, source="teacher", occurred_at=timezone.now() - dt.timedelta(days=3), place="宿舍",
            summary="多人围殴一名学生。", stage="determined", determination="bullying", kinds=["physical"],
            severity=severity, determined_on=today,
        )  # fmt: skip
        IncidentParty.objects.create(incident=incident, student_name=name, grade="五年级", class_name="五年级2班",
                                     role="victim")  # fmt: skip
    return incident


@pytest.fixture
def serious(alpha):
    return make_incident(alpha, "BG-001")


@pytest.fixture
def other(alpha):
    return make_incident(alpha, "BG-002", name="李小红")


def ask(client, school, code, reason=REASON):
    return client.post("/break-glass/new/", {"school": school.pk, "incident_code": code, "reason": reason})


def open_grant(username, school, code, reason=REASON) -> BreakGlassGrant:
    """Asked for by `username` and approved by the other bureau user."""
    grant = break_glass.open_grant(
        acting_user=User.objects.get(username=username), school=school, incident_code=code, reason=reason
    )
    approver = "bureau_admin" if username != "bureau_admin" else "bureau_staff"
    return break_glass.approve_grant(acting_user=User.objects.get(username=approver), grant=grant)


def test_a_grant_on_a_serious_case_lets_bureau_staff_read_its_names_and_logs_each_view(
    client_for, alpha, serious
):
    district = client_for("bureau_staff")
    response = ask(district, alpha, "BG-001")
    assert response.status_code == 302
    grant = BreakGlassGrant.objects.get(grantee__username="bureau_staff")
    assert grant.state == "requested" and not grant.is_active()
    # Not open until a second bureau user approves; the one who asked cannot.
    assert client_for("bureau_staff", "alpha").get(f"/incidents/{serious.pk}/").status_code == 403
    district.post(f"/break-glass/{grant.pk}/approve/")
    grant.refresh_from_db()
    assert grant.state == "requested"
    assert client_for("bureau_admin").post(f"/break-glass/{grant.pk}/approve/").status_code == 302
    grant.refresh_from_db()
    assert grant.state == "approved" and grant.decided_by.username == "bureau_admin"
    assert (grant.school, grant.incident_id, grant.incident_code) == (alpha, serious.pk, "BG-001")
    assert grant.expires_at - grant.starts_at == pytest.approx(
        dt.timedelta(hours=72), abs=dt.timedelta(seconds=5)
    )

    # The district's list links to the incident on the school's own site.
    listing = district.get("/break-glass/").content.decode()
    assert grant.incident_url() in listing and "alpha.localhost" in grant.incident_url()

    school_site = client_for("bureau_staff", "alpha")
    for _ in range(2):
        page = school_site.get(f"/incidents/{serious.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "王小明" in body and "紧急调阅（只读）" in body
        assert f'action="/incidents/{serious.pk}/close/"' not in body  # no forms under a grant
    accesses = list(grant.accesses.order_by("id"))
    assert [a.path for a in accesses] == [f"/incidents/{serious.pk}/"] * 2

    event = AuditEvent.objects.get(action="break_glass.requested", object_id=str(grant.pk))
    assert (event.actor.username, event.school, event.changes["incident_code"]) == (
        "bureau_staff",
        alpha,
        "BG-001",
    )
    with tenant_context(alpha):
        assert SchoolAuditEvent.objects.filter(
            action="break_glass.requested", object_id=str(grant.pk)
        ).exists()
        assert SchoolAuditEvent.objects.filter(
            action="break_glass.approved", object_id=str(grant.pk)
        ).exists()
        admin = User.objects.get(username="alpha_admin")
        assert Notice.objects.filter(recipient=admin, title__contains="BG-001").exists()


def test_a_grant_for_a_case_that_is_not_serious_is_refused(client_for, alpha):
    make_incident(alpha, "BG-010", severity="minor")
    response = ask(client_for("bureau_staff"), alpha, "BG-010")
    assert response.status_code == 400
    assert "只有认定为严重欺凌" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    make_incident(alpha, "BG-011", severity="repeated")
    with tenant_context(alpha):  # not yet determined
        Incident.objects.create(
            code="BG-012", source="teacher", occurred_at=timezone.now(), place="x", summary="x"
        )
    for code in ("BG-011", "BG-012"):
        with pytest.raises(ValidationError, match="只有认定为严重欺凌"):
            open_grant("bureau_staff", alpha, code)


def test_an_unknown_or_voided_incident_is_refused(client_for, alpha, serious):
    response = ask(client_for("bureau_staff"), alpha, "NO-SUCH")
    assert response.status_code == 400 and "没有编号为“NO-SUCH”的事件" in response.content.decode()
    with tenant_context(alpha):
        Incident.objects.filter(pk=serious.pk).update(voided_at=timezone.now(), voided_reason="误报")
    response = ask(client_for("bureau_staff"), alpha, "BG-001")
    assert response.status_code == 400 and "已作废" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "看一下"])
def test_no_reason_or_a_too_short_one_is_refused(client_for, alpha, serious, reason):
    response = ask(client_for("bureau_staff"), alpha, "BG-001", reason=reason)
    assert response.status_code == 400
    assert "请说明调阅理由" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="break_glass.").exists()


def test_inspectors_and_school_users_cannot_open_grants(client_for, alpha, serious):
    assert ask(client_for("inspector_alpha"), alpha, "BG-001").status_code == 403
    assert ask(client_for("alpha_admin"), alpha, "BG-001").status_code == 403
    with pytest.raises(ValidationError):
        open_grant("inspector_alpha", alpha, "BG-001")
    assert not BreakGlassGrant.objects.exists()


def test_without_a_grant_the_district_gets_403_on_the_incident(client_for, serious):
    for username in ("bureau_staff", "bureau_admin", "inspector_alpha"):
        assert client_for(username, "alpha").get(f"/incidents/{serious.pk}/").status_code == 403
    assert not BreakGlassAccess.objects.exists()


def test_an_expired_grant_gets_403(client_for, alpha, serious):
    grant = open_grant("bureau_staff", alpha, "BG-001")
    BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client_for("bureau_staff", "alpha").get(f"/incidents/{serious.pk}/").status_code == 403
    assert not grant.accesses.exists()


def test_a_revoked_grant_gets_403(client_for, alpha, serious):
    grant = open_grant("bureau_staff", alpha, "BG-001")
    school_site = client_for("bureau_staff", "alpha")
    assert school_site.get(f"/incidents/{serious.pk}/").status_code == 200
    assert client_for("bureau_staff").post(f"/break-glass/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by.username == "bureau_staff"
    assert AuditEvent.objects.filter(action="break_glass.revoked", object_id=str(grant.pk)).exists()
    assert school_site.get(f"/incidents/{serious.pk}/").status_code == 403
    assert grant.accesses.count() == 1


def test_only_the_grantee_or_a_bureau_admin_may_revoke(alpha, serious):
    grant = open_grant("bureau_admin", alpha, "BG-001")
    with pytest.raises(ValidationError):
        break_glass.revoke_grant(acting_user=User.objects.get(username="bureau_staff"), grant=grant)
    mine = open_grant("bureau_staff", alpha, "BG-001")
    break_glass.revoke_grant(acting_user=User.objects.get(username="bureau_admin"), grant=mine)
    mine.refresh_from_db()
    assert mine.revoked_by.username == "bureau_admin"
    with pytest.raises(ValidationError):
        break_glass.revoke_grant(acting_user=User.objects.get(username="bureau_admin"), grant=mine)


def test_a_grant_for_incident_a_opens_neither_incident_b_nor_any_other_page(
    client_for, alpha, serious, other
):
    open_grant("bureau_staff", alpha, "BG-001")
    school_site = client_for("bureau_staff", "alpha")
    assert school_site.get(f"/incidents/{serious.pk}/").status_code == 200
    refused = [f"/incidents/{other.pk}/", "/incidents/", "/", "/care/", "/tips/", "/ledger/", "/audit/",
               "/audit/break-glass/", f"/api/v1/incidents/{serious.pk}/", "/incidents/new/"]  # fmt: skip
    for path in refused:
        response = school_site.get(path)
        assert response.status_code in (403, 404) and response.status_code != 200, path
        assert "李小红" not in response.content.decode()
    # Nor the same incident id in another school.
    assert client_for("bureau_staff", "beta").get(f"/incidents/{serious.pk}/").status_code == 403
    assert BreakGlassAccess.objects.count() == 1


def test_a_post_under_a_grant_is_refused_and_changes_nothing(client_for, alpha, serious):
    open_grant("bureau_staff", alpha, "BG-001")
    school_site = client_for("bureau_staff", "alpha")
    steps = {"": {}, "close/": {"closing_summary": "结案", "version": 1}, "void/": {"voided_reason": "x"},
             "parties/": {"student_name": "某", "grade": "五年级", "class_name": "1班", "role": "victim"}}  # fmt: skip
    for step, data in steps.items():
        response = school_site.post(f"/incidents/{serious.pk}/{step}", data)
        assert response.status_code == 403, step
    with tenant_context(alpha):
        incident = Incident.objects.get(pk=serious.pk)
        assert (incident.stage, incident.voided_at, incident.parties.count()) == ("determined", None, 1)
    assert not BreakGlassAccess.objects.exists()


def test_one_active_grant_per_incident_and_the_expiry_is_a_district_setting(alpha, serious):
    settings_row = DistrictSettings.current()
    settings_row.break_glass_hours = 24
    settings_row.save()
    grant = open_grant("bureau_staff", alpha, "BG-001")
    assert grant.expires_at - grant.starts_at == pytest.approx(
        dt.timedelta(hours=24), abs=dt.timedelta(seconds=5)
    )
    with pytest.raises(ValidationError, match="有效调阅授权"):
        open_grant("bureau_staff", alpha, "BG-001")


def test_the_school_admin_sees_the_grant_and_its_log(client_for, alpha, serious):
    grant = open_grant("bureau_staff", alpha, "BG-001")
    client_for("bureau_staff", "alpha").get(f"/incidents/{serious.pk}/")
    page = client_for("alpha_admin", "alpha").get("/audit/break-glass/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "BG-001" in body and REASON in body and "bureau_staff" in body
    assert f"/incidents/{serious.pk}/" in body and "查看记录（1 次）" in body
    assert timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M") in body
    # The grant also stands in the school's own audit log.
    log = client_for("alpha_admin", "alpha").get("/audit/").content.decode()
    assert "区教育局开启紧急调阅" in log and REASON in log


def test_other_schools_and_other_staff_do_not_see_the_break_glass_record(client_for, alpha, serious):
    open_grant("bureau_staff", alpha, "BG-001")
    assert client_for("alpha_gate", "alpha").get("/audit/break-glass/").status_code == 403
    assert client_for("alpha_moral", "alpha").get("/audit/break-glass/").status_code == 403
    beta = client_for("beta_admin", "beta").get("/audit/break-glass/")
    assert beta.status_code == 200 and "BG-001" not in beta.content.decode()


def test_in_school_notice_mode_the_school_is_told_at_once_and_may_object_before_the_delay_ends(
    client_for, alpha, serious
):
    from tests.campaign_helpers import server_clock

    settings_row = DistrictSettings.current()
    settings_row.break_glass_mode, settings_row.break_glass_delay_hours = "school_notice", 4
    settings_row.save()
    asked = timezone.now()
    with server_clock(asked):
        grant = break_glass.open_grant(acting_user=User.objects.get(username="bureau_staff"), school=alpha,
                                       incident_code="BG-001", reason=REASON)  # fmt: skip
    assert grant.state == "delayed" and grant.starts_at == asked + dt.timedelta(hours=4)
    with tenant_context(alpha):
        assert Notice.objects.filter(title__contains="可提出异议").exists()
    # Before the delay: closed; after it, open with no write in between.
    assert not grant.is_active(asked + dt.timedelta(hours=3, minutes=59))
    assert grant.is_active(asked + dt.timedelta(hours=4, minutes=1))
    school = client_for("alpha_admin", "alpha")
    assert "提出异议" in school.get("/audit/break-glass/").content.decode()
    short = school.post(
        f"/api/v1/break-glass/{grant.pk}/object/", {"reason": "不同意"}, content_type="application/json"
    )
    assert short.status_code == 400
    objected = school.post(f"/api/v1/break-glass/{grant.pk}/object/", {"reason": "该事件已由公安机关处理，学校已如实上报。"},
                           content_type="application/json")  # fmt: skip
    assert objected.status_code == 200 and objected.json()["state"] == "objected"
    grant.refresh_from_db()
    assert not grant.is_active(asked + dt.timedelta(hours=5))


def test_break_glass_through_the_api_needs_a_second_approver_and_shows_the_access_log(
    client_for, alpha, serious
):
    staff, admin = client_for("bureau_staff"), client_for("bureau_admin")
    made = staff.post("/api/v1/break-glass/", {"school": alpha.pk, "incident_code": "BG-001", "reason": REASON},
                      content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["state"] == "requested" and not made.json()["active"]
    pk = made.json()["id"]
    own = staff.post(f"/api/v1/break-glass/{pk}/approve/", {}, content_type="application/json")
    assert own.status_code == 400 and "另一名" in own.json()["message"]
    approved = admin.post(f"/api/v1/break-glass/{pk}/approve/", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["active"]
    client_for("bureau_staff", "alpha").get(f"/incidents/{serious.pk}/")
    log = staff.get(f"/api/v1/break-glass/{pk}/accesses/").json()
    assert [entry["path"] for entry in log] == [f"/incidents/{serious.pk}/"]
    school = client_for("alpha_admin", "alpha").get("/api/v1/break-glass/").json()
    assert school[0]["id"] == pk and school[0]["accesses"][0]["path"] == f"/incidents/{serious.pk}/"
    assert client_for("beta_admin", "beta").get("/api/v1/break-glass/").json() == []
