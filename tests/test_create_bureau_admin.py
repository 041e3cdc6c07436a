"""A real deployment's first account comes from `manage.py create_bureau_admin`, not the demo."""

import pytest
from django.core.management import CommandError, call_command

from tenants.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_the_first_bureau_admin_is_created_audited_and_can_use_the_district_site(monkeypatch, client_for):
    monkeypatch.setenv("BUREAU_ADMIN_PASSWORD", "Long-and-unusual-2026")
    call_command("create_bureau_admin", "--username", "chief", "--email", "chief@edu.example.cn",
                 stdout=open("/dev/null", "w"))  # fmt: skip
    chief = User.objects.get(username="chief")
    assert chief.is_bureau_admin and chief.is_superuser and chief.check_password("Long-and-unusual-2026")
    assert AuditEvent.objects.filter(action="account.bureau_admin_created", object_id=str(chief.pk)).exists()
    assert client_for("chief").get("/operations/").status_code == 200


@pytest.mark.parametrize(
    "password,email,message",
    [("demo-2022", "a@edu.example.cn", "演示密码"), ("12345678", "a@edu.example.cn", "密码"),
     ("Long-and-unusual-2026", "not-an-address", "邮箱地址无效")],
)  # fmt: skip
def test_a_weak_or_demo_password_or_a_bad_address_is_refused(monkeypatch, password, email, message):
    monkeypatch.setenv("BUREAU_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_bureau_admin", "--username", "chief2", "--email", email)
    assert not User.objects.filter(username="chief2").exists()
