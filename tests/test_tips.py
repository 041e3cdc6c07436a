"""The anonymous mailbox: a tipster's receipt code shows status and replies and nothing else."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import Incident, Tip
from tenants.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(client_for):
    return client_for(None, "alpha")


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


def submit(client, body="我看到三年级有同学在厕所被人抢零花钱。"):
    response = client.post("/xinxiang/", {"body": body, "happened_where": "厕所", "happened_when": "上周"})
    match = re.search(r'id="receipt-code">([A-Z0-9-]+)<', response.content.decode())
    return response, match.group(1) if match else None


def test_a_tipster_gets_a_long_receipt_code_and_nothing_identifying_is_stored(public, alpha):
    response, code = submit(public)
    assert response.status_code == 200
    assert code is not None and len(code.replace("-", "")) >= 16
    with tenant_context(alpha):
        tip = Tip.objects.get()
        stored = {f.name: getattr(tip, f.attname) for f in Tip._meta.concrete_fields}
    assert code not in str(stored) and code.replace("-", "") not in str(stored)
    assert not any(name in stored for name in ("ip", "ip_address", "user_agent", "remote_addr"))
    assert "127.0.0.1" not in str(stored)


def test_the_receipt_code_shows_the_plain_status_and_school_replies_only(public, client_for, alpha):
    _, code = submit(public)
    with tenant_context(alpha):
        tip = Tip.objects.get()
    staff = client_for("alpha_admin", "alpha")
    staff.post(f"/tips/{tip.pk}/", {"step": "reply", "body": "谢谢你，老师已经在了解情况。"})
    staff.post(f"/tips/{tip.pk}/", {"step": "triage", "occurred_at": (timezone.localtime() - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                                    "place": "厕所", "summary": "索要零花钱"})  # fmt: skip

    page = public.post("/xinxiang/chaxun/", {"code": code.lower()}).content.decode()
    assert "学校正在处理" in page
    assert "谢谢你，老师已经在了解情况。" in page
    with tenant_context(alpha):
        incident = Incident.objects.get(tip=tip)
    assert incident.code not in page  # staff internals stay inside
    assert "alpha_admin" not in page


def test_a_wrong_receipt_code_reveals_nothing(public):
    submit(public)
    response = public.post("/xinxiang/chaxun/", {"code": "ABCD-EFGH-JKMN-PQRS-TUVW"})
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到" in body and "处理状态" not in body


def test_a_tipster_can_add_a_message_with_the_code(public, alpha):
    _, code = submit(public)
    page = public.post("/xinxiang/chaxun/", {"code": code, "body": "补充：是在午休时间。"}).content.decode()
    assert "补充：是在午休时间。" in page


def test_tips_are_rate_limited(public, alpha):
    for _ in range(5):
        assert submit(public)[1] is not None
    response, code = submit(public)
    assert code is None
    assert "提交太频繁" in response.content.decode()
    with tenant_context(alpha):
        assert Tip.objects.count() == 5


def test_an_empty_tip_is_refused(public, alpha):
    response = public.post("/xinxiang/", {"body": "   "})
    assert "该字段是必填项" in response.content.decode()
    with tenant_context(alpha):
        assert not Tip.objects.exists()


def test_staff_close_a_tip_with_a_reason_and_the_tipster_sees_it(public, client_for, alpha):
    _, code = submit(public)
    with tenant_context(alpha):
        tip = Tip.objects.get()
    staff = client_for("alpha_admin", "alpha")
    assert staff.post(f"/tips/{tip.pk}/", {"step": "close", "reason": ""}).status_code == 400
    assert (
        staff.post(
            f"/tips/{tip.pk}/", {"step": "close", "reason": "经核实为同学间玩笑，已教育。"}
        ).status_code
        == 302
    )
    page = public.post("/xinxiang/chaxun/", {"code": code}).content.decode()
    assert "已办结" in page and "经核实为同学间玩笑" in page


def test_a_gate_guard_cannot_read_tips(client_for, public):
    submit(public)
    assert client_for("alpha_gate", "alpha").get("/tips/").status_code == 403


def test_from_anonymous_tip_to_closed_incident(public, client_for, alpha):
    """The issue's done-when: a school admin takes a tip all the way to closure in the pages."""
    _, code = submit(public)
    with tenant_context(alpha):
        tip = Tip.objects.get()
    staff = client_for("alpha_admin", "alpha")
    response = staff.post(f"/tips/{tip.pk}/", {"step": "triage", "place": "厕所", "summary": "索要零花钱",
                          "occurred_at": (timezone.localtime() - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(alpha):
        incident = Incident.objects.get(tip=tip)
    today = timezone.localdate().isoformat()
    url = f"/incidents/{incident.pk}"
    staff.post(f"{url}/open/", {"opened_on": today, "version": 1})
    staff.post(f"{url}/determine/", {"determination": "not_bullying", "determined_on": today, "findings": "查无实据",
                                     "version": 2})  # fmt: skip
    assert (
        staff.post(
            f"{url}/close/", {"closing_summary": "经调查不构成欺凌。", "confirmed": "on", "version": 3}
        ).status_code
        == 302
    )
    with tenant_context(alpha):
        assert Incident.objects.get(pk=incident.pk).stage == "closed"
