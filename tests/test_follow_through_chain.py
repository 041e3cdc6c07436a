"""The whole chain through the API — a missing phase report → its reminder → the summons that cites
it → the school's acknowledgement, the meeting record with commitments, the rectification report,
the district's verification → an accountability record with a statement and a challenge → a
disclosure of the closed case, signed off twice and published — with every link visible both ways
and every step's audit row."""

import datetime as dt

import pytest

from oversight.models import PhaseReminder
from tenants.models import AuditEvent
from tests.campaign_helpers import server_clock
from tests.oversight_helpers import (
    alpha,
    closed_serious_case,
    docx_text,
    missing_report,
    second_bureau_user,
    soon,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


def kinds(links):
    return [link["kind"] for link in links]


def test_the_whole_chain_walks_through_the_api_with_every_link_and_audit_row(client_for):
    school = alpha()
    campaign, phase = missing_report()
    reminder = PhaseReminder.objects.get(phase=phase, school=school)
    case = closed_serious_case()
    staff, admin, other = client_for("bureau_staff"), client_for("bureau_admin"), second_bureau_user()
    signer2 = client_for("bureau_reviewer")
    school_admin = client_for("alpha_admin", "alpha")

    meeting_at = soon(24)
    answer = staff.post("/api/v1/summons/", {
        "school": school.pk, "reasons": [{"kind": "phase_missing", "phase": phase.pk}], "meeting_at": meeting_at.isoformat(),
        "place": "区教育局三楼会议室", "summoned_posts": ["校长", "分管副校长"], "interviewers": "安监科科长",
        "documents": "阶段工作台账"}, content_type=JSON)  # fmt: skip
    assert answer.status_code == 201, answer.content
    summons = answer.json()
    assert summons["reasons"][0]["label"] == "阶段报告未报" and "逾期" in summons["reasons"][0]["figure"]
    assert summons["number"].startswith("约谈〔")

    docx = school_admin.get(f"/api/v1/summons/{summons['id']}/notice/")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    for expected in (
        "约谈通知书",
        summons["number"],
        school.name,
        "区教育局三楼会议室",
        "校长、分管副校长",
        "阶段报告未报",
        "阶段工作台账",
    ):
        assert expected in text

    acked = school_admin.post(f"/api/v1/summons/{summons['id']}/acknowledge/", content_type=JSON)
    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"

    later = meeting_at + dt.timedelta(hours=2)
    with server_clock(later):
        due = (later + dt.timedelta(days=20)).date().isoformat()
        met = staff.post(f"/api/v1/summons/{summons['id']}/meeting/", {
            "attendees": [{"post": "校长", "name": "张校长"}, {"post": "分管副校长", "name": ""}],
            "problems_raised": "阶段报告逾期未报，台账不全。", "school_statement": "学校承认问题，立即整改。",
            "commitments": [{"text": "补报阶段报告", "owner_post": "校长", "due_on": due}]}, content_type=JSON)  # fmt: skip
        assert met.status_code == 200, met.content
        commitment = met.json()["commitments"][0]
        reported = school_admin.post(f"/api/v1/summons/{summons['id']}/report/", {
            "report_text": "已补报阶段报告，完善台账制度。", "evidence": "补报回执、台账目录", "done": [commitment["id"]]},
            content_type=JSON)  # fmt: skip
        assert reported.status_code == 200 and reported.json()["commitments"][0]["done_on"]
        closed = staff.post(f"/api/v1/summons/{summons['id']}/review/", {"accept": True, "comment": "整改到位"},
                            content_type=JSON)  # fmt: skip
        assert closed.json()["state"] == "closed"

        record = admin.post("/api/v1/accountability/", {
            "school": school.pk, "target": "person", "measure": "admonition", "person_post": "校长", "person_name": "张校长",
            "facts": "阶段报告逾期未报，经约谈后整改。", "basis": "《问责办法》第七条", "decided_on": later.date().isoformat(),
            "deciding_body": "区教育局", "links": [{"kind": "summons", "id": summons["id"]}]}, content_type=JSON)  # fmt: skip
        assert record.status_code == 201, record.content
        record = record.json()
        assert record["challenge_due_on"] == (later.date() + dt.timedelta(days=30)).isoformat()
        assert staff.post(f"/api/v1/accountability/{record['id']}/statement/", {"statement": "已认识到问题。"},
                          content_type=JSON).status_code == 200  # fmt: skip
        challenged = staff.post(f"/api/v1/accountability/{record['id']}/challenge/", {
            "filed_on": later.date().isoformat(), "grounds": "认为处理偏重。"}, content_type=JSON)  # fmt: skip
        assert challenged.json()["state"] == "challenged"
        decided = staff.post(f"/api/v1/accountability/{record['id']}/challenge/decide/", {
            "outcome": "upheld", "reasons": "事实清楚，维持原决定。"}, content_type=JSON)  # fmt: skip
        assert decided.json()["state"] == "reviewed"

        draft = staff.post("/api/v1/disclosures/", {
            "serious_case": case.pk, "accountability": record["id"], "title": "关于一起学生欺凌事件处置情况的通报",
            "facts": "2026年5月，我区一所小学发生一起学生欺凌事件，一名学生受伤。", "measures": "学校依规处置，开展心理辅导。",
            "outcome": "对相关责任人进行诫勉谈话。"}, content_type=JSON)  # fmt: skip
        assert draft.status_code == 201, draft.content
        disclosure = draft.json()
        checklist = ["no_exact_times", "no_places_inside", "no_injury_detail", "no_identifying"]
        for signer in (admin, signer2):
            signed = signer.post(f"/api/v1/disclosures/{disclosure['id']}/sign-off/", {"checklist": checklist},
                                 content_type=JSON)  # fmt: skip
            assert signed.status_code == 201, signed.content
        published = staff.post(f"/api/v1/disclosures/{disclosure['id']}/publish/", {}, content_type=JSON)
        assert published.status_code == 200 and published.json()["state"] == "published"

        public = client_for(None).get("/api/v1/public/disclosures/").json()
        assert [item["title"] for item in public["results"]] == ["关于一起学生欺凌事件处置情况的通报"]
        assert school.name not in str(public)

        # Both ways, from every record.
        from_phase = staff.get(f"/api/v1/links/phase_report/{phase.pk}/?school={school.pk}").json()
        assert kinds(from_phase["downstream"]) == ["reminder", "summons"]
        assert from_phase["downstream"][0]["id"] == reminder.pk
        from_summons = staff.get(f"/api/v1/summons/{summons['id']}/").json()["links"]
        assert kinds(from_summons["upstream"]) == ["phase_report", "reminder"]
        assert kinds(from_summons["downstream"]) == ["commitment", "accountability", "disclosure"]
        from_record = staff.get(f"/api/v1/accountability/{record['id']}/").json()["chain"]
        assert kinds(from_record["upstream"]) == ["summons"] and kinds(from_record["downstream"]) == [
            "disclosure"
        ]
        from_disclosure = staff.get(f"/api/v1/disclosures/{disclosure['id']}/").json()["chain"]
        assert kinds(from_disclosure["upstream"]) == ["serious_case", "accountability", "summons"]
        from_case = staff.get(f"/api/v1/links/serious_case/{case.pk}/").json()
        assert kinds(from_case["downstream"]) == ["disclosure"]

        chains = staff.get(f"/api/v1/chains/?school={school.pk}&campaign={campaign.pk}").json()
        assert len(chains["results"]) == 1
        chain = chains["results"][0]
        assert kinds(chain["steps"]) == [
            "phase_report",
            "reminder",
            "summons",
            "commitment",
            "accountability",
            "disclosure",
        ]
        assert chain["open"] is False

    trail = {
        "oversight.summons": ["summons.issued", "summons.acknowledged", "summons.meeting_recorded",
                              "summons.report_submitted", "summons.closed"],
        "oversight.accountabilityrecord": ["accountability.recorded", "accountability.statement_recorded",
                                           "accountability.challenged", "accountability.challenge_decided"],
        "oversight.disclosure": ["disclosure.drafted", "disclosure.signed_off", "disclosure.signed_off",
                                 "disclosure.published"],
    }  # fmt: skip
    ids = {"oversight.summons": summons["id"], "oversight.accountabilityrecord": record["id"],
           "oversight.disclosure": disclosure["id"]}  # fmt: skip
    for object_type, actions in trail.items():
        rows = AuditEvent.objects.filter(object_type=object_type, object_id=str(ids[object_type])).order_by(
            "id"
        )
        assert [row.action for row in rows] == actions
        assert all(row.school_id == school.pk and row.actor_id for row in rows)
    signers = AuditEvent.objects.filter(action="disclosure.signed_off", object_id=str(disclosure["id"]))
    assert {row.actor.username for row in signers} == {"bureau_admin", other.username}


def test_the_pages_show_the_links_both_ways_and_the_dashboards_count_what_is_open(client_for):
    from oversight import record_chain
    from oversight.accountability import actions as accountability
    from oversight.disclosures import actions as disclosures
    from oversight.summons import actions as summons_actions
    from oversight.summons import selectors as summons_selectors
    from tests.oversight_helpers import user

    school = alpha()
    campaign, phase = missing_report()
    case = closed_serious_case()
    open_before = record_chain.open_chain_count()
    summons = summons_actions.issue(acting_user=user("bureau_staff"), school=school, meeting_at=soon(1), place="会议室",
                                    summoned_posts=["校长"], interviewers="安监科",
                                    reasons=[{"kind": "phase_missing", "phase": phase.pk}])  # fmt: skip
    record = accountability.record(acting_user=user("bureau_admin"), school=school, target="institution",
                                   measure="criticism", facts="瞒报", basis="规定", decided_on=summons.issued_at.date(),
                                   deciding_body="区教育局", links=[{"kind": "summons", "id": summons.pk},
                                                                 {"kind": "serious_case", "id": case.pk}])  # fmt: skip
    disclosure = disclosures.draft(acting_user=user("bureau_staff"), serious_case=case, accountability=record,
                                   title="处置情况", facts="我区一所小学发生一起欺凌事件。", measures="依规处置。")  # fmt: skip
    staff = client_for("bureau_staff")
    assert (
        f"/chains/phases/{phase.pk}/schools/{school.pk}/"
        in staff.get(f"/phases/{phase.pk}/").content.decode()
    )
    phase_page = staff.get(f"/chains/phases/{phase.pk}/schools/{school.pk}/").content.decode()
    assert summons.number in phase_page and "逾期提醒" in phase_page
    summons_page = staff.get(f"/summons/{summons.pk}/").content.decode()
    assert (
        f"/chains/phases/{phase.pk}/schools/{school.pk}/" in summons_page
        and f"/accountability/{record.pk}/" in summons_page
    )
    case_page = staff.get(f"/serious-cases/{case.pk}/").content.decode()
    assert f"/accountability/{record.pk}/" in case_page and f"/disclosures/{disclosure.pk}/" in case_page
    record_page = staff.get(f"/accountability/{record.pk}/").content.decode()
    assert f"/summons/{summons.pk}/" in record_page and f"/disclosures/{disclosure.pk}/" in record_page
    disclosure_page = staff.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert (
        f"/serious-cases/{case.pk}/" in disclosure_page and f"/accountability/{record.pk}/" in disclosure_page
    )
    chains = staff.get(f"/chains/?school={school.pk}&campaign={campaign.pk}").content.decode()
    assert summons.number in chains and "未办结" in chains
    dashboard = staff.get("/dashboard/").content.decode()
    assert f'id="tile-open-chains">{open_before + 1}<' in dashboard
    with server_clock(summons.ack_due_at + dt.timedelta(hours=1)):
        overdue = summons_selectors.overdue_count()
        assert (
            overdue >= 1
            and f'id="tile-overdue-summons">{overdue}<' in staff.get("/dashboard/").content.decode()
        )
        assert "约谈通知逾期未签收" in client_for("alpha_admin", "alpha").get("/").content.decode()
