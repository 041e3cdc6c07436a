"""The chain of the district's follow-through — a late or missing phase report → its reminders →
the summons that cites it → the commitments → the accountability record → the disclosure — read
from the records' own links, both ways from any record. (oversight/chain.py is a different chain:
the hash chain that makes submitted reports tamper-evident.)"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.accountability.models import AccountabilityBasis, AccountabilityRecord, AccountabilityState
from oversight.disclosures.models import Disclosure, DisclosureState
from oversight.models import Phase, PhaseReminder
from oversight.summons.models import Summons, SummonsState


@dataclass
class Link:
    kind: str
    id: int
    label: str
    state: str = ""
    url: str = ""
    school: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "label": self.label, "state": self.state, "url": self.url,
                "school": self.school}  # fmt: skip


KIND_LABELS = {
    "phase_report": gettext_lazy("阶段报告"), "reminder": gettext_lazy("催报提醒"),
    "serious_case": gettext_lazy("严重欺凌事件"), "notice": gettext_lazy("整改通知书"), "appeal": gettext_lazy("区级复查"),
    "summons": gettext_lazy("约谈"), "commitment": gettext_lazy("整改承诺"), "accountability": gettext_lazy("问责"),
    "disclosure": gettext_lazy("信息公开"), "flag": gettext_lazy("问题突出学校"),
}  # fmt: skip


def _phase_link(phase, school_id) -> Link:
    url = reverse("chain-phase-report", args=[phase.pk, school_id])
    return Link("phase_report", phase.pk, f"{phase.campaign.name}·{phase.name}", url=url, school=school_id)


def _summons_link(s: Summons) -> Link:
    return Link(
        "summons", s.pk, s.number, s.get_state_display(), reverse("summons-detail", args=[s.pk]), s.school_id
    )


def _record_link(r: AccountabilityRecord) -> Link:
    label = f"{r.measure_label}（{r.decided_on:%Y-%m-%d}）"
    return Link("accountability", r.pk, label, r.get_state_display(), reverse("accountability-detail", args=[r.pk]),
                r.school_id)  # fmt: skip


def _disclosure_link(d: Disclosure) -> Link:
    return Link("disclosure", d.pk, d.title, d.get_state_display(), reverse("disclosure-detail", args=[d.pk]),
                d.serious_case.school_id)  # fmt: skip


def _case_link(case) -> Link:
    return Link("serious_case", case.pk, case.case_code, url=reverse("serious-detail", args=[case.pk]),
                school=case.school_id)  # fmt: skip


def _reminders(phase_id, school_id) -> list[Link]:
    rows = PhaseReminder.objects.filter(phase_id=phase_id, school_id=school_id).order_by("sent_on", "id")
    return [
        Link("reminder", r.pk, f"{r.get_kind_display()} {r.sent_on:%Y-%m-%d}", school=school_id) for r in rows
    ]


def _reason_links(summons: Summons) -> list[Link]:
    links = []
    for reason in summons.reasons.select_related("phase__campaign", "serious_case", "notice", "appeal"):
        if reason.phase_id:
            links.append(_phase_link(reason.phase, summons.school_id))
            links.extend(_reminders(reason.phase_id, summons.school_id))
        elif reason.serious_case_id:
            links.append(_case_link(reason.serious_case))
        elif reason.notice_id:
            links.append(Link("notice", reason.notice_id, reason.figure, reason.notice.get_status_display(),
                              reverse("visit-detail", args=[reason.notice.visit_id]), summons.school_id))  # fmt: skip
        elif reason.appeal_id:
            links.append(Link("appeal", reason.appeal_id, reason.appeal.case_code, reason.appeal.get_state_display(),
                              reverse("appeal-detail", args=[reason.appeal_id]), summons.school_id))  # fmt: skip
        else:
            links.append(Link("flag", 0, reason.figure, school=summons.school_id))
    return links


def _basis_links(record: AccountabilityRecord) -> list[Link]:
    links = []
    for basis in record.links.select_related("summons", "phase__campaign", "serious_case", "notice"):
        if basis.summons_id:
            links.append(_summons_link(basis.summons))
        elif basis.phase_id:
            links.append(_phase_link(basis.phase, record.school_id))
        elif basis.serious_case_id:
            links.append(_case_link(basis.serious_case))
        elif basis.notice_id:
            links.append(Link("notice", basis.notice_id, basis.label, basis.notice.get_status_display(),
                              reverse("visit-detail", args=[basis.notice.visit_id]), record.school_id))  # fmt: skip
    return links


def _bureau(viewer):
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404


def links_of(*, viewer, kind: str, pk: int, school_id: int | None = None) -> dict:
    """{"upstream": [...], "downstream": [...]} for one record (a phase report is (phase, school))."""
    _bureau(viewer)
    up, down = [], []
    if kind == "phase_report":
        phase = Phase.objects.select_related("campaign").filter(pk=pk).first()
        if phase is None or school_id is None:
            raise Http404
        down.extend(_reminders(pk, school_id))
        cited = Summons.objects.filter(reasons__phase_id=pk, school_id=school_id).distinct()
        down.extend(_summons_link(s) for s in cited)
        records = AccountabilityRecord.objects.filter(links__phase_id=pk, school_id=school_id).distinct()
        down.extend(_record_link(r) for r in records)
    elif kind == "serious_case":
        from oversight.serious_cases.models import SeriousCase

        case = SeriousCase.objects.filter(pk=pk).first()
        if case is None:
            raise Http404
        down.extend(_summons_link(s) for s in Summons.objects.filter(reasons__serious_case=case).distinct())
        down.extend(
            _record_link(r) for r in AccountabilityRecord.objects.filter(links__serious_case=case).distinct()
        )
        down.extend(_disclosure_link(d) for d in case.disclosures.select_related("serious_case"))
    elif kind == "summons":
        summons = Summons.objects.filter(pk=pk).first()
        if summons is None:
            raise Http404
        up = _reason_links(summons)
        down.extend(Link("commitment", c.pk, f"{c.text}（{c.owner_post}，{c.due_on:%Y-%m-%d}）",
                         _("已完成") if c.done_on else _("未完成"), school=summons.school_id)
                    for c in summons.commitments.all())  # fmt: skip
        records = AccountabilityRecord.objects.filter(links__summons=summons).distinct()
        down.extend(_record_link(r) for r in records)
        down.extend(_disclosure_link(d) for d in Disclosure.objects.filter(accountability__in=records)
                    .select_related("serious_case"))  # fmt: skip
    elif kind == "accountability":
        record = AccountabilityRecord.objects.filter(pk=pk).first()
        if record is None:
            raise Http404
        up = _basis_links(record)
        down.extend(_disclosure_link(d) for d in record.disclosures.select_related("serious_case"))
    elif kind == "disclosure":
        row = Disclosure.objects.select_related("serious_case", "accountability").filter(pk=pk).first()
        if row is None:
            raise Http404
        up.append(_case_link(row.serious_case))
        if row.accountability_id:
            up.append(_record_link(row.accountability))
            up.extend(link for link in _basis_links(row.accountability) if link.kind == "summons")
    else:
        raise Http404
    return {"upstream": up, "downstream": down}


@dataclass
class Chain:
    school: object
    steps: list = field(default_factory=list)
    open: bool = True
    stage: str = ""


def _summons_open(s) -> bool:
    return s.state != SummonsState.CLOSED


def chains(*, viewer, school=None, campaign=None) -> list[Chain]:
    """Every chain: one per summons (its causes, commitments, the accountability citing it and the
    disclosures of that), and one per accountability record that cites no summons."""
    _bureau(viewer)
    summonses = (
        Summons.objects.select_related("school").prefetch_related("commitments").order_by("-issued_at")
    )
    records = AccountabilityRecord.objects.select_related("school").exclude(
        links__kind="summons").order_by("-decided_on")  # fmt: skip
    if school is not None:
        summonses, records = summonses.filter(school=school), records.filter(school=school)
    if campaign is not None:
        summonses = summonses.filter(reasons__phase__campaign=campaign).distinct()
        records = records.filter(links__phase__campaign=campaign).distinct()
    result = []
    for s in summonses:
        links = links_of(viewer=viewer, kind="summons", pk=s.pk)
        steps = links["upstream"] + [_summons_link(s)] + links["downstream"]
        related = AccountabilityRecord.objects.filter(links__summons=s)
        open_ = _summons_open(s) or related.filter(state=AccountabilityState.CHALLENGED).exists() or \
            Disclosure.objects.filter(accountability__in=related, state=DisclosureState.DRAFT).exists()  # fmt: skip
        result.append(Chain(school=s.school, steps=steps, open=open_, stage=_stage(steps)))
    for r in records:
        links = links_of(viewer=viewer, kind="accountability", pk=r.pk)
        steps = links["upstream"] + [_record_link(r)] + links["downstream"]
        open_ = (
            r.state == AccountabilityState.CHALLENGED
            or r.disclosures.filter(state=DisclosureState.DRAFT).exists()
        )
        result.append(Chain(school=r.school, steps=steps, open=open_, stage=_stage(steps)))
    return result


def _stage(steps) -> str:
    last = steps[-1]
    label = str(KIND_LABELS.get(last.kind, last.kind))
    return f"{label}：{last.state}" if last.state else label


def open_chain_count() -> int:
    """The dashboard's tile, in a few queries: chains with a step still to be done."""
    open_summons = Summons.objects.exclude(state=SummonsState.CLOSED)
    pending = Q(state=AccountabilityState.CHALLENGED) | Q(disclosures__state=DisclosureState.DRAFT)
    closed_summons_with_open_tail = Summons.objects.filter(state=SummonsState.CLOSED).filter(
        pk__in=AccountabilityBasis.objects.filter(record__in=AccountabilityRecord.objects.filter(pending))
        .values("summons_id")).count()  # fmt: skip
    loose = AccountabilityRecord.objects.exclude(links__kind="summons").filter(pending).distinct().count()
    return open_summons.count() + closed_summons_with_open_tail + loose
