"""Incident pages: the list, intake, and one page per incident where each lifecycle step is a form."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.serious_cases import selectors as serious_selectors
from oversight.serious_cases.workflow import next_report_kinds
from schools import audit, permissions
from schools.actions import incidents as actions
from schools.actions import serious_reports
from schools.forms import incidents as forms
from schools.models import (
    DeterminationAppeal,
    FollowUp,
    Incident,
    IncidentParty,
    IncidentStage,
    PartyRole,
)
from schools.views.common import add_errors, requires, saved, step_views
from schools.workflows.incident import allowed_next, closing_checklist
from tenants.access import break_glass_view


@requires(permissions.can_log_incident)
def incident_list(request):
    membership = request.membership
    incidents = permissions.incidents_visible_to(membership, request.user, Incident.objects.all())
    stage = request.GET.get("stage", "")
    if stage in IncidentStage.values:
        incidents = incidents.filter(stage=stage)
    today = timezone.localdate()
    if request.GET.get("overdue"):
        incidents = incidents.filter(
            Q(stage=IncidentStage.INVESTIGATING, investigation_due_on__lt=today)
            | Q(upward_report_due_at__lt=timezone.now(), upward_reported_at__isnull=True)
        )
    return render(request, "schools/incidents/list.html", {
        "incidents": incidents[:500], "stages": IncidentStage.choices, "stage": stage, "today": today,
        "overdue": bool(request.GET.get("overdue")), "now": timezone.now(),
    })  # fmt: skip


@requires(permissions.can_log_incident)
def incident_new(request):
    form = forms.RecordIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.record_incident(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, "incident-detail", pk=incident.pk)
    # A refused form comes back with its messages and 400, like the API.
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/incidents/new.html", {"form": form}, status=status)


def _context(request, incident, bound=None):
    membership = request.membership
    parties = permissions.parties_visible_to(membership, incident)
    named = [p for p in parties if not p.masked]
    for party in named:
        party.edit_form = forms.PartyEditForm(
            initial={"party": party.pk, "grade": party.grade, "class_name": party.class_name,
                     "family_notified_at": party.family_notified_at, "version": party.version},
            auto_id=f"party{party.pk}_%s",
        )  # fmt: skip
    context = {
        "incident": incident,
        "can_handle": permissions.handles_incidents(membership),
        "can_see_parties": permissions.can_see_parties(membership, incident),
        "can_see_counselling": permissions.can_see_counselling(membership),
        "parties": parties,
        "perpetrators": [p for p in named if p.role == PartyRole.PERPETRATOR],
        "victims": [p for p in named if p.role == PartyRole.VICTIM],
        "follow_ups": incident.follow_ups.filter(voided_at__isnull=True),
        "appeals": incident.appeals.all(),
        "history": audit.history(incident)[:50],
        "next_stages": allowed_next(incident.stage),
        "closing_checklist": closing_checklist(incident),
        "today": timezone.localdate(),
        "now": timezone.now(),
        "forms": {
            "open": forms.OpenInvestigationForm(
                initial={"opened_on": timezone.localdate(), "version": incident.version}
            ),
            "party": forms.PartyForm(),
            "determine": forms.DetermineForm(
                initial={"determined_on": timezone.localdate(), "version": incident.version}
            ),
            "measure": forms.MeasureForm(initial={"decided_on": timezone.localdate()}),
            "support": forms.SupportForm(initial={"held_on": timezone.localdate()}),
            "follow_up": forms.FollowUpForm(),
            "follow_up_done": forms.FollowUpDoneForm(initial={"done_on": timezone.localdate()}),
            "appeal": forms.AppealForm(initial={"filed_on": timezone.localdate()}),
            "decide_appeal": forms.DecideAppealForm(),
            "close": forms.CloseForm(initial={"version": incident.version}),
            "void": forms.VoidForm(),
            "report": forms.SeriousReportForm(),
        },
    }
    # The district register's view of this case: its timeline, its flags, and which report is next.
    serious = serious_selectors.case_of_incident(school=connection.tenant, incident_id=incident.pk)
    context["serious"] = serious
    context["serious_timeline"] = serious_selectors.timeline(serious) if serious else []
    context["next_reports"] = next_report_kinds(serious.case) if serious else []
    context["reportable"] = serious is not None or serious_reports.is_reportable(incident)
    if context["next_reports"]:
        context["forms"]["report"] = forms.SeriousReportForm(initial={"kind": context["next_reports"][0]})
    if bound:
        name, form = bound
        context["forms"][name] = form
        if name == "edit_party":
            for party in parties:
                if str(party.pk) == form.data.get("party"):
                    party.edit_form = form
        context["failed_form"] = name
        # The form may sit in a card this stage does not show, so its messages also go on top.
        context["failed_errors"] = [message for messages in form.errors.values() for message in messages]
    return context


def _visible_incident(request, pk):
    incident = get_object_or_404(Incident, pk=pk)
    return incident if permissions.can_view_incident(request.membership, request.user, incident) else None


@break_glass_view
def incident_detail(request, pk):
    grant = getattr(request, "break_glass", None)
    if grant is not None:
        return _detail_under_grant(request, pk, grant)
    return _member_detail(request, pk)


@requires(permissions.can_log_incident)
def _member_detail(request, pk):
    incident = _visible_incident(request, pk)
    if incident is None:
        return render(request, "403.html", {"reason": _("您无权查看此事件。")}, status=403)
    return render(request, "schools/incidents/detail.html", _context(request, incident))


def _detail_under_grant(request, pk, grant):
    """A district user's read-only view under a break-glass grant (the middleware checked and logged
    it): the parties' names, no forms, no counselling notes."""
    incident = get_object_or_404(Incident, pk=pk)
    if incident.code != grant.incident_code:
        return render(request, "403.html", {"reason": _("此授权不适用于该事件。")}, status=403)
    context = _context(request, incident)
    context.update(
        can_handle=False, can_see_parties=True, can_see_counselling=False, break_glass=grant,
        parties=list(incident.parties.filter(voided_at__isnull=True)),
    )  # fmt: skip
    return render(request, "schools/incidents/detail.html", context)


_step = step_views(
    model=Incident,
    detail_url="incident-detail",
    template="schools/incidents/detail.html",
    context=lambda request, record, bound: _context(request, record, bound),
    allowed=permissions.handles_incidents,
)


def _party(incident, pk) -> IncidentParty:
    party = IncidentParty.objects.filter(incident=incident, pk=pk).first()
    if party is None:
        raise ValidationError(_("当事学生不属于此事件。"))
    return party


def _version(data):
    return data.get("version")


open_investigation = _step(
    "open",
    forms.OpenInvestigationForm,
    lambda r, i, d: actions.open_investigation(
        acting_user=r.user, incident=i, opened_on=d["opened_on"], expected_version=_version(d)
    ),
)
add_party = _step(
    "party", forms.PartyForm, lambda r, i, d: actions.add_party(acting_user=r.user, incident=i, **d)
)
determine = _step(
    "determine",
    forms.DetermineForm,
    lambda r, i, d: actions.determine(
        acting_user=r.user,
        incident=i,
        determination=d["determination"],
        kinds=d["kinds"],
        severity=d["severity"],
        determined_on=d["determined_on"],
        findings=d["findings"],
        expected_version=_version(d),
    ),
)
add_measure = _step(
    "measure",
    forms.MeasureForm,
    lambda r, i, d: actions.add_measure(
        acting_user=r.user,
        party=_party(i, d["party"]),
        kind=d["kind"],
        decided_on=d["decided_on"],
        notes=d["notes"],
    ),
)
add_support = _step(
    "support",
    forms.SupportForm,
    lambda r, i, d: actions.add_support(
        acting_user=r.user,
        party=_party(i, d["party"]),
        kind=d["kind"],
        held_on=d["held_on"],
        provided_by=d["provided_by"],
        notes=d["notes"],
    ),
)
schedule_follow_up = _step(
    "follow_up",
    forms.FollowUpForm,
    lambda r, i, d: actions.schedule_follow_up(acting_user=r.user, incident=i, due_on=d["due_on"]),
)
complete_follow_up = _step(
    "follow_up_done",
    forms.FollowUpDoneForm,
    lambda r, i, d: actions.complete_follow_up(
        acting_user=r.user,
        follow_up=get_object_or_404(FollowUp, incident=i, pk=d["follow_up"]),
        done_on=d["done_on"],
        notes=d["notes"],
    ),
)
file_appeal = _step(
    "appeal", forms.AppealForm, lambda r, i, d: actions.file_appeal(acting_user=r.user, incident=i, **d)
)
decide_appeal = _step(
    "decide_appeal",
    forms.DecideAppealForm,
    lambda r, i, d: actions.decide_appeal(
        acting_user=r.user,
        appeal=get_object_or_404(DeterminationAppeal, incident=i, pk=d["appeal"]),
        status=d["status"],
        outcome=d["outcome"],
    ),
)
close = _step(
    "close",
    forms.CloseForm,
    lambda r, i, d: actions.close(
        acting_user=r.user, incident=i, closing_summary=d["closing_summary"],
        follow_up_waiver=d["follow_up_waiver"], expected_version=_version(d),
    ),
)  # fmt: skip
edit_party = _step(
    "edit_party",
    forms.PartyEditForm,
    lambda r, i, d: actions.edit_party(
        acting_user=r.user, party=_party(i, d["party"]), grade=d["grade"], class_name=d["class_name"],
        family_notified_at=d["family_notified_at"], expected_version=_version(d),
    ),
)  # fmt: skip
void = _step(
    "void",
    forms.VoidForm,
    lambda r, i, d: actions.void(acting_user=r.user, incident=i, reason=d["voided_reason"]),
)
report_upward = _step(
    "report",
    forms.SeriousReportForm,
    lambda r, i, d: serious_reports.file_report(acting_user=r.user, incident=i, **d),
)
