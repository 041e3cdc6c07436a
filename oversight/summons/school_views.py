"""The school's side of a summons, on its own site: read the notice (and its DOCX), sign for it,
submit the rectification report; and the district's circulars."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oversight.summons import actions, selectors, workflow
from oversight.summons.forms import ReportForm
from oversight.summons.views import docx_response
from schools import permissions
from schools.views.common import add_errors, requires


@requires(permissions.handles_incidents)
def summons_list(request):
    rows = list(selectors.summonses_for(viewer=request.user, school=connection.tenant))
    for row in rows:
        row.overdue_items = selectors.overdue(row)
    return render(request, "oversight/summons/school_list.html", {"rows": rows})


def _detail(request, summons, form=None, error=None, status=200):
    return render(request, "oversight/summons/school_detail.html", {
        "summons": summons, "overdue": selectors.overdue(summons), "steps": workflow.steps_from(summons.state),
        "form": form or ReportForm(commitments=summons.commitments.all()), "error": error,
        "is_admin": request.membership is not None and request.membership.is_admin,
    }, status=status)  # fmt: skip


@requires(permissions.handles_incidents)
def summons_detail(request, pk):
    return _detail(request, selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant))


@requires(permissions.handles_incidents)
def summons_docx(request, pk):
    return docx_response(selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant))


@requires(permissions.is_admin)
def summons_acknowledge(request, pk):
    summons = selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant)
    if request.method != "POST":
        return redirect("school-summons-detail", pk=pk)
    try:
        actions.acknowledge(acting_user=request.user, summons=summons)
    except ValidationError as error:
        return _detail(request, summons, error=error.messages, status=400)
    messages.success(request, _("已签收约谈通知。"))
    return redirect("school-summons-detail", pk=pk)


@requires(permissions.is_admin)
def summons_report(request, pk):
    summons = selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant)
    if request.method != "POST":
        return redirect("school-summons-detail", pk=pk)
    form = ReportForm(request.POST, commitments=summons.commitments.all())
    if form.is_valid():
        try:
            actions.submit_report(acting_user=request.user, summons=summons, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("整改报告已提交，等待区教育局核查。"))
            return redirect("school-summons-detail", pk=pk)
    return _detail(request, summons, form=form, status=400)


def circular_list(request):
    rows = selectors.circulars_for(viewer=request.user)
    return render(request, "oversight/summons/school_circulars.html", {"rows": rows})
