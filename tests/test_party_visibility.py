"""Who sees which pupil of an incident inside a school, at every door (page list and detail, API
list and detail): a 班主任 sees only the parties of their own classes — the others as
"其他学生（非本班）" — and a 心理老师 sees the parties only of incidents they are assigned to support."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.actions import incidents as actions
from schools.models import Incident
from tenants.models import School, User

pytestmark = pytest.mark.django_db

OWN, OTHER = "赵小六", "钱小七"


def _user(name):
    return User.objects.get(username=name)


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


@pytest.fixture
def mixed(alpha):
    """One incident with a pupil of the head teacher's class and a pupil of another class."""
    admin = _user("alpha_admin")
    with tenant_context(alpha):
        incident = actions.record_incident(
            acting_user=admin, source="teacher", occurred_at=timezone.now() - dt.timedelta(days=1),
            place="操场", summary="课间推搡。",
        )  # fmt: skip
        actions.add_party(acting_user=admin, incident=incident, student_name=OWN, grade="三年级",
                          class_name="三年级1班", role="victim")  # fmt: skip
        actions.add_party(acting_user=admin, incident=incident, student_name=OTHER, grade="四年级",
                          class_name="四年级2班", role="perpetrator")  # fmt: skip
        return Incident.objects.get(pk=incident.pk)


def test_a_head_teacher_sees_their_own_pupil_and_not_the_other_class_pupil_anywhere(client_for, mixed):
    teacher = client_for("alpha_head_teacher", "alpha")
    page = teacher.get(f"/incidents/{mixed.pk}/").content.decode()
    assert OWN in page and OTHER not in page and "四年级2班" not in page
    assert "其他学生（非本班）" in page
    detail = teacher.get(f"/api/v1/incidents/{mixed.pk}/").json()
    names = sorted(p["student_name"] for p in detail["parties"])
    assert names == sorted([OWN, "其他学生（非本班）"])
    assert all(p["class_name"] in ("三年级1班", "") for p in detail["parties"])
    listed = teacher.get("/api/v1/incidents/").json()["results"]
    assert [row["id"] for row in listed] == [mixed.pk]
    assert OTHER not in str(listed)
    assert str(mixed.code) in teacher.get("/incidents/").content.decode()
    # A handler still sees both by name.
    assert OTHER in client_for("alpha_moral", "alpha").get(f"/incidents/{mixed.pk}/").content.decode()


def test_a_counsellor_sees_parties_only_of_incidents_they_are_assigned_to_support(client_for, alpha, mixed):
    counsellor = client_for("alpha_counsellor", "alpha")
    assert counsellor.get(f"/incidents/{mixed.pk}/").status_code == 403
    assert counsellor.get(f"/api/v1/incidents/{mixed.pk}/").status_code == 404
    assert counsellor.get("/api/v1/incidents/").json()["results"] == []
    admin = _user("alpha_admin")
    with tenant_context(alpha):
        incident = Incident.objects.get(pk=mixed.pk)
        actions.open_investigation(acting_user=admin, incident=incident, opened_on=timezone.localdate(),
                                   expected_version=incident.version)  # fmt: skip
        incident.refresh_from_db()
        actions.determine(acting_user=admin, incident=incident, determination="bullying", kinds=["physical"],
                          severity="minor", determined_on=timezone.localdate(), findings="推搡",
                          expected_version=incident.version)  # fmt: skip
        victim = incident.parties.get(role="victim")
        actions.add_support(acting_user=admin, party=victim, kind="counselling", held_on=timezone.localdate(),
                            provided_by="alpha_counsellor")  # fmt: skip
    page = counsellor.get(f"/incidents/{mixed.pk}/").content.decode()
    assert OWN in page and OTHER in page
    assert [row["id"] for row in counsellor.get("/api/v1/incidents/").json()["results"]] == [mixed.pk]
