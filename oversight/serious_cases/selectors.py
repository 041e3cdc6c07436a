"""Reading the register: every flag is computed here from the server clock at the moment of
reading (迟报, 漏报, 续报逾期, 瞒报), each with its reason, so no write is needed for a deadline to
show as passed. Bureau staff see every school; a school sees its own cases only."""

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.serious_cases.models import ExternalReport, ReportKind, SeriousCase

FLAGS = {
    "late": gettext_lazy("迟报"),
    "missing": gettext_lazy("漏报"),
    "follow_up_overdue": gettext_lazy("续报逾期"),
    "concealed": gettext_lazy("瞒报嫌疑"),
}


@dataclass
class Flag:
    code: str
    reason: str

    @property
    def label(self):
        return FLAGS[self.code]


@dataclass
class CaseView:
    case: SeriousCase | None
    external: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    reports: list = field(default_factory=list)

    @property
    def flag_codes(self):
        return sorted({flag.code for flag in self.flags})


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _duration(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        return _("%(d)s 天 %(h)s 小时") % {"d": hours // 24, "h": hours % 24}
    return _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": int(delta.total_seconds() % 3600 // 60)}


def flags_of(case: SeriousCase, reports: list, external: list, now: dt.datetime) -> list[Flag]:
    flags = []
    first = next((r for r in reports if r.kind == ReportKind.FIRST), None)
    for report in reports:
        if report.is_late:
            flags.append(Flag("late", _("%(kind)s于 %(at)s 报送，应报时间 %(due)s，迟报 %(late)s。") % {
                "kind": report.get_kind_display(), "at": _local(report.filed_at), "due": _local(report.due_at),
                "late": _duration(report.late_by)}))  # fmt: skip
    if first is None and now > case.report_due_at:
        flags.append(Flag("missing", _("首报应于 %(due)s 前报送，至今未报（已超过 %(late)s）。") % {
            "due": _local(case.report_due_at), "late": _duration(now - case.report_due_at)}))  # fmt: skip
    if case.follow_up_due_at and now > case.follow_up_due_at:
        flags.append(Flag("follow_up_overdue", _("事件情况于 %(asked)s 发生变化，续报应于 %(due)s 前报送，至今未报。") % {
            "asked": _local(case.follow_up_asked_at), "due": _local(case.follow_up_due_at)}))  # fmt: skip
    closing = any(r.kind == ReportKind.CLOSING for r in reports)
    if case.closing_due_at and not closing and now > case.closing_due_at:
        flags.append(Flag("follow_up_overdue", _("事件已于 %(closed)s 结案，结案报告应于 %(due)s 前报送，至今未报。") % {
            "closed": case.closed_on.isoformat(), "due": _local(case.closing_due_at)}))  # fmt: skip
    for ext in external:
        reported_before = first is not None and first.filed_at <= ext.learned_at
        if case.first_known_at < ext.learned_at and not reported_before:
            flags.append(Flag("concealed", _(
                "学校于 %(known)s 已知悉，区教育局于 %(learned)s 经%(source)s获知，学校%(first)s。") % {
                "known": _local(case.first_known_at), "learned": _local(ext.learned_at), "source": ext.get_source_display(),
                "first": (_("首报于 %(at)s 才报送") % {"at": _local(first.filed_at)}) if first else _("至今未报送首报"),
            }))  # fmt: skip
    return flags


def _matches(ext: ExternalReport, case: SeriousCase) -> bool:
    if ext.school_id != case.school_id:
        return False
    return ext.case_code == case.case_code if ext.case_code else ext.occurred_on == case.occurred_on


def _may_see_all(viewer) -> bool:
    return getattr(viewer, "is_authenticated", False) and viewer.is_bureau


def register(*, viewer, school=None, now=None, filters=None) -> list[CaseView]:
    """The register as the viewer may see it: bureau staff every school (or one), a school its own.
    Districts' records of cases learned elsewhere that match no school case are rows of their own."""
    if not _may_see_all(viewer) and school is None:
        raise Http404
    now = now or timezone.now()
    filters = filters or {}
    cases = (
        SeriousCase.objects.select_related("school").prefetch_related("reports").order_by("-due_from", "-id")
    )
    external = ExternalReport.objects.select_related("school", "recorded_by")
    if school is not None:
        cases, external = cases.filter(school=school), external.filter(school=school)
    if filters.get("school"):
        cases, external = cases.filter(school=filters["school"]), external.filter(school=filters["school"])
    if filters.get("since"):
        cases = cases.filter(occurred_on__gte=filters["since"])
        external = external.filter(occurred_on__gte=filters["since"])
    if filters.get("until"):
        cases = cases.filter(occurred_on__lte=filters["until"])
        external = external.filter(occurred_on__lte=filters["until"])
    external = list(external)
    views, matched = [], set()
    for case in cases:
        reports = sorted(case.reports.all(), key=lambda r: r.number)
        latest = reports[-1] if reports else None
        if filters.get("kind") and (latest is None or filters["kind"] not in latest.kinds):
            continue
        if filters.get("severity") and (latest is None or latest.severity != filters["severity"]):
            continue
        mine = [ext for ext in external if _matches(ext, case)]
        matched |= {ext.pk for ext in mine}
        views.append(
            CaseView(case=case, external=mine, reports=reports, flags=flags_of(case, reports, mine, now))
        )
    for ext in external:
        if ext.pk in matched or filters.get("kind") or filters.get("severity"):
            continue
        flags = []
        if now > ext.report_due_at:
            flags.append(Flag("missing", _("区教育局于 %(learned)s 经%(source)s获知该校一起事件（发生于 %(on)s），学校应于 %(due)s 前报送，至今未报。") % {
                "learned": _local(ext.learned_at), "source": ext.get_source_display(), "on": ext.occurred_on.isoformat(),
                "due": _local(ext.report_due_at)}))  # fmt: skip
        views.append(CaseView(case=None, external=[ext], flags=flags))
    if filters.get("flag"):
        views = [view for view in views if filters["flag"] in view.flag_codes]
    return views


def case_for(*, viewer, pk: int, school=None, now=None) -> CaseView:
    """One case with its flags; a school may read only its own (one 404 otherwise)."""
    case = SeriousCase.objects.filter(pk=pk).select_related("school").first()
    if (
        case is None
        or (school is not None and case.school_id != school.pk)
        or (school is None and not _may_see_all(viewer))
    ):
        raise Http404
    now = now or timezone.now()
    reports = list(case.reports.order_by("number"))
    external = [ext for ext in ExternalReport.objects.filter(school=case.school) if _matches(ext, case)]
    return CaseView(
        case=case, external=external, reports=reports, flags=flags_of(case, reports, external, now)
    )


def case_of_incident(*, school, incident_id: int, now=None) -> CaseView | None:
    case = SeriousCase.objects.filter(school=school, incident_id=incident_id).first()
    return case_for(viewer=None, pk=case.pk, school=school, now=now) if case else None


def timeline(view: CaseView, incident=None) -> list[dict]:
    """First knowledge, determination, every report (on time or late), the district's records."""
    case = view.case
    events = [{"at": case.first_known_at, "what": _("学校知悉")}]
    if view.reports and view.reports[-1].determined_on:
        events.append({"at": None, "on": view.reports[-1].determined_on, "what": _("调查认定")})
    events.append({"at": case.report_due_at, "what": _("首报截止"), "due": True})
    for report in view.reports:
        events.append({"at": report.filed_at, "what": report.get_kind_display(), "report": report,
                       "late": report.is_late, "late_by": _duration(report.late_by) if report.is_late else ""})  # fmt: skip
    if case.follow_up_asked_at:
        events.append({"at": case.follow_up_asked_at, "what": _("情况变化，要求续报（截止 %(due)s）") % {
            "due": _local(case.follow_up_due_at)}})  # fmt: skip
    if case.closing_due_at:
        events.append({"at": case.closing_due_at, "what": _("结案报告截止"), "due": True})
    for ext in view.external:
        events.append({"at": ext.learned_at, "what": _("区教育局经%(source)s获知") % {"source": ext.get_source_display()},
                       "external": ext})  # fmt: skip
    key = [(e["at"] or timezone.make_aware(dt.datetime.combine(e["on"], dt.time(12)))) for e in events]
    return [event for _k, event in sorted(zip(key, events, strict=True), key=lambda pair: pair[0])]


def flag_counts(*, viewer, now=None) -> dict:
    """For the dashboard: how many cases carry each flag now."""
    counts = dict.fromkeys(FLAGS, 0)
    for view in register(viewer=viewer, now=now):
        for code in view.flag_codes:
            counts[code] += 1
    return counts
