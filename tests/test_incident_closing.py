"""结案 of a case determined as bullying needs its checklist done (a handling measure, victim support,
every family informed, follow-up done or waived with a reason) — through the page and the API alike;
the page shows the checklist and asks for confirmation; parties stay editable until closure."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.actions import incidents as actions
from schools.models import Incident
from tests.campaign_helpers import school, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _bullying_case():
    """A case determined as bullying with a perpetrator and a victim and nothing else done."""
    admin = user("alpha_admin")
    with tenant_context(school("alpha")):
        incident = actions.record_incident(
            acting_user=admin, source="teacher", occurred_at=timezone.now() - dt.timedelta(days=3),
            place="操场", summary="课间推搡。",
        )  # fmt: skip
        perpetrator = actions.add_party(acting_user=admin, incident=incident, student_name="张三", grade="三年级",
                                        class_name="1班", role="perpetrator")  # fmt: skip
        victim = actions.add_party(acting_user=admin, incident=incident, student_name="李四", grade="三年级",
                                   class_name="1班", role="victim")  # fmt: skip
        incident = actions.open_investigation(acting_user=admin, incident=incident,
                                              opened_on=TODAY - dt.timedelta(days=2),
                                              expected_version=incident.version)  # fmt: skip
        actions.determine(acting_user=admin, incident=incident, determination="bullying", kinds=["physical"],
                          severity="minor", determined_on=TODAY, findings="推搡，情节轻微。",
                          expected_version=incident.version)  # fmt: skip
        return Incident.objects.get(pk=incident.pk), perpetrator, victim


def _stage(incident):
    with tenant_context(school("alpha")):
        return Incident.objects.get(pk=incident.pk).stage


def _version(incident):
    with tenant_context(school("alpha")):
        return Incident.objects.get(pk=incident.pk).version


def test_the_page_refuses_closing_a_bullying_case_with_nothing_done_and_lists_what_is_missing(client_for):
    incident, perpetrator, victim = _bullying_case()
    page = client_for("alpha_admin", "alpha")
    body = page.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="closing-checklist"' in body and "✗ 已登记至少一项处置措施" in body
    response = page.post(f"/incidents/{incident.pk}/close/", {
        "closing_summary": "已处理。", "confirmed": "on", "version": _version(incident)})  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    for missing in ("已登记至少一项处置措施", "每名受害学生均已记录帮扶或心理辅导", "每名当事学生的家长均已告知",
                    "追踪辅导已完成，或已说明不需追踪辅导的理由"):  # fmt: skip
        assert missing in text
    assert _stage(incident) == "determined"


def test_the_page_closes_once_the_checklist_is_done_and_the_user_confirms(client_for):
    incident, perpetrator, victim = _bullying_case()
    page = client_for("alpha_admin", "alpha")
    assert page.post(f"/incidents/{incident.pk}/measures/", {"party": perpetrator.pk, "kind": "criticism",
                                                             "decided_on": TODAY.isoformat()}).status_code == 302  # fmt: skip
    assert page.post(f"/incidents/{incident.pk}/support/", {"party": victim.pk, "kind": "counselling",
                     "held_on": TODAY.isoformat(), "provided_by": "心理老师"}).status_code == 302  # fmt: skip
    told = timezone.localtime().strftime("%Y-%m-%dT00:00")
    for party in (perpetrator, victim):
        # The class is corrected at the same time: the parties stay editable until closure.
        assert page.post(f"/incidents/{incident.pk}/parties/edit/", {
            "party": party.pk, "grade": "三年级", "class_name": "2班", "family_notified_at": told,
            "version": party.version}).status_code == 302  # fmt: skip
    close = {"closing_summary": "已处理。", "version": _version(incident)}
    # The follow-up is neither done nor waived.
    response = page.post(f"/incidents/{incident.pk}/close/", {**close, "confirmed": "on"})
    assert (
        response.status_code == 400
        and "追踪辅导已完成，或已说明不需追踪辅导的理由" in response.content.decode()
    )
    # Without the confirmation box the page refuses too.
    response = page.post(f"/incidents/{incident.pk}/close/", {**close, "follow_up_waiver": "双方已毕业离校"})
    assert response.status_code == 400 and "请勾选确认后再结案" in response.content.decode()
    assert _stage(incident) == "handling"
    assert page.post(f"/incidents/{incident.pk}/close/", {
        **close, "follow_up_waiver": "双方已毕业离校", "confirmed": "on"}).status_code == 302  # fmt: skip
    with tenant_context(school("alpha")):
        closed = Incident.objects.get(pk=incident.pk)
        classes = set(closed.parties.values_list("class_name", flat=True))
    assert closed.stage == "closed" and closed.follow_up_waived_reason == "双方已毕业离校"
    assert classes == {"2班"}
    refused = page.post(f"/incidents/{incident.pk}/parties/edit/", {
        "party": victim.pk, "grade": "三年级", "class_name": "3班", "version": victim.version + 1})  # fmt: skip
    assert refused.status_code == 400 and "事件已结案，当事学生信息不能再修改" in refused.content.decode()


def test_the_api_applies_the_same_checklist(client_for):
    incident, perpetrator, victim = _bullying_case()
    api = client_for("alpha_admin", "alpha")

    def post(path, data):
        return api.post(
            f"/api/v1/incidents/{incident.pk}/{path}/", json.dumps(data), content_type="application/json"
        )

    refused = post(
        "close", {"closing_summary": "已处理。", "follow_up_waiver": "不需要", "version": _version(incident)}
    )
    assert refused.status_code == 400 and "已登记至少一项处置措施" in refused.json()["message"]
    checklist = api.get(f"/api/v1/incidents/{incident.pk}/").json()["closing_checklist"]
    assert [c["key"] for c in checklist if not c["done"]] == [
        "measure", "victim_support", "families_informed", "follow_up"]  # fmt: skip
    assert (
        post(
            "measures", {"party": perpetrator.pk, "kind": "criticism", "decided_on": TODAY.isoformat()}
        ).status_code
        == 200
    )
    assert post("support", {"party": victim.pk, "kind": "counselling", "held_on": TODAY.isoformat(),
                            "provided_by": "心理老师"}).status_code == 200  # fmt: skip
    for party in (perpetrator, victim):
        assert post("parties/edit", {"party": party.pk, "grade": "三年级", "class_name": "1班",
                                     "family_notified_at": timezone.now().isoformat(), "version": party.version}
                    ).status_code == 200  # fmt: skip
    assert post("follow-ups", {"due_on": TODAY.isoformat()}).status_code == 200
    refused = post("close", {"closing_summary": "已处理。", "version": _version(incident)})
    assert refused.status_code == 400 and "还有未完成的追踪辅导" in refused.json()["message"]
    with tenant_context(school("alpha")):
        follow_up = Incident.objects.get(pk=incident.pk).follow_ups.get()
    assert post("follow-ups/done", {"follow_up": follow_up.pk, "done_on": TODAY.isoformat(), "notes": "关系改善"}
                ).status_code == 200  # fmt: skip
    closed = post("close", {"closing_summary": "已处理。", "version": _version(incident)})
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    assert all(check["done"] for check in closed.json()["closing_checklist"])


def test_a_case_not_determined_as_bullying_has_no_checklist(client_for):
    admin = user("alpha_admin")
    with tenant_context(school("alpha")):
        incident = actions.record_incident(acting_user=admin, source="teacher", place="走廊", summary="打闹。",
                                           occurred_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip
        incident = actions.open_investigation(acting_user=admin, incident=incident, opened_on=TODAY,
                                              expected_version=incident.version)  # fmt: skip
        actions.determine(acting_user=admin, incident=incident, determination="not_bullying", determined_on=TODAY,
                          findings="打闹嬉戏。", expected_version=incident.version)  # fmt: skip
    page = client_for("alpha_admin", "alpha")
    assert page.post(f"/incidents/{incident.pk}/close/", {
        "closing_summary": "不构成欺凌。", "confirmed": "on", "version": _version(incident)}).status_code == 302  # fmt: skip
