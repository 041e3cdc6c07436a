"""Summons (约谈) and circulars (通报). Each action checks its actor, validates against the linked
records, writes, audits in the same transaction and tells the school after the commit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from oversight.models import DistrictSettings
from oversight.summons import workflow
from oversight.summons.models import Circular, Commitment, ReasonKind, Summons, SummonsReason
from schools.privacy.gate import refuse_identifying
from tenants import audit
from tenants.models import School, SchoolMembership
from tenants.roles import SchoolRole

SERIOUS_FLAG = {
    ReasonKind.SERIOUS_MISSING: "missing",
    ReasonKind.SERIOUS_LATE: "late",
    ReasonKind.SERIOUS_CONCEALED: "concealed",
}


def bureau_only(user, message=None):
    if not getattr(user, "is_authenticated", False) or not user.is_bureau:
        raise ValidationError(message or _("只有教育局工作人员可以办理约谈。"))


def school_admin_only(user, school):
    membership = user.membership_in(school) if getattr(user, "is_authenticated", False) else None
    if membership is None or not membership.is_admin:
        raise ValidationError(_("只有学校管理员可以办理本校的约谈事项。"))


def tell_school_admins(school, title: str, link: str) -> None:
    admins = list(SchoolMembership.objects.filter(school=school, role=SchoolRole.ADMIN, active=True)
                  .values_list("user_id", flat=True))  # fmt: skip
    from schools.notices import notify

    with schema_context(school.schema_name):
        for user_id in admins:
            notify(recipient_id=user_id, title=title, link=link)


def _phase_figure(kind, school, phase_id, today):
    from oversight.models import Phase
    from oversight.progress import LATE, MISSING, campaign_progress

    phase = Phase.objects.select_related("campaign").filter(pk=phase_id).first()
    if phase is None:
        raise ValidationError({"reasons": _("所选阶段不存在。")})
    cell = campaign_progress(phase.campaign, today, phases=[phase], schools=[school]).cells[
        (school.pk, phase.pk)
    ]
    wanted = MISSING if kind == ReasonKind.PHASE_MISSING else LATE
    if cell.state != wanted:
        raise ValidationError({"reasons": _("%(school)s的“%(phase)s”阶段报告目前不是“%(kind)s”，不能作为约谈事由。") % {
            "school": school.name, "phase": phase.name, "kind": ReasonKind(kind).label}})  # fmt: skip
    if kind == ReasonKind.PHASE_MISSING:
        days = (today - cell.due_on).days
        figure = _("%(campaign)s·%(phase)s：应于 %(due)s 前报送，已逾期 %(days)s 天未报") % {
            "campaign": phase.campaign.name,
            "phase": phase.name,
            "due": cell.due_on.isoformat(),
            "days": days,
        }
    else:
        on = timezone.localtime(cell.submitted_at).date()
        figure = _("%(campaign)s·%(phase)s：应于 %(due)s 前报送，%(on)s 才报送，迟报 %(days)s 天") % {
            "campaign": phase.campaign.name, "phase": phase.name, "due": cell.due_on.isoformat(),
            "on": on.isoformat(), "days": (on - cell.due_on).days}  # fmt: skip
    return {"phase": phase}, figure


def _serious_figure(kind, school, case_id, viewer):
    from oversight.serious_cases.selectors import case_for

    view = case_for(viewer=viewer, pk=case_id) if case_id else None
    if view is None or view.case.school_id != school.pk:
        raise ValidationError({"reasons": _("所选严重欺凌事件不属于该校。")})
    flags = [flag for flag in view.flags if flag.code == SERIOUS_FLAG[kind]]
    if not flags:
        raise ValidationError({"reasons": _("事件 %(code)s 目前没有“%(kind)s”标记，不能作为约谈事由。") % {
            "code": view.case.case_code, "kind": ReasonKind(kind).label}})  # fmt: skip
    return {"serious_case": view.case}, f"{view.case.case_code}：{flags[0].reason}"


def _notice_figure(school, notice_id, today):
    from inspections.models import RectificationNotice

    notice = RectificationNotice.objects.filter(pk=notice_id, school=school).first()
    if notice is None or not notice.is_overdue(today):
        raise ValidationError({"reasons": _("所选整改通知书不属于该校或没有逾期。")})
    figure = _("整改通知书（%(issued)s 下达）：整改期限 %(due)s，已逾期 %(days)s 天") % {
        "issued": notice.issued_on.isoformat(),
        "due": notice.due_on.isoformat(),
        "days": (today - notice.due_on).days,
    }
    return {"notice": notice}, figure


def _flag_figure(school, viewer, today):
    from oversight import dashboard

    board = dashboard.build(viewer, dashboard.Filters.from_query({}, today=today), today=today)
    flag = next((f for f in board.all_flags if f.school.pk == school.pk), None)
    if flag is None:
        raise ValidationError(
            {"reasons": _("%(school)s目前不在问题突出学校名单中。") % {"school": school.name}}
        )
    return {}, _("问题突出学校（得分 %(score)s）：%(reasons)s") % {
        "score": flag.score,
        "reasons": "；".join(flag.reasons),
    }


def _appeal_figure(school, appeal_id):
    from oversight.appeals.models import AppealState, DistrictAppeal

    appeal = DistrictAppeal.objects.filter(pk=appeal_id, school=school, state=AppealState.CHANGED).first()
    if appeal is None:
        raise ValidationError({"reasons": _("所选复查不属于该校或结果不是“变更”。")})
    figure = _("事件 %(code)s 经区级复查于 %(on)s 变更学校结论") % {
        "code": appeal.case_code,
        "on": appeal.decided_on.isoformat(),
    }
    return {"appeal": appeal}, figure


def resolve_reason(*, school, reason: dict, viewer, today) -> tuple[dict, str]:
    """(the linked record fields, the figure shown) for one reason; refuses one the records do not bear out."""
    kind = reason.get("kind")
    if kind in (ReasonKind.PHASE_MISSING, ReasonKind.PHASE_LATE):
        return _phase_figure(kind, school, reason.get("phase"), today)
    if kind in SERIOUS_FLAG:
        return _serious_figure(kind, school, reason.get("serious_case"), viewer)
    if kind == ReasonKind.NOTICE_OVERDUE:
        return _notice_figure(school, reason.get("notice"), today)
    if kind == ReasonKind.FLAGGED:
        return _flag_figure(school, viewer, today)
    if kind == ReasonKind.APPEAL_CHANGED:
        return _appeal_figure(school, reason.get("appeal"))
    raise ValidationError({"reasons": _("请选择约谈事由。")})


def _lock(summons, step):
    row = Summons.objects.select_for_update().select_related("school").get(pk=summons.pk)
    if not workflow.can(step, row.state):
        raise ValidationError(
            _("该约谈当前为“%(state)s”，不能进行此操作。") % {"state": row.get_state_display()}
        )
    return row


@transaction.atomic(durable=True)
def issue(
    *, acting_user, school, reasons: list, meeting_at: dt.datetime, place: str, summoned_posts: list,
    interviewers: str, documents: str = "",
) -> Summons:  # fmt: skip
    bureau_only(acting_user)
    now = timezone.now()
    place, interviewers, documents = (
        (place or "").strip(),
        (interviewers or "").strip(),
        (documents or "").strip(),
    )
    posts = [p.strip() for p in summoned_posts or [] if p and p.strip()]
    errors = {}
    if school is None or school.schema_name == "public":
        errors["school"] = _("请选择学校。")
    if not reasons:
        errors["reasons"] = _(
            "约谈必须至少关联一项事由（未报或迟报的报告、严重欺凌事件、逾期整改通知书、问题突出学校标记或复查变更）。"
        )
    if meeting_at is None or meeting_at <= now:
        errors["meeting_at"] = _("约谈时间必须晚于现在。")
    if not place:
        errors["place"] = _("请填写约谈地点。")
    if not posts:
        errors["summoned_posts"] = _("请填写被约谈人员的职务（如校长、分管副校长、政教主任）。")
    if not interviewers:
        errors["interviewers"] = _("请填写约谈人。")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    resolved = [resolve_reason(school=school, reason=r, viewer=acting_user, today=today) for r in reasons]
    refuse_identifying(school, place=place, documents=documents, person_fields=("interviewers",),
                       interviewers=interviewers)  # fmt: skip
    year = timezone.localtime(now).year
    sequence = (
        Summons.objects.select_for_update().filter(year=year).aggregate(n=Max("sequence"))["n"] or 0
    ) + 1
    days = DistrictSettings.current().summons_ack_days
    summons = Summons.objects.create(
        school=school, year=year, sequence=sequence, meeting_at=meeting_at, place=place, summoned_posts=posts,
        interviewers=interviewers, documents=documents, ack_due_at=now + dt.timedelta(days=days), issued_by=acting_user,
    )  # fmt: skip
    for (links, figure), reason in zip(resolved, reasons, strict=True):
        SummonsReason.objects.create(summons=summons, kind=reason["kind"], figure=figure[:300], **links)
    audit.record(actor=acting_user, action="summons.issued", obj=summons, school=school, changes={
        "number": summons.number, "meeting_at": meeting_at.isoformat(), "place": place, "posts": posts,
        "reasons": [{"kind": r["kind"], "figure": f} for (_links, f), r in zip(resolved, reasons, strict=True)],
    })  # fmt: skip
    tell_school_admins(school, _("区教育局约谈通知（%(number)s）：请于 %(due)s 前签收。") % {
        "number": summons.number, "due": timezone.localtime(summons.ack_due_at).strftime("%Y-%m-%d %H:%M")},
        link=f"/summons/{summons.pk}/")  # fmt: skip
    return summons


@transaction.atomic(durable=True)
def acknowledge(*, acting_user, summons: Summons) -> Summons:
    """The school's admin signs for the notice on the school's own site."""
    school_admin_only(acting_user, summons.school)
    summons = _lock(summons, "acknowledge")
    summons.state = workflow.target("acknowledge")
    summons.acknowledged_at, summons.acknowledged_by = timezone.now(), acting_user
    summons.version += 1
    summons.save()
    audit.record(actor=acting_user, action="summons.acknowledged", obj=summons, school=summons.school,
                 changes={"acknowledged_at": summons.acknowledged_at.isoformat(),
                          "late": summons.acknowledged_at > summons.ack_due_at})  # fmt: skip
    return summons


@transaction.atomic(durable=True)
def record_meeting(
    *, acting_user, summons: Summons, attendees: list, problems_raised: str, school_statement: str,
    commitments: list, report_due_on: dt.date | None = None,
) -> Summons:  # fmt: skip
    """The meeting record (约谈记录): attendees by post, the problems raised, what the school said and
    its commitments, each with a deadline and an owner."""
    bureau_only(acting_user)
    summons = _lock(summons, "record_meeting")
    now = timezone.now()
    problems, statement = (problems_raised or "").strip(), (school_statement or "").strip()
    people = [
        {"name": (a.get("name") or "").strip(), "post": (a.get("post") or "").strip()}
        for a in attendees or []
    ]
    errors = {}
    if now < summons.meeting_at:
        errors["meeting_at"] = _("约谈时间为 %(at)s，约谈记录不能早于约谈时间登记。") % {
            "at": timezone.localtime(summons.meeting_at).strftime("%Y-%m-%d %H:%M")
        }
    if not people or any(not p["post"] for p in people):
        errors["attendees"] = _("请填写参加约谈的人员及其职务（每人都要有职务）。")
    if not problems:
        errors["problems_raised"] = _("请填写约谈中指出的问题。")
    if not commitments:
        errors["commitments"] = _("请至少登记一项整改承诺。")
    for c in commitments or []:
        if not (c.get("text") or "").strip():
            errors["commitments"] = _("每项整改承诺都要写明承诺事项。")
        elif not c.get("due_on"):
            errors["commitments"] = _("整改承诺“%(text)s”没有完成期限，请填写。") % {
                "text": c["text"].strip()
            }
        elif c["due_on"] < timezone.localdate():
            errors["commitments"] = _("整改承诺“%(text)s”的完成期限不能早于今天。") % {
                "text": c["text"].strip()
            }
        elif not (c.get("owner_post") or "").strip():
            errors["commitments"] = _("整改承诺“%(text)s”没有责任人（职务），请填写。") % {
                "text": c["text"].strip()
            }
    if errors:
        raise ValidationError(errors)
    # Attendees and owners are staff by name and post (personnel data): a pupil's name or number is
    # refused there too, other names are not warned of.
    refuse_identifying(summons.school, problems_raised=problems, school_statement=statement,
                       commitments="\n".join(c["text"] for c in commitments),
                       attendees="\n".join(f"{p['name']} {p['post']}" for p in people),
                       owner_post="\n".join((c.get("owner_post") or "").strip() for c in commitments),
                       person_fields=("attendees", "owner_post"))  # fmt: skip
    summons.state = workflow.target("record_meeting")
    summons.attendees, summons.problems_raised, summons.school_statement = people, problems, statement
    summons.recorded_at = now
    summons.report_due_on = report_due_on or timezone.localdate() + dt.timedelta(
        days=DistrictSettings.current().summons_report_days
    )
    summons.version += 1
    summons.save()
    rows = [Commitment.objects.create(summons=summons, text=c["text"].strip(), owner_post=c["owner_post"].strip(),
                                      due_on=c["due_on"]) for c in commitments]  # fmt: skip
    audit.record(actor=acting_user, action="summons.meeting_recorded", obj=summons, school=summons.school, changes={
        "attendees": people, "problems_raised": problems, "school_statement": statement,
        "commitments": [{"id": r.pk, "text": r.text, "owner_post": r.owner_post, "due_on": r.due_on.isoformat()}
                        for r in rows], "report_due_on": summons.report_due_on.isoformat()})  # fmt: skip
    tell_school_admins(summons.school, _("约谈记录已登记（%(number)s），整改报告请于 %(due)s 前提交。") % {
        "number": summons.number, "due": summons.report_due_on.isoformat()}, link=f"/summons/{summons.pk}/")  # fmt: skip
    return summons


@transaction.atomic(durable=True)
def submit_report(
    *, acting_user, summons: Summons, report_text: str, evidence: str, done: list | None = None
) -> Summons:
    """The school's rectification report (整改报告) with a description of its evidence; `done`: the
    ids of the commitments it says are fulfilled."""
    school_admin_only(acting_user, summons.school)
    summons = _lock(summons, "submit_report")
    text, evidence = (report_text or "").strip(), (evidence or "").strip()
    errors = {}
    if not text:
        errors["report_text"] = _("请填写整改报告。")
    if not evidence:
        errors["evidence"] = _("请说明整改佐证材料（如制度文件、会议记录、巡查记录）。")
    if errors:
        raise ValidationError(errors)
    refuse_identifying(summons.school, report_text=text, evidence=evidence)
    today = timezone.localdate()
    done_ids = set(done or [])
    Commitment.objects.filter(summons=summons, pk__in=done_ids, done_on__isnull=True).update(done_on=today)
    summons.state = workflow.target("submit_report")
    summons.report_text, summons.report_evidence, summons.reported_at = text, evidence, timezone.now()
    summons.version += 1
    summons.save()
    audit.record(actor=acting_user, action="summons.report_submitted", obj=summons, school=summons.school, changes={
        "report_text": text, "evidence": evidence, "commitments_done": sorted(done_ids),
        "late": bool(summons.report_due_on and today > summons.report_due_on)})  # fmt: skip
    return summons


@transaction.atomic(durable=True)
def review_report(*, acting_user, summons: Summons, accept: bool, comment: str) -> Summons:
    """The district verifies and closes the summons, or returns the report with a comment."""
    bureau_only(acting_user)
    step = "close" if accept else "return_report"
    summons = _lock(summons, step)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("请填写核查意见。")})
    refuse_identifying(summons.school, comment=comment)
    before = summons.state
    summons.state, summons.review_comment = workflow.target(step), comment
    if accept:
        summons.closed_at = timezone.now()
    summons.version += 1
    summons.save()
    audit.record(actor=acting_user, action="summons.closed" if accept else "summons.returned", obj=summons,
                 school=summons.school, changes={"state": {"old": before, "new": summons.state}, "comment": comment})  # fmt: skip
    title = (
        _("约谈 %(number)s 已核查办结。")
        if accept
        else _("约谈 %(number)s 的整改报告被退回，请修改后重新提交。")
    )
    tell_school_admins(summons.school, title % {"number": summons.number}, link=f"/summons/{summons.pk}/")
    return summons


@transaction.atomic(durable=True)
def circulate(*, acting_user, title: str, body: str, summons: Summons | None = None) -> Circular:
    """通报 to every school's site. De-identified: checked by the gate against every school's pupils
    (the text goes to all of them) and against the summoned school's staff."""
    bureau_only(acting_user, _("只有教育局工作人员可以发布通报。"))
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写通报标题。")
    if not body:
        errors["body"] = _("请填写通报内容。")
    if errors:
        raise ValidationError(errors)
    schools = list(School.objects.exclude(schema_name="public"))
    for school in schools:
        refuse_identifying(school, title=title, body=body,
                           refuse_staff_names=summons is not None and school.pk == summons.school_id)  # fmt: skip
    circular = Circular.objects.create(title=title, body=body, summons=summons, issued_by=acting_user)
    audit.record(actor=acting_user, action="circular.issued", obj=circular, changes={
        "title": title, "body": body, "summons": summons.pk if summons else None})  # fmt: skip
    for school in schools:
        if school.is_active:
            tell_school_admins(school, _("区教育局通报：%(title)s") % {"title": title}, link="/circulars/")
    return circular
