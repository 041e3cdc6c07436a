"""Disclosures (信息公开): drafted from a closed serious case through the privacy gate, two sign-offs
by users other than the drafter on the current version, scheduled publication, versions kept; the
public page (paginated), the Atom feed and the public API show published items only; a withdrawal
removes the text everywhere and keeps a notice; expiry withdraws automatically."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.disclosures import actions
from oversight.disclosures.models import CHECKLIST, Disclosure, DisclosureState
from oversight.disclosures.tasks import expire_disclosures
from tenants.models import AuditEvent
from tests.campaign_helpers import server_clock
from tests.oversight_helpers import PUPIL, closed_serious_case, second_bureau_user, user

pytestmark = pytest.mark.django_db
JSON = "application/json"
FACTS = "今年5月，我区一所小学发生一起学生欺凌事件。"
ATOM = "{http://www.w3.org/2005/Atom}"


def draft(case, **extra):
    data = {"title": "一起欺凌事件的处置情况", "facts": FACTS, "measures": "学校依规处置，开展心理辅导。"}
    data.update(extra)
    return actions.draft(acting_user=user("bureau_staff"), serious_case=case, **data)


def sign_twice(row):
    for name in ("bureau_admin", second_bureau_user().username):
        actions.sign_off(acting_user=user(name), disclosure=row, checklist=list(CHECKLIST))


def published(case, **extra):
    row = draft(case, **extra)
    sign_twice(row)
    return actions.publish(acting_user=user("bureau_staff"), disclosure=row)


def test_only_a_closed_case_is_drafted_and_the_gate_and_length_cap_refuse_bad_text(client_for):
    case = closed_serious_case()
    before = Disclosure.objects.count()
    staff = client_for("bureau_staff")
    gated = staff.post("/api/v1/disclosures/", {"serious_case": case.pk, "title": "通报", "facts": f"{PUPIL}被推倒受伤。",
                                                "measures": "处置"}, content_type=JSON)  # fmt: skip
    assert (
        gated.status_code == 400 and PUPIL not in gated.content.decode() and "facts" in gated.json()["errors"]
    )
    long = staff.post(f"/disclosures/new/?case={case.pk}", {"case": case.pk, "title": "通报", "facts": "情况" * 400,
                                                             "measures": "处置"})  # fmt: skip
    assert long.status_code == 400 and "不能超过 600 字" in long.content.decode()
    case.closed_on = None
    case.save()
    with pytest.raises(ValidationError) as refused:
        draft(case)
    assert "已结案" in str(refused.value)
    assert Disclosure.objects.count() == before


def test_sign_offs_by_the_drafter_twice_by_one_user_or_without_the_checklist_are_refused(client_for):
    row = draft(closed_serious_case())
    drafter = client_for("bureau_staff").post(f"/api/v1/disclosures/{row.pk}/sign-off/", {"checklist": list(CHECKLIST)},
                                              content_type=JSON)  # fmt: skip
    assert drafter.status_code == 400 and "起草人不能审核签字" in drafter.json()["message"]
    admin = client_for("bureau_admin")
    partial = admin.post(f"/disclosures/{row.pk}/sign-off/", {"checklist": ["no_exact_times"]})
    assert partial.status_code == 400 and "逐项确认" in partial.content.decode()
    assert admin.post(f"/disclosures/{row.pk}/sign-off/", {"checklist": list(CHECKLIST)}).status_code == 302
    again = admin.post(
        f"/api/v1/disclosures/{row.pk}/sign-off/", {"checklist": list(CHECKLIST)}, content_type=JSON
    )
    assert again.status_code == 400 and "已经对该版本签过字" in again.json()["message"]
    one = client_for("bureau_staff").post(f"/api/v1/disclosures/{row.pk}/publish/", {}, content_type=JSON)
    assert one.status_code == 400 and "目前 1 人" in one.json()["message"]
    assert row.signoffs.count() == 1 and Disclosure.objects.get(pk=row.pk).state == DisclosureState.DRAFT


def test_a_revision_keeps_every_version_and_needs_new_sign_offs(client_for):
    row = draft(closed_serious_case())
    sign_twice(row)
    answer = client_for("bureau_staff").put(f"/api/v1/disclosures/{row.pk}/", {
        "title": "一起欺凌事件的处置情况（修订）", "facts": FACTS, "measures": "学校依规处置。"}, content_type=JSON)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["version"] == 2
    assert [v["title"] for v in answer.json()["versions"]] == [
        "一起欺凌事件的处置情况",
        "一起欺凌事件的处置情况（修订）",
    ]
    with pytest.raises(ValidationError) as refused:
        actions.publish(acting_user=user("bureau_staff"), disclosure=row)
    assert "第 2 版" in str(refused.value)
    sign_twice(row)
    assert (
        actions.publish(acting_user=user("bureau_staff"), disclosure=row).state == DisclosureState.PUBLISHED
    )
    revised = AuditEvent.objects.get(action="disclosure.revised")
    assert revised.changes["title"]["old"] == "一起欺凌事件的处置情况"


def test_publishing_twice_is_refused_and_scheduled_items_wait_for_their_time(client_for):
    case = closed_serious_case()
    row = draft(case)
    sign_twice(row)
    later = timezone.now() + dt.timedelta(days=2)
    answer = client_for("bureau_staff").post(f"/api/v1/disclosures/{row.pk}/publish/", {"publish_at": later.isoformat()},
                                             content_type=JSON)  # fmt: skip
    assert answer.status_code == 200
    twice = client_for("bureau_staff").post(f"/api/v1/disclosures/{row.pk}/publish/", {}, content_type=JSON)
    assert twice.status_code == 400 and "不能重复发布" in twice.json()["message"]
    anonymous = client_for(None)
    before = anonymous.get("/api/v1/public/disclosures/").json()["count"]
    assert row.title not in anonymous.get("/xinxi/").content.decode()
    with server_clock(later + dt.timedelta(minutes=1)):
        assert anonymous.get("/api/v1/public/disclosures/").json()["count"] == before + 1
        assert row.title in anonymous.get("/xinxi/").content.decode()
    row.refresh_from_db()
    assert row.expires_on == timezone.localtime(later).date().replace(year=timezone.localtime(later).year + 5)


def test_the_feed_is_atom_xml_with_published_items_only_and_the_page_paginates(client_for):
    case = closed_serious_case()
    shown = published(case, title="已发布的处置情况")
    draft(case, title="仍是草稿的处置情况")
    gone = published(case, title="已撤回的处置情况")
    actions.withdraw(acting_user=user("bureau_staff"), disclosure=gone, reason="内容需更正")
    anonymous = client_for(None)
    feed = anonymous.get("/xinxi/feed.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["已发布的处置情况"]
    assert FACTS in feed.content.decode()
    # 25 more published items: 20 a page, newest first.
    for n in range(25):
        Disclosure.objects.create(serious_case=case, title=f"历史公开 {n:02d}", occurred_on=case.occurred_on, facts=FACTS,
                                  measures="处置", drafted_by=user("bureau_staff"), state=DisclosureState.PUBLISHED,
                                  publish_at=shown.publish_at - dt.timedelta(days=n + 1))  # fmt: skip
    first = anonymous.get("/xinxi/").content.decode()
    second = anonymous.get("/xinxi/?page=2").content.decode()
    assert "已发布的处置情况" in first and "历史公开 00" in first and "历史公开 24" not in first
    assert "历史公开 24" in second and "2 / 2" in second
    assert anonymous.get("/api/v1/public/disclosures/?page=2").json()["pages"] == 2
    assert anonymous.get("/api/v1/public/disclosures/?page=0").status_code == 400


def test_a_withdrawn_items_text_is_gone_from_page_feed_and_api_and_its_notice_stays(client_for):
    case = closed_serious_case()
    row = published(case, facts="今年5月，我区一所小学发生一起学生欺凌事件，独特的措辞甲乙丙。")
    anonymous = client_for(None)
    assert "独特的措辞甲乙丙" in anonymous.get(f"/xinxi/{row.pk}/").content.decode()
    staff = client_for("bureau_staff")
    no_reason = staff.post(f"/api/v1/disclosures/{row.pk}/withdraw/", {"reason": ""}, content_type=JSON)
    assert no_reason.status_code == 400 and "必须说明原因" in no_reason.json()["message"]
    assert staff.post(f"/disclosures/{row.pk}/withdraw/", {"reason": ""}).status_code == 400
    assert Disclosure.objects.get(pk=row.pk).state == DisclosureState.PUBLISHED
    assert (
        staff.post(f"/disclosures/{row.pk}/withdraw/", {"reason": "当事人家长申请，经研究撤回"}).status_code
        == 302
    )
    for text in (anonymous.get(f"/xinxi/{row.pk}/").content.decode(), anonymous.get("/xinxi/").content.decode(),
                 anonymous.get("/xinxi/feed.atom").content.decode(),
                 anonymous.get("/api/v1/public/disclosures/").content.decode(),
                 anonymous.get(f"/api/v1/public/disclosures/{row.pk}/").content.decode()):  # fmt: skip
        assert "独特的措辞甲乙丙" not in text
    notice = anonymous.get(f"/xinxi/{row.pk}/").content.decode()
    assert "已于" in notice and "撤回" in notice and "当事人家长申请，经研究撤回" in notice
    api = anonymous.get(f"/api/v1/public/disclosures/{row.pk}/").json()
    assert (
        api["withdrawn"] is True
        and "facts" not in api
        and api["withdraw_reason"] == "当事人家长申请，经研究撤回"
    )
    again = staff.post(f"/api/v1/disclosures/{row.pk}/withdraw/", {"reason": "再撤"}, content_type=JSON)
    assert again.status_code == 400


def test_expiry_withdraws_automatically_after_five_years(client_for):
    row = published(closed_serious_case())
    with server_clock(timezone.now() + dt.timedelta(days=365 * 5 - 3)):
        assert expire_disclosures() == 0
    with server_clock(timezone.now() + dt.timedelta(days=365 * 5 + 2)):
        assert expire_disclosures() == 1
    row.refresh_from_db()
    assert row.state == DisclosureState.WITHDRAWN and "期限届满" in row.withdraw_reason
    event = AuditEvent.objects.get(action="disclosure.expired")
    assert event.actor is None and event.object_id == str(row.pk)
    assert "期限届满" in client_for(None).get(f"/xinxi/{row.pk}/").content.decode()


def test_the_public_page_names_the_school_only_when_the_disclosure_says_so(client_for):
    case = closed_serious_case()
    hidden = published(case, title="不公开校名")
    named = published(case, title="公开校名", name_school=True)
    anonymous = client_for(None)
    assert case.school.name not in anonymous.get(f"/xinxi/{hidden.pk}/").content.decode()
    assert case.school.name in anonymous.get(f"/xinxi/{named.pk}/").content.decode()
