"""What staff write to an anonymous tipster — replies and the closing note (办结说明) — is labelled
as visible to the tipster and passes the privacy gate, on the page and in the API."""

import pytest
from django_tenants.utils import tenant_context

from schools.models import CareEntry, Tip, TipMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(school):
    with tenant_context(school):
        CareEntry.objects.create(
            student_name="司马青松", grade="四年级", class_name="四年级1班", next_review_on="2030-01-01"
        )
        return Tip.objects.create(receipt_hash="t" * 64, body="有同学在厕所被推搡。")


def test_the_closing_note_and_reply_are_labelled_as_seen_by_the_tipster(client_for, tip):
    page = client_for("alpha_admin", "alpha").get(f"/tips/{tip.pk}/").content.decode()
    assert "办结说明（举报人可见）" in page and "回复举报人（举报人可见）" in page
    assert "举报人凭查询码可以看到这段文字的原文" in page


def test_a_closing_note_or_reply_naming_a_pupil_is_refused_on_the_page_and_in_the_api(
    client_for, school, tip
):
    admin = client_for("alpha_admin", "alpha")
    closing = admin.post(
        f"/tips/{tip.pk}/", {"step": "close", "reason": "已找司马青松谈话，电话 13912345678"}
    )
    assert closing.status_code == 400
    assert "本校已知的学生姓名" in closing.content.decode() and "手机号码" in closing.content.decode()
    reply = admin.post(f"/tips/{tip.pk}/", {"step": "reply", "body": "司 马 青 松的情况学校已了解"})
    assert reply.status_code == 400
    api = admin.post(
        f"/api/v1/tips/{tip.pk}/close/", {"reason": "已与司马青松家长沟通"}, content_type="application/json"
    )
    assert api.status_code == 400 and "reason" in api.json()["errors"]
    with tenant_context(school):
        assert Tip.objects.get(pk=tip.pk).status != "closed" and not TipMessage.objects.exists()
    ok = admin.post(f"/tips/{tip.pk}/", {"step": "close", "reason": "学校已核实并处理，感谢你的信任。"})
    assert ok.status_code == 302
