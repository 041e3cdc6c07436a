"""District pages of summons (约谈) and circulars (通报); the school's pages are in school_views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import record_chain
from oversight.summons import actions, notice_docx, selectors, workflow
from oversight.summons.forms import CircularForm, MeetingForm, ReviewForm, SummonsForm
from schools.views.common import add_errors
from tenants.access import bureau_view
from tenants.models import School

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(summons):
    response = HttpResponse(notice_docx.render(summons), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="summons-{summons.year}-{summons.sequence}.docx"'
    return response


@bureau_view
def summons_list(request):
    rows = list(selectors.summonses_for(viewer=request.user))
    for row in rows:
        row.overdue_items = selectors.overdue(row)
    schools = School.objects.exclude(schema_name="public").order_by("name")
    return render(request, "oversight/summons/list.html", {"rows": rows, "schools": schools})


def _new_page(request, school, form, status=200):
    return render(request, "oversight/summons/new.html", {"school": school, "form": form}, status=status)


@bureau_view
def summons_new(request):
    source = request.POST if request.method == "POST" else request.GET
    school = get_object_or_404(School.objects.exclude(schema_name="public"), pk=source.get("school") or 0)
    choices = selectors.candidate_reasons(viewer=request.user, school=school)
    if request.method != "POST":
        return _new_page(request, school, SummonsForm(initial={"school": school.pk}, reason_choices=choices))
    form = SummonsForm(request.POST, reason_choices=choices)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["reasons"] = [selectors.parse_reason(v) for v in data["reasons"]]
        try:
            summons = actions.issue(acting_user=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("约谈通知已发出（%(number)s），学校管理员将收到通知。") % {"number": summons.number},
            )
            return redirect("summons-detail", pk=summons.pk)
    return _new_page(request, school, form, status=400)


def _detail(request, summons, *, meeting=None, review=None, status=200):
    state = summons.state
    context = {
        "summons": summons, "overdue": selectors.overdue(summons), "steps": workflow.steps_from(state),
        "meeting_form": meeting or MeetingForm(), "review_form": review or ReviewForm(),
        "links": record_chain.links_of(viewer=request.user, kind="summons", pk=summons.pk),
        "now": timezone.now(),
    }  # fmt: skip
    return render(request, "oversight/summons/detail.html", context, status=status)


@bureau_view
def summons_detail(request, pk):
    return _detail(request, selectors.summons_for(viewer=request.user, pk=pk))


@bureau_view
def summons_docx(request, pk):
    return docx_response(selectors.summons_for(viewer=request.user, pk=pk))


@bureau_view
def summons_meeting(request, pk):
    summons = selectors.summons_for(viewer=request.user, pk=pk)
    if request.method != "POST":
        return redirect("summons-detail", pk=pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            actions.record_meeting(acting_user=request.user, summons=summons, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("约谈记录已登记。"))
            return redirect("summons-detail", pk=pk)
    return _detail(request, summons, meeting=form, status=400)


@bureau_view
def summons_review(request, pk):
    summons = selectors.summons_for(viewer=request.user, pk=pk)
    if request.method != "POST":
        return redirect("summons-detail", pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_report(acting_user=request.user, summons=summons, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("核查意见已登记。"))
            return redirect("summons-detail", pk=pk)
    return _detail(request, summons, review=form, status=400)


def _circulars(request, form, status=200):
    rows = selectors.circulars_for(viewer=request.user)
    summonses = selectors.summonses_for(viewer=request.user).order_by("-year", "-sequence")
    return render(request, "oversight/summons/circulars.html", {"rows": rows, "form": form, "summonses": summonses},
                  status=status)  # fmt: skip


@bureau_view
def circular_list(request):
    if request.method != "POST":
        return _circulars(request, CircularForm())
    form = CircularForm(request.POST)
    if form.is_valid():
        summons_id = request.POST.get("summons", "")
        summons = selectors.summons_for(viewer=request.user, pk=summons_id) if summons_id.isdigit() else None
        try:
            actions.circulate(acting_user=request.user, summons=summons, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("通报已发往全区各校。"))
            return redirect("circular-list")
    return _circulars(request, form, status=400)
