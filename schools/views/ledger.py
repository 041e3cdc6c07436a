"""Hazard ledger pages (排查台账): the list with its filters, a new entry, one page per entry where
editing, each status move and voiding are forms, and the XLSX export in the familiar layout."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools import permissions
from schools.actions import ledger as actions
from schools.exports import hazard_ledger_xlsx, xlsx_response
from schools.forms import ledger as forms
from schools.models import Hazard, HazardPlace, HazardStatus
from schools.views.common import add_errors, requires, saved, step_views
from schools.views.history import history_rows
from schools.workflows.hazard import OPEN_STATUSES, allowed_next
from tenants.access import inspector_view


def can_read(membership) -> bool:
    """Everyone in the school may read the ledger; can_manage_records decides who writes."""
    return membership is not None


# What the button that moves an entry into each status says.
MOVE_LABELS = {
    HazardStatus.RECTIFYING: gettext_lazy("开始整改"),
    HazardStatus.FIXED: gettext_lazy("登记整改完成"),
    HazardStatus.VERIFIED: gettext_lazy("验收通过"),
}


def overdue_q(today):
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


def _filtered(request, *, include_void: bool):
    hazards = Hazard.objects.all()
    if not include_void:
        hazards = hazards.filter(voided_at__isnull=True)
    filters = {
        "status": request.GET.get("status", ""),
        "place": request.GET.get("place", ""),
        "overdue": bool(request.GET.get("overdue")),
    }
    if filters["status"] in HazardStatus.values:
        hazards = hazards.filter(status=filters["status"])
    if filters["place"] in HazardPlace.values:
        hazards = hazards.filter(place=filters["place"])
    if filters["overdue"]:
        hazards = hazards.filter(overdue_q(timezone.localdate()), voided_at__isnull=True)
    return hazards, filters


@inspector_view
@requires(can_read, inspectors_read=True)
def hazard_list(request):
    hazards, filters = _filtered(request, include_void=permissions.is_admin(request.membership))
    return render(request, "schools/ledger/list.html", {
        "hazards": hazards[:500], "statuses": HazardStatus.choices, "places": HazardPlace.choices,
        "today": timezone.localdate(), "open_statuses": OPEN_STATUSES, "query": request.GET.urlencode(),
        "can_manage": permissions.can_manage_records(request.membership), **filters,
    })  # fmt: skip


@requires(can_read)
def hazard_export(request):
    hazards, _filters = _filtered(request, include_void=False)
    today = timezone.localdate()
    workbook = hazard_ledger_xlsx(request.school.name, hazards.order_by("found_on", "id"), today=today)
    return xlsx_response(workbook, _("排查台账-%(date)s.xlsx") % {"date": today.isoformat()})


@requires(permissions.can_manage_records)
def hazard_new(request):
    form = forms.HazardForm(request.POST or None, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            hazard = actions.record_hazard(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, "hazard-detail", pk=hazard.pk)
    # A refused form comes back with its messages and 400, like the API.
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/ledger/new.html", {"form": form}, status=status)


def _context(request, hazard, bound=None):
    today = timezone.localdate()
    editable = {name: getattr(hazard, name) for name in actions.EDITABLE_FIELDS}
    context = {
        "hazard": hazard,
        "can_manage": permissions.can_manage_records(request.membership),
        "overdue": hazard.status in OPEN_STATUSES and hazard.deadline < today,
        "moves": [
            (status, HazardStatus(status).label, MOVE_LABELS[status])
            for status in HazardStatus.values
            if status in allowed_next(hazard.status)
        ],  # fmt: skip
        "history": history_rows(hazard),
        "today": today,
        "forms": {
            "edit": forms.EditHazardForm(initial={**editable, "version": hazard.version}),
            "move": forms.MoveHazardForm(initial={"version": hazard.version, "fixed_on": today}),
            "void": forms.VoidForm(),
        },
    }
    if bound:
        name, form = bound
        context["forms"][name] = form
        context["failed_form"] = name
        context["failed_errors"] = [message for messages in form.errors.values() for message in messages]
    return context


@inspector_view
@requires(can_read, inspectors_read=True)
def hazard_detail(request, pk):
    hazard = get_object_or_404(Hazard, pk=pk)
    if hazard.is_void and not permissions.is_admin(request.membership):
        return render(
            request, "403.html", {"reason": _("该台账条目已作废，仅学校管理员可查看。")}, status=403
        )
    return render(request, "schools/ledger/detail.html", _context(request, hazard))


_step = step_views(
    model=Hazard,
    detail_url="hazard-detail",
    template="schools/ledger/detail.html",
    context=lambda request, record, bound: _context(request, record, bound),
    allowed=permissions.can_manage_records,
)


def _edit(request, hazard, data):
    values = {name: data[name] for name in actions.EDITABLE_FIELDS}
    actions.edit_hazard(acting_user=request.user, hazard=hazard, expected_version=data["version"], **values)


hazard_edit = _step("edit", forms.EditHazardForm, _edit)
hazard_move = _step(
    "move",
    forms.MoveHazardForm,
    lambda r, h, d: actions.move_hazard_status(
        acting_user=r.user,
        hazard=h,
        status=d["status"],
        fixed_on=d["fixed_on"],
        expected_version=d["version"],
    ),
)
hazard_void = _step(
    "void",
    forms.VoidForm,
    lambda r, h, d: actions.void_hazard(acting_user=r.user, hazard=h, reason=d["voided_reason"]),
)
