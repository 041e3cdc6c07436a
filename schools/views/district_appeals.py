"""The school's view of district appeals (区级复查) on its cases: the outcome and, where the district
changed the school's decision, the school records what it changed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oversight.appeals import actions, selectors
from oversight.appeals.forms import RespondForm
from oversight.appeals.workflow import SCHOOL_MUST_RESPOND
from schools import permissions
from schools.views.common import add_errors, requires


def _page(request, failed=None, status=200):
    rows = list(selectors.appeals_for(viewer=request.user, school=connection.tenant))
    for row in rows:
        row.must_respond = row.state in SCHOOL_MUST_RESPOND and not row.school_responded_at
        row.form = failed[1] if failed and failed[0] == row.pk else RespondForm()
    return render(request, "schools/district_appeals.html", {"rows": rows}, status=status)


@requires(permissions.handles_incidents)
def appeal_list(request):
    return _page(request)


@requires(permissions.is_admin)
def appeal_respond(request, pk):
    appeal = selectors.appeal_for(viewer=request.user, pk=pk, school=connection.tenant)
    if request.method != "POST":
        return redirect("district-appeal-list")
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            actions.school_respond(
                acting_user=request.user, appeal=appeal, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("整改情况已登记，区教育局可以看到。"))
            return redirect("district-appeal-list")
    return _page(request, failed=(appeal.pk, form), status=400)
