"""District pages of the serious-case register: the list with filters and flags, one case's
timeline, the XLSX the bureau sends to the city, and recording a case learned elsewhere."""

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.exports import XLSX
from oversight.serious_cases import actions, selectors
from oversight.serious_cases.forms import ExternalReportForm, RegisterFilterForm
from schools.views.common import add_errors
from tenants.access import bureau_view


def _filtered(request):
    form = RegisterFilterForm(request.GET or None, auto_id="filter_%s")
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    return form, filters


def _page(request, external_form, status=200):
    form, filters = _filtered(request)
    if form.is_bound and not form.is_valid():
        status = 400
    views = selectors.register(viewer=request.user, filters=filters)
    counts = selectors.flag_counts(viewer=request.user)
    return render(request, "oversight/serious_cases/register.html", {
        "filter_form": form, "views": views, "external_form": external_form, "query": request.GET.urlencode(),
        "flag_tiles": [(code, label, counts[code]) for code, label in selectors.FLAGS.items()],
    }, status=status)  # fmt: skip


@bureau_view
def register(request):
    return _page(
        request, ExternalReportForm(initial={"learned_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    )


@bureau_view
def external_new(request):
    if request.method != "POST":
        return redirect("serious-register")
    form = ExternalReportForm(request.POST)
    if form.is_valid():
        try:
            actions.record_external(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记，该校须在时限内报送。"))
            return redirect("serious-register")
    return _page(request, form, status=400)


@bureau_view
def case_detail(request, pk):
    view = selectors.case_for(viewer=request.user, pk=pk)
    return render(
        request, "oversight/serious_cases/detail.html", {"view": view, "timeline": selectors.timeline(view)}
    )


@bureau_view
def register_export(request):
    form, filters = _filtered(request)
    book = selectors.register(viewer=request.user, filters=filters)
    from oversight.serious_cases.exports import register_xlsx

    buffer = io.BytesIO()
    register_xlsx(book, settings.DISTRICT_NAME).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"serious-cases-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
