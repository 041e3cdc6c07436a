"""The anonymous mailbox: a tipster submits, keeps a receipt code, and follows up with it; staff
reply, turn a tip into an incident, or close it with a reason. The tipster's side never stores
anything that identifies them."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from schools import audit
from schools.actions.incidents import create_incident
from schools.models import IncidentSource, Tip, TipMessage, TipStatus
from schools.privacy.gate import refuse_identifying

# No 0/O, 1/I/L: the code is read off a screen and typed back in by a child.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
MAX_BODY = 5000


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in ALPHABET)


def receipt_hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def find_by_receipt(code: str) -> Tip | None:
    if len(_normalise(code)) != CODE_LENGTH:
        return None
    return Tip.objects.filter(receipt_hash=receipt_hash(code)).first()


def _check_text(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写内容。")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("内容不能超过 %(n)s 字。") % {"n": MAX_BODY}})
    return body


@transaction.atomic(durable=True)
def submit_tip(*, body: str, happened_where: str = "", happened_when: str = "") -> tuple[Tip, str]:
    """Returns the tip and the receipt code, which is shown once and never stored in clear."""
    body = _check_text(body)
    code = new_receipt_code()
    tip = Tip.objects.create(
        receipt_hash=receipt_hash(code), body=body, happened_where=happened_where[:100],
        happened_when=happened_when[:100],
    )  # fmt: skip
    audit.record(
        actor=None, action="tip.received", obj=tip, changes={"status": {"old": None, "new": tip.status}}
    )
    _notify_handlers(tip)
    return tip, code


@transaction.atomic(durable=True)
def tipster_message(*, tip: Tip, body: str) -> TipMessage:
    body = _check_text(body)
    if tip.status == TipStatus.CLOSED:
        raise ValidationError(_("该举报已办结，不能再留言。如有新情况，请重新提交一份举报。"))
    return TipMessage.objects.create(tip=tip, from_school=False, body=body)


@transaction.atomic(durable=True)
def reply(*, acting_user, tip: Tip, body: str) -> TipMessage:
    body = _check_text(body)
    # Read word for word by the anonymous tipster.
    refuse_identifying(connection.tenant, body=body)
    message = TipMessage.objects.create(tip=tip, from_school=True, author=acting_user, body=body)
    audit.record(actor=acting_user, action="tip.replied", obj=tip, changes={})
    return message


@transaction.atomic(durable=True)
def triage_to_incident(*, acting_user, tip: Tip, occurred_at: dt.datetime, place: str, summary: str):
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.status == TipStatus.CLOSED:
        raise ValidationError(_("该举报已办结，不能再转为事件。"))
    incident = create_incident(
        acting_user=acting_user, source=IncidentSource.ANONYMOUS, occurred_at=occurred_at, place=place,
        summary=summary, tip=tip,
    )  # fmt: skip
    before = tip.status
    tip.status = TipStatus.IN_PROGRESS
    tip.save()
    audit.record(actor=acting_user, action="tip.triaged", obj=tip,
                 changes={"status": {"old": before, "new": tip.status}, "incident": {"old": None, "new": incident.pk}})  # fmt: skip
    return incident


@transaction.atomic(durable=True)
def close_tip(*, acting_user, tip: Tip, reason: str) -> Tip:
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.status == TipStatus.CLOSED:
        raise ValidationError(_("该举报已经办结。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("办结必须说明理由。")})
    # The closing note (办结说明) is shown word for word to the anonymous tipster.
    refuse_identifying(connection.tenant, reason=reason)
    before = tip.status
    tip.status, tip.closed_reason = TipStatus.CLOSED, reason.strip()
    tip.save()
    audit.record(actor=acting_user, action="tip.closed", obj=tip,
                 changes={"status": {"old": before, "new": tip.status}, "closed_reason": {"old": "", "new": reason}})  # fmt: skip
    return tip


def _notify_handlers(tip: Tip) -> None:
    from django.db import connection

    from schools.notices import notify
    from tenants.models import SchoolMembership
    from tenants.roles import SchoolRole

    admins = SchoolMembership.objects.filter(
        school__schema_name=connection.schema_name, role=SchoolRole.ADMIN, active=True
    ).values_list("user_id", flat=True)
    for user_id in admins:
        notify(recipient_id=user_id, title=_("爱心信箱收到一份新的匿名举报"), link=f"/tips/{tip.pk}/")
