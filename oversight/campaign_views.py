"""District pages for campaigns: set them up (phases, monthly phases, extensions, exemptions),
watch their progress (matrix, heatmap, rates), review reports, export to XLSX."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from inspections.selectors import schools_visible_to
from oversight import actions, forms, progress_rollup
from oversight.exports import XLSX, campaign_xlsx
from oversight.models import Campaign, Phase, PhaseSubmission, SubmissionStatus
from oversight.progress import LATE, MISSING, STATE_LABELS, STATE_SCORES
from oversight.reporting import FIGURES
from oversight.selectors import visible_progress, visible_submissions
from schools.views.common import add_errors
from tenants.access import bureau_view


def campaign_list(request):
    """Every campaign with its overall rates; bureau staff may create one."""
    campaigns = Campaign.objects.prefetch_related("phases")
    rows = [(campaign, visible_progress(request.user, campaign).total) for campaign in campaigns]
    form = forms.CampaignForm(initial={"scope": "all"}) if request.user.is_bureau else None
    return render(request, "oversight/campaigns/list.html", {"rows": rows, "form": form})


@bureau_view
def campaign_new(request):
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.create_campaign(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("campaign-detail", pk=campaign.pk)
    return render(request, "oversight/campaigns/new.html", {"form": form}, status=400 if form.errors else 200)


def _matrix_data(progress) -> dict:
    """What the heatmap script draws: scores, hover labels and each cell's link."""
    z, text, links = [], [], []
    for _school, cells in progress.rows():
        z.append([STATE_SCORES[c.state] for c in cells])
        text.append([c.label for c in cells])
        links.append(
            [reverse("submission-detail", args=[c.submission_id]) if c.submission_id else "" for c in cells]
        )
    return {
        "x": [phase.name for phase in progress.phases],
        "y": [school.name for school, _cells in progress.rows()],
        "z": z, "text": text, "links": links,
        "legend": [[score, str(STATE_LABELS[state])] for state, score in sorted(STATE_SCORES.items(), key=lambda i: i[1])],
    }  # fmt: skip


def campaign_detail(request, pk, bound=None):
    """The campaign's progress from the progress roll-up: tallies over every school, the matrix a
    page of schools at a time (furthest behind first), so the page costs the same at 20 schools
    as at 2,000."""
    campaign = get_object_or_404(Campaign, pk=pk)
    page = request.GET.get("page", "1")
    progress = progress_rollup.progress_page(
        campaign, int(page) if page.isdigit() else 1, timezone.localdate(), viewer=request.user
    )
    context = {
        "campaign": campaign,
        "progress": progress,
        "matrix_data": _matrix_data(progress),
        "view": request.GET.get("view", "chart"),
        "phase_form": forms.PhaseForm(initial={"grace_days": 0}),
        "monthly_form": forms.MonthlyForm(initial={"months": 12, "due_day": 10, "grace_days": 0}),
    }
    if bound:
        context[bound[0]] = bound[1]
    return render(request, "oversight/campaigns/detail.html", context, status=400 if bound else 200)


@bureau_view
def phase_new(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if request.method != "POST":
        return redirect("campaign-detail", pk=pk)
    form = forms.PhaseForm(request.POST)
    if form.is_valid():
        try:
            actions.add_phase(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("campaign-detail", pk=pk)
    return campaign_detail(request, pk, bound=("phase_form", form))


@bureau_view
def monthly_new(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if request.method != "POST":
        return redirect("campaign-detail", pk=pk)
    form = forms.MonthlyForm(request.POST)
    if form.is_valid():
        try:
            actions.generate_monthly_phases(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("campaign-detail", pk=pk)
    return campaign_detail(request, pk, bound=("monthly_form", form))


def campaign_export(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    workbook = campaign_xlsx(visible_progress(request.user, campaign))
    response = HttpResponse(content_type=XLSX)
    workbook.save(response)
    filename = f"{campaign.year}-{campaign.name}-进度.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def phase_detail(request, pk, bound=None):
    phase = get_object_or_404(Phase.objects.select_related("campaign"), pk=pk)
    progress = visible_progress(request.user, phase.campaign)
    index = [p.pk for p in progress.phases].index(phase.pk)
    rows = [(school, cells[index]) for school, cells in progress.rows()]
    visible = schools_visible_to(request.user)
    context = {
        "phase": phase, "rows": rows, "tally": progress.by_phase[phase.pk],
        "extensions": phase.extensions.filter(school__in=visible).select_related("school", "granted_by"),
        "exemptions": phase.exemptions.filter(school__in=visible).select_related("school", "granted_by"),
        "extension_form": forms.ExtensionForm(), "exemption_form": forms.ExemptionForm(),
        "correct_form": forms.PhaseCorrectForm.for_phase(phase),
        "figure_labels": [FIGURES[k] for k in phase.figure_keys()],
        "follow_up_states": (MISSING, LATE),  # a missing or late report may start a follow-through chain
    }  # fmt: skip
    if bound:
        context[bound[0]] = bound[1]
    return render(request, "oversight/campaigns/phase.html", context, status=400 if bound else 200)


def _phase_step(form_name, form_class, run):
    @bureau_view
    def view(request, pk):
        phase = get_object_or_404(Phase, pk=pk)
        if request.method != "POST":
            return redirect("phase-detail", pk=pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                run(request, phase, form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("phase-detail", pk=pk)
        return phase_detail(request, pk, bound=(form_name, form))

    return view


phase_extend = _phase_step(
    "extension_form", forms.ExtensionForm,
    lambda r, p, d: actions.grant_extension(acting_user=r.user, phase=p, **d),
)  # fmt: skip


@bureau_view
def phase_correct(request, pk):
    phase = get_object_or_404(Phase, pk=pk)
    if request.method != "POST":
        return redirect("phase-detail", pk=pk)
    form = forms.PhaseCorrectForm.for_phase(phase, request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)
        if "name" in values and not values["name"].strip():
            values.pop("name")
        try:
            actions.correct_phase(acting_user=request.user, phase=phase, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("阶段已更正。"))
            return redirect("phase-detail", pk=pk)
    return phase_detail(request, pk, bound=("correct_form", form))


phase_exempt = _phase_step(
    "exemption_form", forms.ExemptionForm,
    lambda r, p, d: actions.grant_exemption(acting_user=r.user, phase=p, **d),
)  # fmt: skip


def submission_detail(request, pk, form=None):
    submission = get_object_or_404(
        visible_submissions(request.user).select_related("school", "phase__campaign"), pk=pk
    )
    versions = list(
        PhaseSubmission.objects.filter(school=submission.school, phase=submission.phase).order_by("version")
    )
    keys = submission.phase.figure_keys()
    figures = [(FIGURES[k], submission.figures.get(k), k in submission.overridden) for k in keys]
    compare = None
    other_pk = request.GET.get("compare")
    other = next((v for v in versions if str(v.pk) == other_pk), None)
    if other is not None and other.pk != submission.pk:
        compare = {"other": other, "rows": [(FIGURES[k], other.figures.get(k), submission.figures.get(k),
                                             other.figures.get(k) != submission.figures.get(k)) for k in keys]}  # fmt: skip
    context = {
        "submission": submission, "versions": versions, "figures": figures, "compare": compare,
        "can_review": request.user.is_bureau and submission.status == SubmissionStatus.SUBMITTED
        and submission.version == versions[-1].version,
        "form": form or forms.ReviewForm(),
    }  # fmt: skip
    return render(request, "oversight/campaigns/submission.html", context, status=400 if form else 200)


def _review(run):
    @bureau_view
    def view(request, pk):
        submission = get_object_or_404(visible_submissions(request.user), pk=pk)
        if request.method != "POST":
            return redirect("submission-detail", pk=pk)
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                run(request, submission, form.cleaned_data["comment"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("submission-detail", pk=pk)
        return submission_detail(request, pk, form=form)

    return view


submission_accept = _review(
    lambda r, s, c: actions.accept_submission(acting_user=r.user, submission=s, comment=c)
)
submission_return = _review(
    lambda r, s, c: actions.return_submission(acting_user=r.user, submission=s, comment=c)
)
