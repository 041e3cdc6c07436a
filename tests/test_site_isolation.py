"""No one sees what is not theirs: school sites, the district site and unknown hosts."""

import pytest

pytestmark = pytest.mark.django_db

SCHOOL_PAGES = ["/", "/api/v1/me/"]


@pytest.mark.parametrize("path", SCHOOL_PAGES)
def test_a_school_admin_reaches_their_own_school(client_for, path):
    assert client_for("alpha_admin", "alpha").get(path).status_code == 200


@pytest.mark.parametrize("path", SCHOOL_PAGES)
@pytest.mark.parametrize("username", ["alpha_admin", "alpha_gate", "alpha_head_teacher"])
def test_a_user_of_school_a_gets_403_on_every_school_b_page(client_for, username, path):
    response = client_for(username, "beta").get(path)
    assert response.status_code == 403


def test_the_403_page_says_why_in_chinese(client_for):
    response = client_for("alpha_admin", "beta").get("/")
    assert "您不是本校成员" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client_for):
    response = client_for(None, "alpha").get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_an_unknown_host_gets_a_clear_404_and_no_school_data(client_for):
    response = client_for("alpha_admin", "nosuchschool").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该站点" in body
    assert "阿尔法小学" not in body


def test_a_host_outside_the_district_gets_404(client):
    assert client.get("/", HTTP_HOST="evil.example.com").status_code == 404


def test_a_suspended_school_says_so(client_for):
    response = client_for(None, "gamma").get("/accounts/login/")
    assert response.status_code == 503
    assert "已暂停使用" in response.content.decode()


def test_an_inspector_reaches_only_assigned_schools(client_for):
    assert client_for("inspector_alpha", "alpha").get("/").status_code == 200
    assert client_for("inspector_alpha", "beta").get("/").status_code == 403
    assert client_for("inspector_beta", "beta").get("/").status_code == 200


def test_an_inspector_cannot_use_member_only_views(client_for):
    # /api/v1/me/ is for the school's own staff; assignment does not make an inspector staff.
    assert client_for("inspector_alpha", "alpha").get("/api/v1/me/").status_code == 403


def test_an_inspector_whose_assignment_ended_is_refused(client_for):
    import datetime as dt

    from inspections.models import InspectorAssignment

    InspectorAssignment.objects.filter(inspector__username="inspector_alpha").update(
        ends_on=dt.date(2021, 1, 1)
    )
    assert client_for("inspector_alpha", "alpha").get("/").status_code == 403


@pytest.mark.parametrize("username", ["bureau_admin", "bureau_staff", "inspector_alpha"])
def test_district_roles_reach_the_district_site(client_for, username):
    assert client_for(username).get("/").status_code == 200


def test_school_users_get_403_on_the_district_site(client_for):
    assert client_for("alpha_admin").get("/").status_code == 403
    assert client_for("alpha_admin").get("/api/v1/schools/").status_code == 403


def test_district_staff_are_not_members_of_schools(client_for):
    # Without a break-glass grant the district sees figures, not a school's own site.
    assert client_for("bureau_admin", "alpha").get("/").status_code == 403


def test_the_district_api_lists_schools_for_the_bureau(client_for):
    response = client_for("bureau_staff").get("/api/v1/schools/")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert {"阿尔法小学", "贝塔中学"} <= names


def test_the_django_admin_is_only_for_bureau_admins(client_for):
    from tenants.models import User

    User.objects.filter(username__in=["bureau_admin", "bureau_staff"]).update(is_staff=True)
    assert client_for("bureau_staff").get("/admin/").status_code == 403
    assert client_for("bureau_admin").get("/admin/").status_code == 200
    assert client_for("alpha_admin", "alpha").get("/admin/").status_code == 404


def test_the_public_notice_page_of_a_school_needs_no_login(client_for):
    response = client_for(None, "alpha").get("/gongshi/")
    assert response.status_code == 200
    assert "防治学生欺凌工作公示" in response.content.decode()


def test_login_works_on_a_school_host(client_for):
    client = client_for(None, "alpha")
    response = client.post(
        "/accounts/login/", {"username": "alpha_admin", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_password_gets_a_chinese_error(client_for):
    response = client_for(None, "alpha").post(
        "/accounts/login/", {"username": "alpha_admin", "password": "x"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_a_bureau_admin_manages_accounts_and_memberships_in_the_admin(client_for):
    from tenants.models import User

    User.objects.filter(username="bureau_admin").update(is_staff=True, is_superuser=True)
    admin = client_for("bureau_admin")
    alpha_admin = User.objects.get(username="alpha_admin")
    page = admin.get(f"/admin/tenants/user/{alpha_admin.pk}/change/")
    assert page.status_code == 200 and "学校成员" in page.content.decode()
    assert admin.get("/admin/tenants/school/add/").status_code == 403
    assert admin.get(f"/admin/tenants/user/{alpha_admin.pk}/delete/").status_code == 403
