"""Test schools are created once per session, by cloning the template, and reused by every test
(per-class schema creation is slow, and TenantTestCase skips setUpTestData — django-tenants #100, #813).
Each test runs in a transaction that is rolled back, school schemas included."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

PASSWORD = "correct-horse-battery"

SCHOOLS = {
    # slug: (name, code, kind, boarding, status)
    "alpha": ("阿尔法小学", "3299000001", "primary", False, "active"),
    "beta": ("贝塔中学", "3299000002", "junior", True, "active"),
    "gamma": ("伽马学校", "3299000003", "nine_year", False, "suspended"),
}

# username: (district role or None, school slug or None, school role, post, classes)
USERS = {
    "bureau_admin": ("bureau_admin", None, None, None, ""),
    "bureau_staff": ("bureau_staff", None, None, None, ""),
    "bureau_reviewer": ("bureau_staff", None, None, None, ""),  # a second signer for disclosures
    "inspector_alpha": ("inspector", None, None, None, ""),
    "inspector_beta": ("inspector", None, None, None, ""),
    "alpha_admin": (None, "alpha", "admin", "safety", ""),
    "alpha_head_teacher": (None, "alpha", "staff", "head_teacher", "三年级1班"),
    "alpha_moral": (None, "alpha", "staff", "moral_education", ""),
    "alpha_counsellor": (None, "alpha", "staff", "counsellor", ""),
    "alpha_gate": (None, "alpha", "staff", "gate", ""),
    "beta_admin": (None, "beta", "admin", "safety", ""),
    "beta_dorm": (None, "beta", "staff", "dorm", ""),
}


def _create_world():
    from inspections.models import InspectorAssignment
    from tenants.actions.provisioning import SchoolSpec, create_school
    from tenants.models import DistrictMembership, School, SchoolMembership, User

    schools = {}
    for slug, (name, code, kind, boarding, status) in SCHOOLS.items():
        school = create_school(
            acting_user=None,
            spec=SchoolSpec(name=name, code=code, slug=slug, kind=kind, boarding=boarding, student_count=800),
        )
        if status != "active":
            School.objects.filter(pk=school.pk).update(status=status)
        schools[slug] = school
    for username, (district_role, slug, role, post, classes) in USERS.items():
        user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
        if district_role:
            DistrictMembership.objects.create(user=user, role=district_role)
        if slug:
            SchoolMembership.objects.create(
                user=user, school=schools[slug], role=role, post=post, classes=classes
            )
    for inspector, slug in (("inspector_alpha", "alpha"), ("inspector_beta", "beta")):
        InspectorAssignment.objects.create(
            inspector=User.objects.get(username=inspector),
            school=schools[slug],
            starts_on=dt.date(2020, 1, 1),
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    created = None
    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django makes the test database only when a selected test asks for it (a run
            # of browser tests alone does not): make it anyway, so that the session's schools never
            # land in the development database.
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        cache.clear()
        _create_world()
    yield
    if created:
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


def host(slug: str | None = None) -> str:
    return settings.DISTRICT_HOST if slug is None else f"{slug}.{settings.DISTRICT_HOST}"


@pytest.fixture
def school(db):
    """The school named by a test's `slug` (default alpha)."""
    from tenants.models import School

    return School.objects.get(slug="alpha")


@pytest.fixture
def client_for(db):
    """A logged-in test client on a host: client_for("alpha_admin", "alpha")."""

    def make(username: str | None, slug: str | None = None) -> Client:
        from tenants.models import User

        client = Client(HTTP_HOST=host(slug))
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database changes are rolled back; the shared cache must forget them too."""
    from django.core.cache import cache
    from django.db import connection

    yield
    cache.clear()
    connection.set_schema_to_public()
