"""Summons as the viewer may see them, with what is overdue computed from the server clock."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.summons.models import Circular, Commitment, Summons, SummonsState
from oversight.summons.workflow import OPEN_STATES


def summonses_for(*, viewer, school=None):
    """Bureau staff: every summons (or one school's); a school's site: that school's only."""
    rows = Summons.objects.select_related("school", "issued_by").prefetch_related("reasons", "commitments")
    if school is not None:
        return rows.filter(school=school)
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    return rows


def summons_for(*, viewer, pk, school=None) -> Summons:
    summons = summonses_for(viewer=viewer, school=school).filter(pk=pk).first()
    if summons is None:
        raise Http404
    return summons


def overdue(summons: Summons, now=None) -> list[str]:
    """What the school has let pass: the acknowledgement, commitments, the rectification report."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    items = []
    if summons.state == SummonsState.ISSUED and now > summons.ack_due_at:
        items.append(_("约谈通知逾期未签收（期限 %(due)s）") % {
            "due": timezone.localtime(summons.ack_due_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    if (
        summons.state in (SummonsState.MET, SummonsState.RETURNED)
        and summons.report_due_on
        and today > summons.report_due_on
    ):
        items.append(_("整改报告逾期未交（期限 %(due)s）") % {"due": summons.report_due_on.isoformat()})
    if summons.state != SummonsState.CLOSED:
        for c in summons.commitments.all():
            if c.done_on is None and today > c.due_on:
                items.append(
                    _("承诺“%(text)s”逾期未完成（期限 %(due)s）")
                    % {"text": c.text, "due": c.due_on.isoformat()}
                )
    return items


def overdue_count(now=None) -> int:
    """Summonses with anything overdue (the dashboard's tile)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    ack = Summons.objects.filter(state=SummonsState.ISSUED, ack_due_at__lt=now).values_list("pk", flat=True)
    report = Summons.objects.filter(state__in=(SummonsState.MET, SummonsState.RETURNED),
                                    report_due_on__lt=today).values_list("pk", flat=True)  # fmt: skip
    promised = Commitment.objects.filter(done_on__isnull=True, due_on__lt=today).exclude(
        summons__state=SummonsState.CLOSED).values_list("summons_id", flat=True)  # fmt: skip
    return len(set(ack) | set(report) | set(promised))


def open_count() -> int:
    return Summons.objects.filter(state__in=OPEN_STATES).count()


def circulars_for(*, viewer):
    """Every signed-in district or school user reads the district's circulars."""
    if not getattr(viewer, "is_authenticated", False):
        raise Http404
    return Circular.objects.select_related("summons")


def candidate_reasons(*, viewer, school, today=None) -> list[tuple[str, str]]:
    """The reasons the records bear out for `school` today, as (value, label) for the summons form:
    value is "kind:record id" (the action checks each again)."""
    from inspections.models import NoticeStatus, RectificationNotice
    from oversight.appeals.models import AppealState, DistrictAppeal
    from oversight.models import Campaign
    from oversight.progress import LATE, MISSING, campaign_progress
    from oversight.serious_cases.selectors import register
    from oversight.summons.models import ReasonKind

    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    today = today or timezone.localdate()
    found = []
    for campaign in Campaign.objects.order_by("-year", "name"):
        if not campaign.includes(school):
            continue
        progress = campaign_progress(campaign, today, schools=[school])
        for phase in progress.phases:
            cell = progress.cells[(school.pk, phase.pk)]
            if cell.state in (MISSING, LATE):
                kind = ReasonKind.PHASE_MISSING if cell.state == MISSING else ReasonKind.PHASE_LATE
                found.append((f"{kind}:{phase.pk}", f"{kind.label} · {campaign.name}·{phase.name}"))
    codes = {"missing": ReasonKind.SERIOUS_MISSING, "late": ReasonKind.SERIOUS_LATE,
             "concealed": ReasonKind.SERIOUS_CONCEALED}  # fmt: skip
    for view in register(viewer=viewer, school=school):
        if view.case is None:
            continue
        for code in view.flag_codes:
            if code in codes:
                found.append(
                    (f"{codes[code]}:{view.case.pk}", f"{codes[code].label} · {view.case.case_code}")
                )
    overdue_notices = RectificationNotice.objects.filter(
        school=school, status=NoticeStatus.OPEN, due_on__lt=today, visit__voided_at__isnull=True
    )
    for notice in overdue_notices:
        found.append((f"{ReasonKind.NOTICE_OVERDUE}:{notice.pk}",
                      f"{ReasonKind.NOTICE_OVERDUE.label} · {notice.issued_on:%Y-%m-%d}"))  # fmt: skip
    for appeal in DistrictAppeal.objects.filter(school=school, state=AppealState.CHANGED):
        found.append(
            (
                f"{ReasonKind.APPEAL_CHANGED}:{appeal.pk}",
                f"{ReasonKind.APPEAL_CHANGED.label} · {appeal.case_code}",
            )
        )
    found.append((f"{ReasonKind.FLAGGED}:0", str(ReasonKind.FLAGGED.label)))
    return found


REASON_FIELD = {"phase_missing": "phase", "phase_late": "phase", "serious_missing": "serious_case",
                "serious_late": "serious_case", "serious_concealed": "serious_case", "notice_overdue": "notice",
                "appeal_changed": "appeal", "flagged": None}  # fmt: skip


def parse_reason(value: str) -> dict:
    """ "kind:id" (the form's value) → the action's reason dict."""
    kind, _sep, pk = (value or "").partition(":")
    reason = {"kind": kind}
    if REASON_FIELD.get(kind) and pk.isdigit():
        reason[REASON_FIELD[kind]] = int(pk)
    return reason
