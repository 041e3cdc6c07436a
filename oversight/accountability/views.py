"""District pages of accountability records (问责), bureau staff only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import record_chain
from oversight.accountability import actions, selectors, workflow
from oversight.accountability.forms import ChallengeForm, DecideForm, RecordForm, StatementForm
from oversight.accountability.models import BasisKind
from schools.views.common import add_errors
from tenants.access import bureau_view
from tenants.models import School


def link_choices(school) -> list[tuple[str, str]]:
    """The school's records an accountability decision may rest on."""
    from inspections.models import RectificationNotice
    from oversight.models import Campaign
    from oversight.serious_cases.models import SeriousCase
    from oversight.summons.models import Summons

    choices = [(f"{BasisKind.SUMMONS}:{s.pk}", _("约谈 %(n)s") % {"n": s.number})
               for s in Summons.objects.filter(school=school)]  # fmt: skip
    choices += [(f"{BasisKind.SERIOUS_CASE}:{c.pk}", _("严重欺凌事件 %(c)s") % {"c": c.case_code})
                for c in SeriousCase.objects.filter(school=school)]  # fmt: skip
    choices += [(f"{BasisKind.NOTICE}:{n.pk}", _("整改通知书（%(on)s 下达）") % {"on": n.issued_on.isoformat()})
                for n in RectificationNotice.objects.filter(school=school)]  # fmt: skip
    for campaign in Campaign.objects.prefetch_related("phases"):
        if campaign.includes(school):
            choices += [
                (f"{BasisKind.PHASE_REPORT}:{p.pk}", f"{campaign.name}·{p.name}")
                for p in campaign.phases.all()
            ]
    return choices


@bureau_view
def record_list(request):
    rows = list(selectors.records_for(viewer=request.user))
    for row in rows:
        row.shown_name = selectors.shown_name(row, request.user)
    schools = School.objects.exclude(schema_name="public").order_by("name")
    return render(request, "oversight/accountability/list.html", {"rows": rows, "schools": schools})


@bureau_view
def record_new(request):
    source = request.POST if request.method == "POST" else request.GET
    school = get_object_or_404(School.objects.exclude(schema_name="public"), pk=source.get("school") or 0)
    choices = link_choices(school)
    status = 200
    if request.method != "POST":
        form = RecordForm(initial={"school": school.pk, "decided_on": timezone.localdate(),
                                   "links": [v for v in source.getlist("link")]}, link_choices=choices)  # fmt: skip
    else:
        form = RecordForm(request.POST, link_choices=choices)
        if form.is_valid():
            try:
                row = actions.record(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("问责记录已登记。"))
                return redirect("accountability-detail", pk=row.pk)
        status = 400
    return render(
        request, "oversight/accountability/new.html", {"school": school, "form": form}, status=status
    )


def _detail(request, row, forms=None, status=200):
    forms = forms or {}
    return render(request, "oversight/accountability/detail.html", {
        "row": row, "shown_name": selectors.shown_name(row, request.user), "hints": selectors.hints(row, viewer=request.user),
        "steps": workflow.steps_from(row.state), "statement_form": forms.get("statement") or StatementForm(),
        "challenge_form": forms.get("challenge") or ChallengeForm(initial={"filed_on": timezone.localdate()}),
        "decide_form": forms.get("decide") or DecideForm(),
        "links": record_chain.links_of(viewer=request.user, kind="accountability", pk=row.pk),
    }, status=status)  # fmt: skip


@bureau_view
def record_detail(request, pk):
    return _detail(request, selectors.record_for(viewer=request.user, pk=pk))


def _step(name, form_class, run, done):
    @bureau_view
    def view(request, pk):
        row = selectors.record_for(viewer=request.user, pk=pk)
        if request.method != "POST":
            return redirect("accountability-detail", pk=pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                run(acting_user=request.user, record=row, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("accountability-detail", pk=pk)
        return _detail(request, row, {name: form}, status=400)

    return view


record_statement = _step("statement", StatementForm, actions.record_statement, _("陈述申辩已登记。"))
record_challenge = _step("challenge", ChallengeForm, actions.challenge, _("复核申请已登记。"))
decide_challenge = _step("decide", DecideForm, actions.decide_challenge, _("复核结果已登记。"))
