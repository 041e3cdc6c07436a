"""Reporting serious cases up to the district (严格信息报送, seed 004 §4).

`sync_case` runs inside every incident change that can make a case reportable or change its
reported facts: it writes the case's row in the district register (public schema) the moment the
incident becomes reportable, and asks for a 续报 when the facts change after a report — so the
district sees a missed deadline from the moment it passes, without any further write.

`file_report` writes one de-identified report (首报, 续报 or 结案报告): categories, counts, dates and
an account that passes the privacy gate; immutable and hash-chained to the school's previous one."""

import datetime as dt
import hashlib
import json
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import GENESIS_HASH, DistrictSettings
from oversight.serious_cases.models import (
    PlaceCategory,
    PublicAttention,
    ReportKind,
    SeriousCase,
    SeriousCaseReport,
)
from oversight.serious_cases.workflow import next_report_kinds
from schools import audit
from schools.models import Incident, IncidentSource, IncidentStage, MeasureKind
from schools.permissions import handles_incidents
from schools.privacy.gate import refuse_identifying
from tenants import audit as district_audit

POLICE_MEASURES = {MeasureKind.POLICE_EDUCATION, MeasureKind.POLICE_ADMONITION, MeasureKind.JUDICIAL}
CHAIN_LOCK = 7_120_001  # advisory lock namespace of the serious-report chain (per school)


def police_involved(incident: Incident) -> bool:
    return incident.source == IncidentSource.POLICE or any(
        m in POLICE_MEASURES for m in _measure_kinds(incident)
    )


def _measure_kinds(incident: Incident) -> list[str]:
    from schools.models import HandlingMeasure

    return sorted(
        set(
            HandlingMeasure.objects.filter(party__incident=incident, voided_at__isnull=True).values_list(
                "kind", flat=True
            )
        )
    )


def is_reportable(incident: Incident) -> bool:
    """Serious or above, or police involved (and not voided)."""
    return incident.voided_at is None and (incident.is_serious or police_involved(incident))


def first_known_at(incident: Incident) -> dt.datetime:
    """When the school first knew: the incident's recording, or the tip it came from."""
    known = incident.created_at or timezone.now()
    if incident.tip_id:
        known = min(known, incident.tip.created_at)
    return known


def facts(incident: Incident) -> dict:
    """The facts whose change after a report asks for a 续报 (no names: codes and counts)."""
    return {
        "severity": incident.severity, "kinds": sorted(incident.kinds), "police": police_involved(incident),
        "measures": _measure_kinds(incident), "appeals": incident.appeals.count(),
    }  # fmt: skip


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _hours() -> dt.timedelta:
    return dt.timedelta(hours=DistrictSettings.current().serious_report_hours)


def sync_case(incident: Incident, *, known_at: dt.datetime | None = None) -> SeriousCase | None:
    """Keep the district register's row of this incident in step; call inside the change's
    transaction, in the school's schema. `known_at` is for history loaded after the fact (the demo's
    2022 cases), whose recording time is not when the school first knew."""
    school = connection.tenant
    case = SeriousCase.objects.select_for_update().filter(school=school, incident_id=incident.pk).first()
    if case is None and not is_reportable(incident):
        return None
    now = timezone.now()
    fingerprint = _fingerprint(facts(incident))
    if case is None:
        known = known_at or first_known_at(incident)
        # Due from the earliest of first knowledge, determination and the severity being raised:
        # all of them come after the incident was recorded, so its recording starts the clock.
        case = SeriousCase.objects.create(
            school=school, incident_id=incident.pk, case_code=incident.code,
            occurred_on=timezone.localtime(incident.occurred_at).date(), first_known_at=known, due_from=known,
            report_due_at=known + _hours(), facts_hash=fingerprint,
        )  # fmt: skip
        incident.upward_report_due_at = case.report_due_at
        Incident.objects.filter(pk=incident.pk).update(upward_report_due_at=case.report_due_at)
        _mail_bureau(
            _("新的严重欺凌事件待报：%(school)s %(code)s") % {"school": school.name, "code": case.case_code},
            _("首报应于 %(due)s 前报送。") % {"due": _local(case.report_due_at)},
        )
        return case
    changed = ["facts_hash"]
    case.facts_hash = fingerprint
    reported = case.reports.exists()
    if reported and fingerprint != case.reported_facts_hash and case.follow_up_due_at is None:
        case.follow_up_asked_at, case.follow_up_due_at = now, now + _hours()
        changed += ["follow_up_asked_at", "follow_up_due_at"]
    if incident.stage == IncidentStage.CLOSED and case.closed_on is None:
        case.closed_on, case.closing_due_at = incident.closed_on, now + _hours()
        changed += ["closed_on", "closing_due_at"]
    case.save(update_fields=[*changed, "updated_at"])
    return case


def missing_before_close(incident: Incident) -> list[str]:
    """The reports that are due and not filed, which stop the incident from closing."""
    case = SeriousCase.objects.filter(school=connection.tenant, incident_id=incident.pk).first()
    if case is None:
        return [_("首报")] if is_reportable(incident) else []
    missing = []
    if not case.reports.filter(kind=ReportKind.FIRST).exists():
        missing.append(_("首报"))
    if case.follow_up_due_at is not None:
        missing.append(_("续报"))
    return missing


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _parties(incident: Incident) -> list[dict]:
    counts = Counter((party.role, party.grade) for party in incident.parties.filter(voided_at__isnull=True))
    return [{"role": role, "grade": grade, "count": n} for (role, grade), n in sorted(counts.items())]


def canonical(report: SeriousCaseReport) -> dict:
    """Everything a report says, in plain JSON values, for its hash."""
    return {
        "school": report.school.code, "case": report.case.case_code, "kind": report.kind, "number": report.number,
        "due_at": report.due_at.astimezone(dt.UTC).isoformat(), "filed_at": report.filed_at.astimezone(dt.UTC).isoformat(),
        "kinds": list(report.kinds), "severity": report.severity, "parties": report.parties,
        "occurred_on": report.occurred_on.isoformat(),
        "determined_on": report.determined_on.isoformat() if report.determined_on else "",
        "place_category": report.place_category, "measures": list(report.measures), "measures_text": report.measures_text,
        "police_involved": report.police_involved, "medical_treatment": report.medical_treatment,
        "public_attention": report.public_attention, "attention_channel": report.attention_channel,
        "account": report.account,
    }  # fmt: skip


def report_hash(prev_hash: str, report: SeriousCaseReport) -> str:
    data = (
        (prev_hash or GENESIS_HASH) + "\n" + json.dumps(canonical(report), sort_keys=True, ensure_ascii=False)
    )
    return hashlib.sha256(data.encode()).hexdigest()


@transaction.atomic(durable=True)
def file_report(
    *, acting_user, incident: Incident, kind: str, place_category: str, account: str, measures_text: str = "",
    medical_treatment: bool = False, public_attention: str = PublicAttention.NONE, attention_channel: str = "",
) -> SeriousCaseReport:  # fmt: skip
    school = connection.tenant
    if not handles_incidents(
        acting_user.membership_in(school) if getattr(acting_user, "is_authenticated", False) else None
    ):
        raise ValidationError(_("只有学校管理员和负责处理欺凌事件的教职工可以上报区教育局。"))
    incident = Incident.objects.select_for_update(of=("self",)).select_related("tip").get(pk=incident.pk)
    if not is_reportable(incident):
        raise ValidationError(
            _(
                "该事件不属于须上报的事件（仅严重欺凌、屡教不改或情节恶劣、违反治安管理或涉嫌犯罪，或公安介入的事件须上报）。"
            ),
            code="not_reportable",
        )
    case = sync_case(incident)
    case = SeriousCase.objects.select_for_update().get(pk=case.pk)
    allowed = next_report_kinds(case)
    if kind not in allowed:
        raise ValidationError({"kind": _refusal(kind, case)}, code="kind_not_allowed")
    account, measures_text, attention_channel = (
        (account or "").strip(),
        (measures_text or "").strip(),
        (attention_channel or "").strip(),
    )
    errors = {}
    if not account:
        errors["account"] = _("请填写事件经过及处置情况（不得含学生姓名等个人信息）。")
    if place_category not in PlaceCategory.values:
        errors["place_category"] = _("请选择地点类别。")
    if public_attention not in PublicAttention.values:
        errors["public_attention"] = _("请选择舆情情况。")
    elif public_attention != PublicAttention.NONE and not attention_channel:
        errors["attention_channel"] = _("有舆情时请填写舆情渠道（如微信群、短视频平台）。")
    if errors:
        raise ValidationError(errors)
    # A case text: staff names are refused too (a 班主任's name points to the class).
    refuse_identifying(school, account=account, measures_text=measures_text, attention_channel=attention_channel,
                       refuse_staff_names=True)  # fmt: skip
    now = timezone.now()
    due_at = {ReportKind.FIRST: case.report_due_at, ReportKind.FOLLOW_UP: case.follow_up_due_at or now,
              ReportKind.CLOSING: case.closing_due_at or now}[kind]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK, school.pk])
    previous = SeriousCaseReport.objects.filter(school=school).order_by("-id").first()
    report = SeriousCaseReport(
        case=case, school=school, kind=kind, number=case.reports.count() + 1, due_at=due_at, filed_at=now,
        filed_by=acting_user, kinds=sorted(incident.kinds), severity=incident.severity, parties=_parties(incident),
        occurred_on=case.occurred_on, determined_on=incident.determined_on, place_category=place_category,
        measures=_measure_kinds(incident), measures_text=measures_text, police_involved=police_involved(incident),
        medical_treatment=bool(medical_treatment), public_attention=public_attention, attention_channel=attention_channel,
        account=account, prev_hash=previous.content_hash if previous else GENESIS_HASH,
    )  # fmt: skip
    report.content_hash = report_hash(report.prev_hash, report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(_("该报告已报送，不能重复报送。"), code="duplicate") from None
    case.reported_facts_hash = case.facts_hash
    fields = ["reported_facts_hash", "updated_at"]
    if kind == ReportKind.FOLLOW_UP:
        case.follow_up_due_at = case.follow_up_asked_at = None
        fields += ["follow_up_due_at", "follow_up_asked_at"]
    case.save(update_fields=fields)
    if kind == ReportKind.FIRST and incident.upward_reported_at is None:
        Incident.objects.filter(pk=incident.pk).update(upward_reported_at=now, version=incident.version + 1)
    changes = {
        "kind": kind,
        "number": report.number,
        "content_hash": report.content_hash,
        "late": report.is_late,
    }
    audit.record(actor=acting_user, action=f"serious_report.{kind}", obj=incident, changes=changes)
    district_audit.record(
        actor=acting_user, action=f"serious_report.{kind}", obj=report, school=school, changes=changes
    )
    _mail_bureau(
        _("%(school)s 报送了事件 %(code)s 的%(kind)s") % {"school": school.name, "code": case.case_code,
                                                      "kind": ReportKind(kind).label},
        _("报送时间 %(at)s（应报时间 %(due)s）。") % {"at": _local(now), "due": _local(due_at)},
    )  # fmt: skip
    return report


def _refusal(kind: str, case: SeriousCase) -> str:
    has_first = case.reports.filter(kind=ReportKind.FIRST).exists()
    if kind == ReportKind.FIRST and has_first:
        return _("该事件已报送首报，情况变化请报送续报。")
    if kind in (ReportKind.FOLLOW_UP, ReportKind.CLOSING) and not has_first:
        return _("该事件尚未报送首报，请先报送首报。")
    if kind == ReportKind.CLOSING and case.closed_on is None:
        return _("事件结案后才能报送结案报告。")
    if kind == ReportKind.CLOSING:
        return _("该事件已报送结案报告。")
    if kind == ReportKind.FOLLOW_UP and case.closed_on is not None:
        return _("事件已结案，请报送结案报告。")
    return _("请选择报告类型。")


def _mail_bureau(subject: str, body: str) -> None:
    """Tell bureau staff by e-mail after the commit (a broken mail server never undoes the write)."""
    from tenants.models import User
    from tenants.roles import DistrictRole

    def send():
        recipients = sorted(set(
            User.objects.filter(district_memberships__role__in=[DistrictRole.BUREAU_ADMIN, DistrictRole.BUREAU_STAFF],
                                is_active=True).exclude(email="").values_list("email", flat=True)))  # fmt: skip
        if recipients:
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )

    transaction.on_commit(send, robust=True)
