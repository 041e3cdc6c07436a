"""The one privacy gate: every text that leaves a school's hands — into the public schema, onto a
public page or to an anonymous tipster — is refused when it identifies a pupil, in any of the
written forms below, and nothing is written.

The fields are found from the models: every text field of a public-schema model is either gated
(and has a writer here that plants each form through the real action) or listed as exempt with
its reason, so a new field without the gate fails `test_every_public_text_field_is_gated_or_exempt`."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from django_tenants.utils import tenant_context

from api import tokens
from inspections import actions as inspections
from oversight import actions as district
from oversight import break_glass
from oversight.accountability import actions as accountability
from oversight.appeals.models import DistrictAppeal
from oversight.disclosures import actions as disclosures
from oversight.models import Campaign, Phase
from oversight.serious_cases.models import ExternalReport, SeriousCaseReport
from oversight.summons import actions as summonses
from schools.actions import governance, tips
from schools.models import CareEntry, GovernanceMember, Incident, IncidentParty, Tip, TipMessage
from schools.privacy import gate
from tenants.models import AuditEvent, School, User

pytestmark = pytest.mark.django_db

PUPIL = "欧阳晓雯"  # an incident party
CARED = "司马青松"  # on the care list
TIPPED = "王小虎"  # named in a tip's text

PLANTS = {
    "known name": PUPIL,
    "name with spaces": "欧 阳 晓 雯",
    "name with a zero-width space": "欧阳\u200b晓雯",
    "name with punctuation": "欧·阳·晓·雯",
    "care-list name": CARED,
    "name given in a tip": TIPPED,
    "18-digit ID": "11010519491231002X",
    "18-digit ID in groups": "110105 19491231 002x",
    "15-digit ID": "110105491231002",
    "mobile": "13912345678",
    "mobile with dashes": "139-1234-5678",
    "mobile with +86": "+86 139 1234 5678",
    "full-width mobile with 0086": "００８６１３９１２３４５６７８",
    "mobile with dots": "139.1234.5678",
    "landline": "0519-85123456",
    "e-mail": "xiaowen2012@example.com",
    "class with an exact date": "三年级二班 2022年5月6日",
    "student number": "学号 20220345",
}

# Public-schema text fields that are not written from free text a school or bureau user types
# about pupils, each with the reason it is exempt.
EXEMPT = {
    "tenants.School.schema_name": "technical identifier chosen at onboarding",
    "tenants.School.name": "the school's official name, set by bureau admins at onboarding",
    "tenants.School.code": "the national school code",
    "tenants.School.slug": "the site's host name",
    "tenants.School.area": "the district's street/area name",
    "tenants.School.address": "the school's published address",
    "tenants.Domain.domain": "host name",
    "tenants.User.password": "a password hash",
    "tenants.User.username": "an adult's login name",
    "tenants.User.first_name": "an adult's account (never shown to the public)",
    "tenants.User.last_name": "an adult's account (never shown to the public)",
    "tenants.User.email": "an adult's account e-mail, an e-mail field by design",
    "tenants.User.full_name": "an adult's account name",
    "tenants.User.phone": "an adult's account phone, a phone field by design",
    "tenants.SchoolMembership.classes": "the classes a teacher teaches (no pupil in it)",
    "tenants.AuditEvent.action": "an action code",
    "tenants.AuditEvent.object_type": "a model name",
    "tenants.AuditEvent.object_id": "a primary key",
    "tenants.AuditEvent.changes": "copies of fields already gated by the action that writes them",
    "oversight.PhaseSubmission.figures": "whole numbers only (checked by the report action)",
    "oversight.PhaseSubmission.overridden": "figure keys only",
    "oversight.PhaseSubmission.content_hash": "a SHA-256 hash",
    "oversight.PhaseSubmission.prev_hash": "a SHA-256 hash",
    "oversight.BreakGlassGrant.incident_code": "the school's pseudonymous case code",
    "oversight.BreakGlassAccess.path": "a URL path of the school's site",
    "oversight.SchoolRollup.area": "copied from tenants.School.area",
    "oversight.DistrictIncidentCube.area": "copied from tenants.School.area",
    "oversight.DistrictIncidentKindCube.area": "copied from tenants.School.area",
    "api.ApiToken.prefix": "random key prefix",
    "api.ApiToken.key_hash": "a SHA-256 hash",
    "api.IdempotencyRecord.scope": "a hash of host and caller",
    "api.IdempotencyRecord.key": "the client's idempotency key",
    "api.IdempotencyRecord.path": "a URL path",
    "api.IdempotencyRecord.content_type": "a MIME type",
    "oversight.ActivityRollup.kind": "a choice code copied by the roll-up SQL",
    "oversight.DistrictIncidentCube.school_kind": "a choice code copied by the roll-up SQL",
    "oversight.DistrictIncidentCube.severity": "a choice code copied by the roll-up SQL",
    "oversight.DistrictIncidentKindCube.kind": "a choice code copied by the roll-up SQL",
    "oversight.DistrictIncidentKindCube.school_kind": "a choice code copied by the roll-up SQL",
    "oversight.HazardRollup.status": "a choice code copied by the roll-up SQL",
    "oversight.IncidentKindRollup.kind": "a choice code copied by the roll-up SQL",
    "oversight.IncidentKindRollup.severity": "a choice code copied by the roll-up SQL",
    "oversight.IncidentKindRollup.stage": "a choice code copied by the roll-up SQL",
    "oversight.IncidentRollup.severity": "a choice code copied by the roll-up SQL",
    "oversight.IncidentRollup.stage": "a choice code copied by the roll-up SQL",
    "oversight.PhaseProgressRollup.status": "a choice code copied by the roll-up SQL",
    "oversight.SchoolRollup.school_kind": "a choice code copied by the roll-up SQL",
    "oversight.SeriousCase.case_code": "the school's pseudonymous case code, written by the school's action",
    "oversight.SeriousCase.facts_hash": "a SHA-256 hash",
    "oversight.SeriousCase.reported_facts_hash": "a SHA-256 hash",
    "oversight.SeriousCaseReport.severity": "a severity code copied from the incident",
    "oversight.SeriousCaseReport.parties": "role, grade and count of each party, no names (built by the action)",
    "oversight.SeriousCaseReport.content_hash": "a SHA-256 hash",
    "oversight.SeriousCaseReport.prev_hash": "a SHA-256 hash",
    "oversight.ExternalReport.case_code": "matched against the school's register; an unknown code matches nothing",
    "oversight.DistrictAppeal.case_code": "checked to be a case code of that school",
    "api.IdempotencyRecord.body_hash": "a SHA-256 hash of the request body",
    "tenants.RateCounter.key": "a hashed counter key made by tenants.counters",
    "inspections.InspectorProfile.contact": "the inspector's own contact, public by design on the 挂牌 sign",
    "inspections.InspectorProfile.certificate_no": "the inspector's 督学证号, public by design on the 挂牌 sign",
    "inspections.Visit.client_key": "the form's or phone draft's random submission key",
    "inspections.Visit.methods": "method codes, each checked against VisitMethod by log_visit",
    "oversight.AccountabilityRecord.measure": "a measure code checked against the target's measures by the action",
    "oversight.AccountabilityBasis.label": "built by the action from the linked record's number, code or date",
    "oversight.SummonsReason.figure": "computed by the action from the linked record (dates, days, case codes)",
    "oversight.DisclosureSignoff.checklist": "the checklist's keys, written by the action",
    "oversight.DisclosureVersion.title": "a copy of Disclosure.title, gated by the action that writes both",
    "oversight.DisclosureVersion.facts": "a copy of Disclosure.facts, gated by the action that writes both",
    "oversight.DisclosureVersion.measures": "a copy of Disclosure.measures, gated by the action that writes both",
    "oversight.DisclosureVersion.outcome": "a copy of Disclosure.outcome, gated by the action that writes both",
    "oversight.OnboardingJob.file_name": "the file name of a bureau admin's school-list upload",
    "oversight.OnboardingJob.problems": "line numbers and messages made by the importer's row check",
    "oversight.OnboardingJob.failures": "line numbers and error texts made by the onboarding run",
    "oversight.SchoolScorecard.name": "copied from tenants.School.name",
    "oversight.TaskFailure.task_id": "Celery's task id",
    "oversight.TaskFailure.task_name": "the task's dotted name",
    "oversight.TaskFailure.schema_name": "technical identifier of the school's schema",
    "oversight.TaskFailure.error": "the exception text of a failed task",
}

PUBLIC_APPS = ("tenants", "oversight", "inspections", "api")


def public_text_fields() -> set[str]:
    """Every free-text field of every public-schema model (fields with choices are codes)."""
    found = set()
    for app in PUBLIC_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField | models.TextField | models.JSONField)
                    and not field.choices
                ):
                    found.add(f"{model._meta.label}.{field.name}")
    return found


def user(name):
    return User.objects.get(username=name)


class World:
    """What the writers need, made on first use so that each case builds only its own."""

    def __init__(self):
        self.alpha = School.objects.get(slug="alpha")
        with tenant_context(self.alpha):
            incident = Incident.objects.create(
                code="GATE-1", source="teacher", occurred_at=timezone.now() - dt.timedelta(days=2), place="操场",
                summary="推搡", stage="determined", determination="bullying", kinds=["physical"], severity="serious",
                determined_on=timezone.localdate(),
            )  # fmt: skip
            IncidentParty.objects.create(incident=incident, student_name=PUPIL, grade="三年级", class_name="三年级2班",
                                         role="victim")  # fmt: skip
            CareEntry.objects.create(student_name=CARED, grade="四年级", class_name="四年级1班",
                                     next_review_on=timezone.localdate())  # fmt: skip
            self.tip = Tip.objects.create(receipt_hash="g" * 64, body=f"我看到{TIPPED}被人打了")
        self._campaign = self._phase = self._visit = self._notice = self._submission = None
        self._appeal = self._changed_appeal = None
        self.incident = incident

    def report(self, **fields):
        from schools.actions import serious_reports

        values = {
            "kind": "first",
            "place_category": "playground",
            "account": "课间发生肢体冲突，已送医。",
            **fields,
        }
        return self.in_school(lambda: serious_reports.file_report(acting_user=user("alpha_admin"), incident=self.incident,
                                                                  **values))  # fmt: skip

    def record_appeal(self, grounds="家长对认定结论有异议。"):
        from oversight.appeals import actions as appeals

        return appeals.record_appeal(acting_user=user("bureau_staff"), school=self.alpha, case_code="GATE-1",
                                     subject="determination", channel="letter", received_on=timezone.localdate(),
                                     grounds=grounds)  # fmt: skip

    @property
    def grant_request(self):
        if getattr(self, "_grant_request", None) is None:
            self._grant_request = break_glass.open_grant(acting_user=user("bureau_staff"), school=self.alpha,
                                                         incident_code="GATE-1", reason="核实调查认定过程是否规范。")  # fmt: skip
        return self._grant_request

    @property
    def delayed_grant(self):
        from oversight.models import DistrictSettings

        if getattr(self, "_delayed_grant", None) is None:
            DistrictSettings.objects.filter(pk=DistrictSettings.current().pk).update(
                break_glass_mode="school_notice"
            )
            self._delayed_grant = break_glass.open_grant(acting_user=user("bureau_admin"), school=self.alpha,
                                                         incident_code="GATE-1", reason="核实调查认定过程是否规范。")  # fmt: skip
        return self._delayed_grant

    @property
    def appeal(self):
        if self._appeal is None:
            self._appeal = self.record_appeal()
        return self._appeal

    @property
    def changed_appeal(self):
        from oversight.appeals import actions as appeals

        if self._changed_appeal is None:
            self._changed_appeal = appeals.decide(acting_user=user("bureau_staff"), appeal=self.appeal, state="changed",
                                                  reasons="需补充调查。")  # fmt: skip
        return self._changed_appeal

    @property
    def campaign(self):
        if self._campaign is None:
            self._campaign = district.create_campaign(
                acting_user=user("bureau_admin"), name="门禁测试行动", year=2031
            )
        return self._campaign

    @property
    def phase(self):
        if self._phase is None:
            self._phase = district.add_phase(
                acting_user=user("bureau_admin"), campaign=self.campaign, name="排查摸底", starts_on=dt.date(2031, 3, 1),
                ends_on=dt.date(2031, 3, 31), report_due_on=dt.date(2031, 4, 5),
            )  # fmt: skip
        return self._phase

    @property
    def submission(self):
        if self._submission is None:
            from tests.campaign_helpers import at, submit

            self._submission = submit("alpha", self.phase, at(dt.date(2031, 3, 20)))
        return self._submission

    @property
    def visit(self):
        if self._visit is None:
            self._visit = inspections.log_visit(
                acting_user=user("inspector_alpha"), school=self.alpha, visited_on=timezone.localdate(),
                kind="routine", summary="检查了宿舍巡查记录。",
            )  # fmt: skip
        return self._visit

    @property
    def notice(self):
        if self._notice is None:
            self._notice = inspections.raise_notice(
                acting_user=user("inspector_alpha"), visit=self.visit, items="补齐巡查记录。"
            )
        return self._notice

    @property
    def answered_item(self):
        if getattr(self, "_answered_item", None) is None:
            item = self.notice.notice_items.order_by("order").first()
            self._answered_item = inspections.answer_item(
                acting_user=user("alpha_admin"), item=item, measures="已补齐。", evidence="巡查记录存档。"
            )
        return self._answered_item

    @property
    def missing_phase(self):
        """A phase alpha never reported: the reason a summons rests on."""
        from tests.oversight_helpers import missing_report

        if getattr(self, "_missing_phase", None) is None:
            _campaign, self._missing_phase = missing_report()
        return self._missing_phase

    @property
    def summons(self):
        if getattr(self, "_summons", None) is None:
            self.meeting_at = timezone.now() + dt.timedelta(hours=1)
            self._summons = _summon(self, meeting_at=self.meeting_at)
        return self._summons

    def after_meeting(self):
        from tests.campaign_helpers import server_clock

        return server_clock(self.meeting_at + dt.timedelta(hours=1))

    @property
    def met_summons(self):
        if getattr(self, "_met_summons", None) is None:
            summons = self.summons
            with self.after_meeting():
                self._met_summons = _meeting(self, summons)
        return self._met_summons

    @property
    def reported_summons(self):
        if getattr(self, "_reported_summons", None) is None:
            self._reported_summons = summonses.submit_report(acting_user=user("alpha_admin"), summons=self.met_summons,
                                                           report_text="已整改。", evidence="制度文件。")  # fmt: skip
        return self._reported_summons

    @property
    def accountability(self):
        if getattr(self, "_accountability", None) is None:
            self._accountability = _accountable(self)
        return self._accountability

    @property
    def challenged_accountability(self):
        if getattr(self, "_challenged", None) is None:
            self._challenged = accountability.challenge(acting_user=user("bureau_staff"), record=self.accountability,
                                                        filed_on=timezone.localdate(), grounds="认为处理过重。")  # fmt: skip
        return self._challenged

    @property
    def closed_case(self):
        from tests.oversight_helpers import closed_serious_case

        if getattr(self, "_closed_case", None) is None:
            self._closed_case = closed_serious_case(self.alpha)
        return self._closed_case

    @property
    def published_disclosure(self):
        from oversight.disclosures.models import CHECKLIST

        if getattr(self, "_published", None) is None:
            row = _disclose(self)
            for name in ("bureau_admin", "bureau_reviewer"):
                disclosures.sign_off(acting_user=user(name), disclosure=row, checklist=list(CHECKLIST))
            self._published = disclosures.publish(acting_user=user("bureau_staff"), disclosure=row)
        return self._published

    def in_school(self, run):
        with tenant_context(self.alpha):
            return run()


def _published(world, **changed):
    values = {"principal": "周校长", "legal_vice_principal": "", "hotline": "0519-85120001", "mailbox": ""}
    values.update(changed)
    return world.in_school(
        lambda: governance.set_published_info(acting_user=user("alpha_admin"), school=world.alpha, **values)
    )


def _break_glass(world, text):
    return break_glass.open_grant(
        acting_user=user("bureau_staff"),
        school=world.alpha,
        incident_code="GATE-1",
        reason=f"核实调查认定过程{text}",
    )


# field -> a write of the planted text through the real action. Fields of the school's own schema
# that are shown on a public page or to the anonymous tipster come after the public-schema ones.
WRITERS = {
    "oversight.Campaign.name": lambda w, t: district.create_campaign(
        acting_user=user("bureau_admin"), name=f"行动{t}", year=2032
    ),
    "oversight.Campaign.description": lambda w, t: district.create_campaign(
        acting_user=user("bureau_admin"), name="说明测试", year=2032, description=f"要求{t}"
    ),
    "oversight.Phase.title": lambda w, t: district.add_phase(
        acting_user=user("bureau_admin"),
        campaign=w.campaign,
        name=f"阶段{t}",
        starts_on=dt.date(2031, 1, 1),
        ends_on=dt.date(2031, 1, 31),
        report_due_on=dt.date(2031, 2, 5),
    ),
    "oversight.Phase.goals": lambda w, t: district.add_phase(
        acting_user=user("bureau_admin"),
        campaign=w.campaign,
        name="宣传",
        goals=f"目标{t}",
        starts_on=dt.date(2031, 1, 1),
        ends_on=dt.date(2031, 1, 31),
        report_due_on=dt.date(2031, 2, 5),
    ),
    "oversight.Phase.report_template": lambda w, t: district.add_phase(
        acting_user=user("bureau_admin"),
        campaign=w.campaign,
        name="宣传",
        starts_on=dt.date(2031, 1, 1),
        ends_on=dt.date(2031, 1, 31),
        report_due_on=dt.date(2031, 2, 5),
        report_template={
            "figures": ["surveys"],
            "sections": [{"key": "work", "title": f"工作{t}", "required": True}],
        },
    ),
    "oversight.PhaseExtension.reason": lambda w, t: district.grant_extension(
        acting_user=user("bureau_admin"),
        phase=w.phase,
        school=w.alpha,
        due_on=dt.date(2031, 4, 20),
        reason=f"原因{t}",
    ),
    "oversight.PhaseExemption.reason": lambda w, t: district.grant_exemption(
        acting_user=user("bureau_admin"), phase=w.phase, school=w.alpha, reason=f"原因{t}"
    ),
    "oversight.PhaseSubmission.review_comment": lambda w, t: district.return_submission(
        acting_user=user("bureau_staff"), submission=w.submission, comment=f"请补充{t}"
    ),
    "oversight.BreakGlassGrant.reason": _break_glass,
    "inspections.Visit.summary": lambda w, t: inspections.log_visit(
        acting_user=user("inspector_alpha"),
        school=w.alpha,
        visited_on=timezone.localdate(),
        kind="routine",
        summary=f"检查{t}",
    ),
    "inspections.Visit.void_reason": lambda w, t: inspections.void_visit(
        acting_user=user("inspector_alpha"), visit=w.visit, reason=f"误填{t}"
    ),
    "inspections.RectificationNotice.items": lambda w, t: inspections.raise_notice(
        acting_user=user("inspector_alpha"), visit=w.visit, items=f"整改{t}"
    ),
    "inspections.RectificationNotice.close_note": lambda w, t: inspections.close_notice(
        acting_user=user("inspector_alpha"), notice=w.notice, note=f"已整改{t}"
    ),
    "api.ApiToken.name": lambda w, t: tokens.issue_token(
        acting_user=user("alpha_admin"), school=w.alpha, name=f"脚本{t}"
    ),
    "tenants.School.principal": lambda w, t: _published(w, principal=f"周{t}"),
    "tenants.School.legal_vice_principal": lambda w, t: _published(w, legal_vice_principal=f"钱{t}"),
    "tenants.School.hotline": lambda w, t: _published(w, hotline=t),
    "tenants.School.mailbox": lambda w, t: _published(w, mailbox=f"信箱{t}"),
}


def _external(w, **fields):
    from oversight.serious_cases import actions as serious

    values = {"source": "police", "learned_at": timezone.now() - dt.timedelta(hours=1), "occurred_on": timezone.localdate(),
              **fields}  # fmt: skip
    return serious.record_external(acting_user=user("bureau_staff"), school=w.alpha, **values)


def _decide(w, **fields):
    from oversight.appeals import actions as appeals

    values = {"state": "upheld", "reasons": "认定适当。", **fields}
    return appeals.decide(acting_user=user("bureau_staff"), appeal=w.appeal, **values)


def _respond(w, text):
    from oversight.appeals import actions as appeals

    return w.in_school(lambda: appeals.school_respond(acting_user=user("alpha_admin"), appeal=w.changed_appeal,
                                                      response=f"已整改{text}"))  # fmt: skip


WRITERS.update(
    {
        "oversight.BreakGlassGrant.decision_note": lambda w, t: break_glass.reject_grant(
            acting_user=user("bureau_admin"), grant=w.grant_request, note=f"理由不足{t}"
        ),
        "oversight.BreakGlassGrant.objection_reason": lambda w, t: w.in_school(
            lambda: break_glass.object_to_grant(
                acting_user=user("alpha_admin"),
                grant=w.delayed_grant,
                reason=f"该事件已如实上报，无需调阅{t}",
            )
        ),
        "oversight.SeriousCaseReport.account": lambda w, t: w.report(account=f"经过：{t}"),
        "oversight.SeriousCaseReport.measures_text": lambda w, t: w.report(measures_text=f"措施：{t}"),
        "oversight.SeriousCaseReport.attention_channel": lambda w, t: w.report(
            public_attention="local", attention_channel=f"群{t}"
        ),
        "oversight.ExternalReport.source_detail": lambda w, t: _external(w, source_detail=f"来源{t}"),
        "oversight.ExternalReport.note": lambda w, t: _external(w, note=f"说明{t}"),
        "oversight.DistrictAppeal.grounds": lambda w, t: w.record_appeal(grounds=f"请求{t}"),
        "oversight.DistrictAppeal.decision_reasons": lambda w, t: _decide(w, reasons=f"理由{t}"),
        "oversight.DistrictAppeal.delay_reason": lambda w, t: _decide(w, delay_reason=f"逾期{t}"),
        "oversight.DistrictAppeal.school_response": _respond,
    }
)


def _checklist(w, *, code="gate-check", text="是否落实巡查。", note=""):
    return inspections.revise_checklist(acting_user=user("bureau_admin"), note=note,
                                        items=[{"code": code, "text": text, "answer_type": "yes_no", "points": 5}])  # fmt: skip


def _visit_with_answers(w, *, late_reason="", text="", evidence=""):
    from inspections.selectors import current_template

    items = current_template().items.all()
    free = next(item for item in items if item.answer_type == "text")
    yes_no = next(item for item in items if item.answer_type == "yes_no")
    answers = {free.pk: {"value": text or "已查看。"}, yes_no.pk: {"value": "yes", "evidence": evidence}}
    return inspections.log_visit(acting_user=user("inspector_alpha"), school=w.alpha, visited_on=timezone.localdate(),
                                 kind="routine", summary="例行督导。", answers=answers, late_reason=late_reason)  # fmt: skip


def _meeting(w, summons, **changed):
    values = {"attendees": [{"name": "", "post": "校长"}], "problems_raised": "阶段报告未报。",
              "school_statement": "立即整改。",
              "commitments": [{"text": "补报阶段报告。", "owner_post": "校长",
                               "due_on": timezone.localdate() + dt.timedelta(days=5)}]}  # fmt: skip
    for key, value in changed.items():
        if key in ("text", "owner_post"):
            values["commitments"][0][key] = value
        else:
            values[key] = value
    return summonses.record_meeting(acting_user=user("bureau_staff"), summons=summons, **values)


def _summon(w, **changed):
    values = {"meeting_at": timezone.now() + dt.timedelta(hours=1), "place": "区教育局会议室",
              "summoned_posts": ["校长"], "interviewers": "安监科", **changed}  # fmt: skip
    return summonses.issue(acting_user=user("bureau_staff"), school=w.alpha,
                           reasons=[{"kind": "phase_missing", "phase": w.missing_phase.pk}], **values)  # fmt: skip


def _met(w, **changed):
    with w.after_meeting():
        return _meeting(w, w.summons, **changed)


def _summons_report(w, **changed):
    values = {"report_text": "已整改。", "evidence": "制度文件。", **changed}
    return summonses.submit_report(acting_user=user("alpha_admin"), summons=w.met_summons, **values)


def _accountable(w, **changed):
    values = {"target": "institution", "measure": "criticism", "facts": "阶段报告逾期未报。",
              "basis": "专项行动方案第五条。", "deciding_body": "区教育局", **changed}  # fmt: skip
    return accountability.record(acting_user=user("bureau_admin"), school=w.alpha, decided_on=timezone.localdate(),
                                 links=[{"kind": "notice", "id": w.notice.pk}], **values)  # fmt: skip


def _accountable_person(w, **changed):
    values = {"target": "person", "measure": "admonition", "person_name": "周建国", "person_post": "副校长",
              **changed}  # fmt: skip
    return _accountable(w, **values)


def _disclose(w, **changed):
    values = {"title": "一起欺凌事件的处置情况", "facts": "我区一所小学发生一起学生欺凌事件。",
              "measures": "学校依规处置，开展心理辅导。", **changed}  # fmt: skip
    return disclosures.draft(acting_user=user("bureau_staff"), serious_case=w.closed_case, **values)


WRITERS.update(
    {
        "inspections.ChecklistTemplate.note": lambda w, t: _checklist(w, note=f"修订{t}"),
        "inspections.ChecklistItem.text": lambda w, t: _checklist(w, text=f"是否{t}"),
        "inspections.ChecklistItem.code": lambda w, t: _checklist(w, code=f"c-{t}"),
        "inspections.VisitPlan.note": lambda w, t: inspections.plan_visit(
            acting_user=user("inspector_alpha"),
            school=w.alpha,
            planned_on=timezone.localdate(),
            kind="routine",
            note=f"重点{t}",
        ),
        "inspections.Visit.late_reason": lambda w, t: _visit_with_answers(w, late_reason=f"外出{t}"),
        "inspections.VisitAnswer.text": lambda w, t: _visit_with_answers(w, text=f"发现{t}"),
        "inspections.VisitAnswer.evidence_note": lambda w, t: _visit_with_answers(w, evidence=f"查阅{t}"),
        "inspections.NoticeItem.text": lambda w, t: inspections.raise_notice(
            acting_user=user("inspector_alpha"), visit=w.visit, items=f"补齐巡查记录。\n整改{t}"
        ),
        "inspections.NoticeItem.measures": lambda w, t: inspections.answer_item(
            acting_user=user("alpha_admin"),
            item=w.notice.notice_items.first(),
            measures=f"已约谈{t}",
            evidence="巡查记录存档。",
        ),
        "inspections.NoticeItem.evidence": lambda w, t: inspections.answer_item(
            acting_user=user("alpha_admin"),
            item=w.notice.notice_items.first(),
            measures="已补齐。",
            evidence=f"记录{t}",
        ),
        "inspections.NoticeItem.recheck_note": lambda w, t: inspections.recheck_item(
            acting_user=user("inspector_alpha"), item=w.answered_item, passed=False, note=f"未到位{t}"
        ),
        "oversight.DistrictSettings.supervision_hotline": lambda w, t: inspections.update_inspection_rules(
            acting_user=user("bureau_admin"), values={"supervision_hotline": t}
        ),
        "oversight.Summons.place": lambda w, t: _summon(w, place=f"会议室{t}"),
        "oversight.Summons.documents": lambda w, t: _summon(w, documents=f"台账{t}"),
        "oversight.Summons.interviewers": lambda w, t: _summon(w, interviewers=f"安监科{t}"),
        "oversight.Summons.attendees": lambda w, t: _met(w, attendees=[{"name": t, "post": "校长"}]),
        "oversight.Summons.problems_raised": lambda w, t: _met(w, problems_raised=f"问题{t}"),
        "oversight.Summons.school_statement": lambda w, t: _met(w, school_statement=f"表态{t}"),
        "oversight.Commitment.text": lambda w, t: _met(w, text=f"承诺{t}"),
        "oversight.Commitment.owner_post": lambda w, t: _met(w, owner_post=f"班主任{t}"),
        "oversight.Summons.report_text": lambda w, t: _summons_report(w, report_text=f"整改{t}"),
        "oversight.Summons.report_evidence": lambda w, t: _summons_report(w, evidence=f"材料{t}"),
        "oversight.Summons.review_comment": lambda w, t: summonses.review_report(
            acting_user=user("bureau_staff"), summons=w.reported_summons, accept=False, comment=f"不足{t}"
        ),
        "oversight.Circular.title": lambda w, t: summonses.circulate(
            acting_user=user("bureau_staff"), title=f"通报{t}", body="部分学校阶段报告逾期未报。"
        ),
        "oversight.Circular.body": lambda w, t: summonses.circulate(
            acting_user=user("bureau_staff"), title="通报", body=f"情况{t}"
        ),
        "oversight.AccountabilityRecord.facts": lambda w, t: _accountable(w, facts=f"事实{t}"),
        "oversight.AccountabilityRecord.basis": lambda w, t: _accountable(w, basis=f"依据{t}"),
        "oversight.AccountabilityRecord.deciding_body": lambda w, t: _accountable(
            w, deciding_body=f"区教育局{t}"
        ),
        "oversight.AccountabilityRecord.person_name": lambda w, t: _accountable_person(w, person_name=t),
        "oversight.AccountabilityRecord.person_post": lambda w, t: _accountable_person(
            w, person_post=f"班主任{t}"
        ),
        "oversight.AccountabilityRecord.statement": lambda w, t: accountability.record_statement(
            acting_user=user("bureau_staff"), record=w.accountability, statement=f"申辩{t}"
        ),
        "oversight.AccountabilityRecord.challenge_grounds": lambda w, t: accountability.challenge(
            acting_user=user("bureau_staff"),
            record=w.accountability,
            filed_on=timezone.localdate(),
            grounds=f"理由{t}",
        ),
        "oversight.AccountabilityRecord.challenge_late_reason": lambda w, t: accountability.challenge(
            acting_user=user("bureau_staff"),
            record=w.accountability,
            filed_on=timezone.localdate(),
            grounds="认为处理过重。",
            late_reason=f"逾期{t}",
        ),
        "oversight.AccountabilityRecord.challenge_reasons": lambda w, t: accountability.decide_challenge(
            acting_user=user("bureau_staff"),
            record=w.challenged_accountability,
            outcome="upheld",
            reasons=f"理由{t}",
        ),
        "oversight.Disclosure.title": lambda w, t: _disclose(w, title=f"处置情况{t}"),
        "oversight.Disclosure.facts": lambda w, t: _disclose(w, facts=f"事件{t}"),
        "oversight.Disclosure.measures": lambda w, t: _disclose(w, measures=f"措施{t}"),
        "oversight.Disclosure.outcome": lambda w, t: _disclose(w, outcome=f"问责{t}"),
        "oversight.Disclosure.withdraw_reason": lambda w, t: disclosures.withdraw(
            acting_user=user("bureau_staff"), disclosure=w.published_disclosure, reason=f"撤回{t}"
        ),
    }
)
SCHOOL_OUTBOUND = {
    "schools.GovernanceMember.name (公示)": lambda w, t: w.in_school(
        lambda: governance.add_member(acting_user=user("alpha_admin"), name=t, group_role="member")
    ),
    "schools.GovernanceMember.duties (公示)": lambda w, t: w.in_school(
        lambda: governance.add_member(
            acting_user=user("alpha_admin"), name="吴主任", group_role="member", duties=f"负责{t}"
        )
    ),
    "schools.TipMessage.body (to the tipster)": lambda w, t: w.in_school(
        lambda: tips.reply(acting_user=user("alpha_admin"), tip=w.tip, body=f"已核实{t}")
    ),
    "schools.Tip.closed_reason (办结说明, to the tipster)": lambda w, t: w.in_school(
        lambda: tips.close_tip(acting_user=user("alpha_admin"), tip=w.tip, reason=f"已处理{t}")
    ),
}


def test_every_public_text_field_is_gated_or_exempt():
    fields = public_text_fields()
    missing = sorted(fields - set(WRITERS) - set(EXEMPT))
    assert not missing, (
        f"public-schema text fields with neither a gate test nor a stated exemption: {missing}"
    )
    stale = sorted((set(WRITERS) | set(EXEMPT)) - fields)
    assert not stale, f"listed fields that no longer exist: {stale}"


def test_scan_public_text_rescans_every_gated_text_field():
    """`manage.py scan_public_text` re-checks what is stored; a gated field it does not read would let
    text stored before a rule changed stay unchecked."""
    from oversight.privacy_fields import STORED, _more

    scanned = {
        f"{model._meta.label}.{field}" for model, fields, _via, _mail in STORED + _more() for field in fields
    }
    shape_only = {"tenants.School.hotline", "oversight.DistrictSettings.supervision_hotline"}
    # Persons' names and posts of accountability records are personnel data, gated on write only.
    personnel = {label for label in WRITERS if label.startswith("oversight.AccountabilityRecord.person_")}
    not_rescanned = sorted(set(WRITERS) - scanned - shape_only - personnel)
    assert not not_rescanned, f"gated fields that scan_public_text does not re-check: {not_rescanned}"


# What each writer works on, made before the counts are taken.
NEEDS = {
    "oversight.Phase.title": ["campaign"], "oversight.Phase.goals": ["campaign"],
    "oversight.Phase.report_template": ["campaign"], "oversight.PhaseExtension.reason": ["phase"],
    "oversight.PhaseExemption.reason": ["phase"], "oversight.PhaseSubmission.review_comment": ["submission"],
    "inspections.Visit.void_reason": ["visit"], "inspections.RectificationNotice.items": ["visit"],
    "inspections.RectificationNotice.close_note": ["answered_item"],
    "oversight.DistrictAppeal.decision_reasons": ["appeal"], "oversight.DistrictAppeal.delay_reason": ["appeal"],
    "oversight.DistrictAppeal.school_response": ["changed_appeal"],
    "oversight.BreakGlassGrant.decision_note": ["grant_request"],
    "oversight.BreakGlassGrant.objection_reason": ["delayed_grant"],
    "oversight.Summons.place": ["missing_phase"], "oversight.Summons.documents": ["missing_phase"],
    "oversight.Summons.interviewers": ["missing_phase"],
    "inspections.NoticeItem.text": ["visit"], "inspections.NoticeItem.measures": ["notice"],
    "inspections.NoticeItem.evidence": ["notice"], "inspections.NoticeItem.recheck_note": ["answered_item"],
    "oversight.Summons.attendees": ["summons"], "oversight.Summons.problems_raised": ["summons"],
    "oversight.Summons.school_statement": ["summons"], "oversight.Commitment.text": ["summons"],
    "oversight.Commitment.owner_post": ["summons"], "oversight.Summons.report_text": ["met_summons"],
    "oversight.Summons.report_evidence": ["met_summons"], "oversight.Summons.review_comment": ["reported_summons"],
    "oversight.AccountabilityRecord.facts": ["notice"], "oversight.AccountabilityRecord.basis": ["notice"],
    "oversight.AccountabilityRecord.deciding_body": ["notice"], "oversight.AccountabilityRecord.person_name": ["notice"],
    "oversight.AccountabilityRecord.person_post": ["notice"], "oversight.AccountabilityRecord.statement": ["accountability"],
    "oversight.AccountabilityRecord.challenge_grounds": ["accountability"],
    "oversight.AccountabilityRecord.challenge_late_reason": ["accountability"],
    "oversight.AccountabilityRecord.challenge_reasons": ["challenged_accountability"],
    "oversight.Disclosure.title": ["closed_case"], "oversight.Disclosure.facts": ["closed_case"],
    "oversight.Disclosure.measures": ["closed_case"], "oversight.Disclosure.outcome": ["closed_case"],
    "oversight.Disclosure.withdraw_reason": ["published_disclosure"],
}  # fmt: skip


def _all_writers():
    return {**WRITERS, **SCHOOL_OUTBOUND}


def _shape_only(label):
    # The hotlines are checked as phone numbers: a planted name is refused by its shape, a phone
    # number is what the field is for.
    return label in ("tenants.School.hotline", "oversight.DistrictSettings.supervision_hotline")


CASES = [
    (label, plant)
    for label in sorted(_all_writers())
    for plant in PLANTS
    if not (_shape_only(label) and plant in ("landline", "mobile", "mobile with dashes", "mobile with +86",
                                               "full-width mobile with 0086", "mobile with dots"))
]  # fmt: skip


@pytest.mark.parametrize(("label", "plant"), CASES)
def test_each_planted_form_is_refused_in_every_gated_field_and_nothing_is_written(label, plant):
    world = World()
    writer = _all_writers()[label]
    text = PLANTS[plant]
    for need in NEEDS.get(label, ()):
        getattr(world, need)
    audit_before = AuditEvent.objects.count()
    counts_before = _counts(world)
    with pytest.raises(ValidationError) as refused:
        writer(world, text)
    message = " ".join(refused.value.messages)
    assert message, "the refusal carries a message"
    assert AuditEvent.objects.count() == audit_before
    assert _counts(world) == counts_before
    if isinstance(refused.value, gate.IdentifyingText):
        # The span is shown masked, never whole.
        for finding in refused.value.findings:
            assert "*" in finding.masked
        assert PUPIL not in message and "13912345678" not in message


# The mailbox writer plants inside "信箱…", which is never an e-mail address: it is refused by
# the address's shape, as every text in that field is.
ORDINARY = {label: "0519-85120001" if _shape_only(label) else "A1" for label in _all_writers()}
del ORDINARY["tenants.School.mailbox"]


@pytest.mark.parametrize("label", sorted(ORDINARY))
def test_each_writer_writes_ordinary_text(label):
    # The refusals above count only if they come from the gate: each writer, given harmless text,
    # gets past every other check and writes.
    world = World()
    for need in NEEDS.get(label, ()):
        getattr(world, need)
    assert _all_writers()[label](world, ORDINARY[label]) is not None


def _counts(world):
    from inspections.models import (
        ChecklistTemplate,
        NoticeItem,
        RectificationNotice,
        Visit,
        VisitAnswer,
        VisitPlan,
    )
    from oversight.accountability.models import AccountabilityRecord
    from oversight.disclosures.models import Disclosure, DisclosureVersion
    from oversight.models import BreakGlassGrant, DistrictSettings, PhaseExemption, PhaseExtension
    from oversight.summons.models import Circular, Commitment, Summons

    counts = [
        Campaign.objects.count(), Phase.objects.count(), PhaseExtension.objects.count(),
        PhaseExemption.objects.count(), BreakGlassGrant.objects.count(), Visit.objects.filter(voided_at=None).count(),
        RectificationNotice.objects.count(), RectificationNotice.objects.filter(status="closed").count(),
        SeriousCaseReport.objects.count(), ExternalReport.objects.count(), DistrictAppeal.objects.count(),
        list(DistrictAppeal.objects.values_list("state", "school_response")),
        list(BreakGlassGrant.objects.values_list("state", "decision_note", "objection_reason")),
        list(School.objects.filter(pk=world.alpha.pk).values_list("principal", "legal_vice_principal", "hotline", "mailbox")),
        ChecklistTemplate.objects.count(), VisitPlan.objects.count(), VisitAnswer.objects.count(),
        list(NoticeItem.objects.order_by("pk").values_list("state", "measures", "evidence", "recheck_note")),
        list(DistrictSettings.objects.values_list("supervision_hotline")),
        list(Summons.objects.order_by("pk").values_list("state", "problems_raised", "report_text", "review_comment")),
        Commitment.objects.count(), Circular.objects.count(),
        list(AccountabilityRecord.objects.order_by("pk").values_list("state", "statement", "challenge_reasons")),
        list(Disclosure.objects.order_by("pk").values_list("state", "withdraw_reason")), DisclosureVersion.objects.count(),
    ]  # fmt: skip
    with tenant_context(world.alpha):
        counts += [
            GovernanceMember.objects.count(),
            TipMessage.objects.count(),
            Tip.objects.filter(status="closed").count(),
        ]
    return counts


def test_ordinary_text_passes_and_staff_names_are_allowed_on_the_public_page():
    world = World()
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="2032年防范校园欺凌专项行动", year=2032,
                                        description="各校开展排查摸底，7月15日前报送总结。")  # fmt: skip
    assert campaign.pk
    row = _published(world, principal="周建国", legal_vice_principal="钱明", hotline="0519-85120001 转 8001",
                     mailbox="xinxiang@school.example.cn")  # fmt: skip
    assert row.principal == "周建国" and row.mailbox == "xinxiang@school.example.cn"
    member = world.in_school(lambda: governance.add_member(acting_user=user("alpha_admin"), name="吴立新", group_role="member",
                                                          duties="负责学生心理健康教育。"))  # fmt: skip
    assert member.pk


def test_the_published_mailbox_must_be_an_email_and_the_hotline_a_phone_number():
    world = World()
    with pytest.raises(ValidationError) as refused:
        _published(world, mailbox="学校门口的信箱")
    assert "电子邮箱" in refused.value.message_dict["mailbox"][0]
    with pytest.raises(ValidationError) as refused:
        _published(world, hotline="请拨打校长室")
    assert "电话号码" in refused.value.message_dict["hotline"][0]


def test_an_unknown_person_name_is_a_warning_the_writer_confirms():
    world = World()
    with pytest.raises(gate.IdentifyingText) as warned:
        inspections.log_visit(acting_user=user("inspector_alpha"), school=world.alpha, visited_on=timezone.localdate(),
                              kind="routine", summary="张伟强在走廊推人。")  # fmt: skip
    assert warned.value.confirm_token
    message = warned.value.message_dict["summary"][0]
    assert "疑似人名" in message and "张*" in message and "张伟强" not in message
    token = gate.confirmed_tokens.set(frozenset({warned.value.confirm_token}))
    try:
        visit = inspections.log_visit(acting_user=user("inspector_alpha"), school=world.alpha,
                                      visited_on=timezone.localdate(), kind="routine", summary="张伟强在走廊推人。")  # fmt: skip
    finally:
        gate.confirmed_tokens.reset(token)
    assert visit.pk
    # A confirmation never covers a known pupil's name.
    with pytest.raises(gate.IdentifyingText) as refused:
        gate.refuse_identifying(world.alpha, confirm=warned.value.confirm_token, summary=f"张伟强和{PUPIL}")
    assert not refused.value.confirm_token


def test_the_gate_refuses_through_the_page_with_the_masked_span_and_a_confirmation_box(client_for):
    world = World()
    client = client_for("inspector_alpha")
    form = {"school": world.alpha.pk, "visited_on": timezone.localdate().isoformat(), "kind": "routine"}
    page = client.post("/inspections/new/", {**form, "summary": f"发现{PUPIL}被推搡，电话 139-1234-5678"})
    assert page.status_code == 400
    body = page.content.decode()
    # The writer's text stays in the form to be corrected; the error shows the spans masked.
    assert "“欧***”：本校已知的学生姓名" in body and "“139********78”：手机号码" in body
    warned = client.post("/inspections/new/", {**form, "summary": "张伟强在走廊推人。"})
    assert warned.status_code == 400
    token = warned.context["privacy_confirm_token"]()
    assert token and 'name="privacy_confirm"' in warned.content.decode()
    confirmed = client.post(
        "/inspections/new/", {**form, "summary": "张伟强在走廊推人。", "privacy_confirm": token}
    )
    assert confirmed.status_code == 302


def test_the_gate_refuses_through_the_api_and_a_header_confirms_a_warning(client_for):
    world = World()
    client = client_for("inspector_alpha")
    payload = {"school": world.alpha.pk, "visited_on": timezone.localdate().isoformat(), "kind": "routine"}
    refused = client.post("/api/v1/visits/", {**payload, "summary": f"身份证 11010519491231002X {PUPIL}"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert "身份证号" in refused.json()["errors"]["summary"][0]
    warned = client.post(
        "/api/v1/visits/", {**payload, "summary": "张伟强在走廊推人。"}, content_type="application/json"
    )
    assert warned.status_code == 400 and warned.json()["code"] == "confirm_names"
    token = warned.json()["confirm_token"]
    confirmed = client.post("/api/v1/visits/", {**payload, "summary": "张伟强在走廊推人。"},
                            content_type="application/json", HTTP_X_PRIVACY_CONFIRM=token)  # fmt: skip
    assert confirmed.status_code == 201, confirmed.content


def test_the_rescan_command_lists_what_is_stored_and_would_now_be_refused():
    world = World()
    campaign = district.create_campaign(acting_user=user("bureau_admin"), name="复扫测试", year=2033)
    Campaign.objects.filter(pk=campaign.pk).update(
        description=f"早先写入的说明：{PUPIL}同学，电话13912345678"
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("scan_public_text", stdout=out)
    assert exited.value.code == 1
    listing = out.getvalue()
    assert f"oversight.Campaign.description #{campaign.pk}" in listing
    assert "手机号码" in listing and "13912345678" not in listing
    assert world.alpha.pk


def test_an_inspector_reads_the_school_home_page_as_figures_and_categories_only(client_for):
    from schools.models import Hazard

    world = World()
    with tenant_context(world.alpha):
        Hazard.objects.create(found_on=timezone.localdate() - dt.timedelta(days=20), place="toilet",
                              risk_kind="张伟强常在厕所堵人", method="talk", found_by="班主任", description="x",
                              responsible="李建华老师", deadline=timezone.localdate() - dt.timedelta(days=2))  # fmt: skip
    inspector = client_for("inspector_alpha", "alpha").get("/").content.decode()
    assert "张伟强" not in inspector and "李建华" not in inspector and "厕所" in inspector
    staff = client_for("alpha_admin", "alpha").get("/").content.decode()
    assert "张伟强常在厕所堵人" in staff and "李建华老师" in staff
