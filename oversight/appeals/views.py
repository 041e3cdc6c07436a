"""District pages of appeals (复查): the list with overdue ones marked, recording, deciding."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.appeals import actions, selectors
from oversight.appeals.forms import AppealForm, DecideForm
from oversight.appeals.workflow import allowed
from schools.views.common import add_errors
from tenants.access import bureau_view


def _list(request, form, status=200):
    rows = list(selectors.appeals_for(viewer=request.user))
    today = timezone.localdate()
    for row in rows:
        row.overdue = selectors.is_overdue(row, today)
    return render(request, "oversight/appeals/list.html", {"rows": rows, "form": form}, status=status)


@bureau_view
def appeal_list(request):
    return _list(request, AppealForm(initial={"received_on": timezone.localdate()}))


@bureau_view
def appeal_new(request):
    if request.method != "POST":
        return redirect("appeal-list")
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeal = actions.record_appeal(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("已受理复查申请，期限至 %(due)s。") % {"due": appeal.due_on.isoformat()}
            )
            return redirect("appeal-detail", pk=appeal.pk)
    return _list(request, form, status=400)


def _detail(request, appeal, form, status=200):
    return render(request, "oversight/appeals/detail.html", {
        "appeal": appeal, "form": form, "can_decide": bool(allowed(appeal.state)),
        "overdue": selectors.is_overdue(appeal),
    }, status=status)  # fmt: skip


@bureau_view
def appeal_detail(request, pk):
    appeal = selectors.appeal_for(viewer=request.user, pk=pk)
    return _detail(request, appeal, DecideForm(initial={"version": appeal.version}))


@bureau_view
def appeal_decide(request, pk):
    appeal = selectors.appeal_for(viewer=request.user, pk=pk)
    if request.method != "POST":
        return redirect("appeal-detail", pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.decide(acting_user=request.user, appeal=appeal, state=data["state"], reasons=data["reasons"],
                           delay_reason=data["delay_reason"], expected_version=data["version"])  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("复查结果已登记，学校将收到通知。"))
            return redirect("appeal-detail", pk=pk)
    return _detail(request, appeal, form, status=400)
