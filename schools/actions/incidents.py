"""Every change to an incident goes through one of these functions: each validates, writes,
audits in the same transaction, and queues its notices for after the commit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import DistrictSettings
from schools import audit
from schools.actions import serious_reports
from schools.editing import ANY_VERSION, lock_for_edit
from schools.models import (
    AppealStatus,
    AppealSubject,
    Determination,
    DeterminationAppeal,
    FollowUp,
    HandlingMeasure,
    Incident,
    IncidentParty,
    IncidentSeverity,
    IncidentStage,
    PartyRole,
    SupportSession,
    Tip,
)
from schools.models.base import check_record_date
from schools.workflows.incident import check_closable, check_transition


def _next_code(today: dt.date) -> str:
    # One writer at a time per school picks the next number (advisory lock, released at commit).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.incident_code'))")
    prefix = f"{today.year}-"
    last = (
        Incident.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def _move(incident: Incident, target: str, *, acting_user, extra: dict | None = None) -> None:
    check_transition(incident, target)
    before = incident.stage
    incident.stage = target
    incident.version += 1
    incident.save()
    changes = {"stage": {"old": before, "new": target}, **(extra or {})}
    audit.record(actor=acting_user, action=f"incident.{target}", obj=incident, changes=changes)


def _locked(incident, expected_version=ANY_VERSION) -> Incident:
    return lock_for_edit(Incident, incident.pk, expected_version)


@transaction.atomic(durable=True)
def record_incident(
    *, acting_user, source: str, occurred_at: dt.datetime, place: str, summary: str, reporter: str = "",
) -> Incident:  # fmt: skip
    return create_incident(
        acting_user=acting_user, source=source, occurred_at=occurred_at, place=place, summary=summary,
        reporter=reporter,
    )  # fmt: skip


def create_incident(
    *, acting_user, source: str, occurred_at: dt.datetime, place: str, summary: str, reporter: str = "",
    tip: Tip | None = None,
) -> Incident:  # fmt: skip
    """The write behind record_incident, for actions that open an incident inside their own transaction."""
    check_record_date("occurred_at", occurred_at, _("发生时间"))
    if tip is not None and Incident.objects.filter(tip=tip).exists():
        raise ValidationError(_("该举报已经转为事件，不能重复登记。"))
    incident = Incident(
        code=_next_code(timezone.localdate()), source=source, occurred_at=occurred_at, place=place,
        summary=summary, reporter=reporter, tip=tip,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    incident.full_clean()
    incident.save()
    audit.record(actor=acting_user, action="incident.recorded", obj=incident, changes=audit.created(incident))
    serious_reports.sync_case(incident)  # police involved from the start: reportable at once
    return incident


@transaction.atomic(durable=True)
def add_party(
    *, acting_user, incident: Incident, student_name: str, grade: str, class_name: str, role: str,
    family_notified_at: dt.datetime | None = None,
) -> IncidentParty:  # fmt: skip
    incident = _locked(incident)
    if incident.stage == IncidentStage.CLOSED:
        raise ValidationError(_("事件已结案，不能再添加当事学生。"))
    if family_notified_at and family_notified_at > timezone.now():
        raise ValidationError({"family_notified_at": _("告知家长时间不能晚于现在。")})
    party = IncidentParty(
        incident=incident, student_name=student_name.strip(), grade=grade, class_name=class_name, role=role,
        family_notified_at=family_notified_at,
    )  # fmt: skip
    party.full_clean()
    party.save()
    audit.record(actor=acting_user, action="incident.party_added", obj=party, changes=audit.created(party))
    return party


PARTY_EDITABLE = ["grade", "class_name", "family_notified_at"]


@transaction.atomic(durable=True)
def edit_party(
    *, acting_user, party: IncidentParty, grade: str, class_name: str, family_notified_at: dt.datetime | None,
    expected_version=None,
) -> IncidentParty:  # fmt: skip
    """Correct a party's grade and class or record that the family was told, until the case closes."""
    return _edit_party(acting_user, party, expected_version, action="incident.party_edited", grade=grade.strip(),
                       class_name=class_name.strip(), family_notified_at=family_notified_at)  # fmt: skip


def _edit_party(
    acting_user, party: IncidentParty, expected_version, *, action: str, **fields
) -> IncidentParty:
    # The incident first, then the party: the order every incident step locks in.
    incident = Incident.objects.select_for_update().get(pk=party.incident_id)
    if incident.stage == IncidentStage.CLOSED:
        raise ValidationError(_("事件已结案，当事学生信息不能再修改。"), code="closed")
    if incident.voided_at is not None:
        raise ValidationError(_("该事件已作废，不能再办理。"), code="void")
    party = lock_for_edit(IncidentParty, party.pk, expected_version)
    notified_at = fields.get("family_notified_at")
    if notified_at and notified_at > timezone.now():
        raise ValidationError({"family_notified_at": _("告知家长时间不能晚于现在。")})
    before = audit.snapshot(party, PARTY_EDITABLE)
    for name, value in fields.items():
        setattr(party, name, value)
    party.full_clean()
    changes = audit.diff(before, audit.snapshot(party, PARTY_EDITABLE))
    if changes:
        party.version += 1
        party.save()
        audit.record(actor=acting_user, action=action, obj=party, changes=changes)
    return party


@transaction.atomic(durable=True)
def open_investigation(
    *, acting_user, incident: Incident, opened_on: dt.date, expected_version=None
) -> Incident:
    incident = _locked(incident, expected_version)
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("立案日期不能晚于今天。")})
    if opened_on < timezone.localtime(incident.occurred_at).date():
        raise ValidationError({"opened_on": _("立案日期不能早于事件发生日期。")})
    days = DistrictSettings.current().investigation_days
    incident.opened_on = opened_on
    incident.investigation_due_on = opened_on + dt.timedelta(days=days)
    _move(incident, IncidentStage.INVESTIGATING, acting_user=acting_user, extra={
        "opened_on": {"old": None, "new": opened_on.isoformat()},
        "investigation_due_on": {"old": None, "new": incident.investigation_due_on.isoformat()},
    })  # fmt: skip
    return incident


@transaction.atomic(durable=True)
def determine(
    *, acting_user, incident: Incident, determination: str, determined_on: dt.date, findings: str,
    kinds: list[str] | None = None, severity: str = "", expected_version=None,
) -> Incident:  # fmt: skip
    incident = _locked(incident, expected_version)
    if incident.determination:
        raise ValidationError(
            _("该事件已经作出认定，不能重复认定；如家长有异议，请登记认定申诉。"), code="determined"
        )
    check_transition(incident, IncidentStage.DETERMINED)
    kinds = sorted(set(kinds or []))
    errors = {}
    if determination == Determination.BULLYING:
        if not kinds:
            errors["kinds"] = _("认定为欺凌时，请至少选择一种欺凌类型。")
        if not severity:
            errors["severity"] = _("认定为欺凌时，请选择严重程度。")
    elif kinds or severity:
        errors["determination"] = _("未认定为欺凌时，不应填写欺凌类型和严重程度。")
    if determined_on > timezone.localdate():
        errors["determined_on"] = _("认定日期不能晚于今天。")
    elif incident.opened_on and determined_on < incident.opened_on:
        errors["determined_on"] = _("认定日期不能早于立案调查日期。")
    if not findings.strip():
        errors["findings"] = _("请填写调查情况。")
    if errors:
        raise ValidationError(errors)
    incident.determination = determination
    incident.kinds = kinds
    incident.severity = severity
    incident.determined_on = determined_on
    incident.findings = findings
    incident.full_clean()
    _move(incident, IncidentStage.DETERMINED, acting_user=acting_user, extra={
        "determination": {"old": "", "new": determination}, "kinds": {"old": [], "new": kinds},
        "severity": {"old": "", "new": severity}, "determined_on": {"old": None, "new": determined_on.isoformat()},
        "findings": {"old": "", "new": findings},
    })  # fmt: skip
    serious_reports.sync_case(incident)
    if incident.upward_report_due_at:
        _notify_admins(
            _("严重欺凌事件 %(code)s 需在期限内上报区教育局") % {"code": incident.code},
            _("认定为“%(severity)s”。请在 %(due)s 前完成上报。") % {
                "severity": IncidentSeverity(severity).label,
                "due": timezone.localtime(incident.upward_report_due_at).strftime("%Y-%m-%d %H:%M")},
            f"/incidents/{incident.pk}/",
        )  # fmt: skip
    return incident


@transaction.atomic(durable=True)
def add_measure(
    *, acting_user, party: IncidentParty, kind: str, decided_on: dt.date, notes: str = ""
) -> HandlingMeasure:
    incident = _locked(party.incident)
    if incident.stage not in (IncidentStage.DETERMINED, IncidentStage.HANDLING, IncidentStage.FOLLOW_UP):
        raise ValidationError(_("事件认定后才能登记处置措施。"))
    if incident.determination != Determination.BULLYING:
        raise ValidationError(_("只有认定为欺凌的事件才登记处置措施。"))
    if decided_on > timezone.localdate() or (incident.determined_on and decided_on < incident.determined_on):
        raise ValidationError({"decided_on": _("决定日期应在认定日期与今天之间。")})
    measure = HandlingMeasure(
        party=party, kind=kind, decided_on=decided_on, notes=notes, created_by=acting_user
    )
    measure.full_clean()
    measure.save()
    audit.record(
        actor=acting_user, action="incident.measure_added", obj=measure, changes=audit.created(measure)
    )
    if incident.stage == IncidentStage.DETERMINED:
        _move(incident, IncidentStage.HANDLING, acting_user=acting_user)
    serious_reports.sync_case(incident)
    return measure


@transaction.atomic(durable=True)
def add_support(
    *, acting_user, party: IncidentParty, kind: str, held_on: dt.date, provided_by: str, notes: str = ""
) -> SupportSession:
    incident = _locked(party.incident)
    if party.role != PartyRole.VICTIM:
        raise ValidationError(_("帮扶记录只适用于受害学生。"))
    if incident.stage == IncidentStage.CLOSED:
        raise ValidationError(_("事件已结案，请在追踪辅导中记录。"))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("日期不能晚于今天。")})
    session = SupportSession(
        party=party, kind=kind, held_on=held_on, provided_by=provided_by, notes=notes, created_by=acting_user
    )
    session.full_clean()
    session.save()
    # The audit keeps that a session happened, not the counselling notes themselves.
    audit.record(actor=acting_user, action="incident.support_added", obj=session,
                 changes={"kind": {"old": None, "new": kind}, "held_on": {"old": None, "new": held_on.isoformat()}})  # fmt: skip
    return session


@transaction.atomic(durable=True)
def schedule_follow_up(*, acting_user, incident: Incident, due_on: dt.date) -> FollowUp:
    incident = _locked(incident)
    if incident.stage not in (IncidentStage.HANDLING, IncidentStage.FOLLOW_UP):
        raise ValidationError(_("处置开始后才能安排追踪辅导。"))
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("计划日期不能早于今天。")})
    follow_up = FollowUp.objects.create(incident=incident, due_on=due_on)
    audit.record(actor=acting_user, action="incident.follow_up_scheduled", obj=follow_up,
                 changes={"due_on": {"old": None, "new": due_on.isoformat()}})  # fmt: skip
    if incident.stage == IncidentStage.HANDLING:
        _move(incident, IncidentStage.FOLLOW_UP, acting_user=acting_user)
    return follow_up


@transaction.atomic(durable=True)
def complete_follow_up(*, acting_user, follow_up: FollowUp, done_on: dt.date, notes: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on:
        raise ValidationError(_("该次追踪辅导已经记录完成。"))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("完成日期不能晚于今天。")})
    if not notes.strip():
        raise ValidationError({"notes": _("请填写追踪辅导情况。")})
    follow_up.done_on, follow_up.notes = done_on, notes
    follow_up.save()
    audit.record(actor=acting_user, action="incident.follow_up_done", obj=follow_up,
                 changes={"done_on": {"old": None, "new": done_on.isoformat()}})  # fmt: skip
    return follow_up


@transaction.atomic(durable=True)
def close(
    *,
    acting_user,
    incident: Incident,
    closing_summary: str,
    follow_up_waiver: str = "",
    expected_version=None,
) -> Incident:
    """结案. A case determined as bullying needs its whole closing checklist first; the follow-up may
    be waived only with a reason, which is kept on the incident."""
    incident = _locked(incident, expected_version)
    check_transition(incident, IncidentStage.CLOSED)
    if not closing_summary.strip():
        raise ValidationError({"closing_summary": _("请填写结案说明。")})
    if incident.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("还有未答复的认定申诉，不能结案。"))
    if incident.follow_ups.filter(done_on__isnull=True, voided_at__isnull=True).exists():
        raise ValidationError(_("还有未完成的追踪辅导，不能结案。"))
    missing = serious_reports.missing_before_close(incident)
    if missing:
        raise ValidationError(
            _("该事件须上报区教育局的%(reports)s尚未报送，不能结案。") % {"reports": "、".join(missing)},
            code="reports_missing",
        )
    check_closable(incident, follow_up_waiver)
    incident.closing_summary = closing_summary
    incident.closed_on = timezone.localdate()
    extra = {"closing_summary": {"old": "", "new": closing_summary}}
    waiver = follow_up_waiver.strip()
    if waiver and not incident.follow_ups.filter(done_on__isnull=False, voided_at__isnull=True).exists():
        extra["follow_up_waived_reason"] = {"old": incident.follow_up_waived_reason, "new": waiver}
        incident.follow_up_waived_reason = waiver
    _move(incident, IncidentStage.CLOSED, acting_user=acting_user, extra=extra)
    serious_reports.sync_case(incident)
    return incident


@transaction.atomic(durable=True)
def void(*, acting_user, incident: Incident, reason: str) -> Incident:
    incident = _locked(incident)
    if not reason.strip():
        raise ValidationError({"voided_reason": _("作废必须说明原因。")})
    incident.voided_reason, incident.voided_at = reason, timezone.now()
    incident.version += 1
    incident.save()
    audit.record(actor=acting_user, action="incident.voided", obj=incident,
                 changes={"voided_reason": {"old": "", "new": reason}})  # fmt: skip
    return incident


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day `days` working days (Monday to Friday) after `start`. Public holidays are not known
    to the platform; a district that counts them sets its limit accordingly."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@transaction.atomic(durable=True)
def file_appeal(
    *, acting_user, incident: Incident, filed_on: dt.date, filed_by: str, grounds: str,
    subject: str = "determination",
) -> DeterminationAppeal:  # fmt: skip
    incident = _locked(incident)
    if not incident.determination:
        raise ValidationError(_("事件尚未认定，不能登记认定申诉。"))
    if filed_on > timezone.localdate() or filed_on < incident.determined_on:
        raise ValidationError({"filed_on": _("提出日期应在认定日期与今天之间。")})
    if incident.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("已有一份申诉正在复查中。"))
    district = DistrictSettings.current()
    if subject == AppealSubject.DISCIPLINE:
        if not HandlingMeasure.objects.filter(party__incident=incident, voided_at__isnull=True).exists():
            raise ValidationError({"subject": _("该事件尚未登记处分或教育惩戒，不能对其申诉。")})
        due_on = add_working_days(filed_on, district.discipline_appeal_working_days)
    elif subject == AppealSubject.DETERMINATION:
        due_on = filed_on + dt.timedelta(days=district.determination_appeal_days)
    else:
        raise ValidationError({"subject": _("请选择申诉事项。")})
    appeal = DeterminationAppeal(
        incident=incident, subject=subject, filed_on=filed_on, filed_by=filed_by, grounds=grounds, due_on=due_on,
    )  # fmt: skip
    appeal.full_clean()
    appeal.save()
    audit.record(actor=acting_user, action="incident.appeal_filed", obj=appeal, changes=audit.created(appeal))
    serious_reports.sync_case(incident)
    return appeal


@transaction.atomic(durable=True)
def decide_appeal(
    *, acting_user, appeal: DeterminationAppeal, status: str, outcome: str
) -> DeterminationAppeal:
    appeal = lock_for_edit(DeterminationAppeal, appeal.pk, ANY_VERSION)
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError(_("该申诉已经答复。"))
    if status not in (AppealStatus.UPHELD, AppealStatus.CHANGED) or not outcome.strip():
        raise ValidationError({"outcome": _("请选择复查结果并填写复查结论。")})
    appeal.status, appeal.outcome, appeal.decided_on = status, outcome, timezone.localdate()
    appeal.version += 1
    appeal.save()
    audit.record(actor=acting_user, action="incident.appeal_decided", obj=appeal,
                 changes={"status": {"old": AppealStatus.PENDING, "new": status}, "outcome": {"old": "", "new": outcome}})  # fmt: skip
    return appeal


def _notify_admins(title: str, body: str, link: str) -> None:
    from django.db import connection as db

    from schools.notices import notify
    from tenants.models import SchoolMembership
    from tenants.roles import SchoolRole

    admins = SchoolMembership.objects.filter(
        school__schema_name=db.schema_name, role=SchoolRole.ADMIN, active=True
    ).values_list("user_id", flat=True)
    for user_id in admins:
        notify(recipient_id=user_id, title=title, body=body, link=link)
