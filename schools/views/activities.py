"""Activity pages (宣传教育): the list with this semester's duties as done / required, a new
activity, and one page per activity where editing, evidence uploads and voiding are forms."""

import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import permissions, selectors
from schools.actions import activities as actions
from schools.forms import activities as forms
from schools.models import Activity, ActivityEvidence, ActivityKind
from schools.views.common import add_errors, requires, saved, step_views
from schools.views.history import history_rows
from tenants.access import inspector_view


def can_read(membership) -> bool:
    """Everyone in the school may read the activities; can_manage_records decides who writes."""
    return membership is not None


def _semester(request):
    """The semester asked for (?semester=YYYY-MM-DD, one of the recent ones) or the current one."""
    choices = selectors.recent_semesters()
    try:
        asked = dt.date.fromisoformat(request.GET.get("semester", ""))
    except ValueError:
        asked = None
    return (asked if asked in choices else choices[0]), [(start, semester_label(start)) for start in choices]


def semester_label(start: dt.date) -> str:
    """2024—2025 学年第一学期 (from August), 2024—2025 学年第二学期 (from February)."""
    if start.month == 2:
        return _("%(a)s—%(b)s 学年第二学期") % {"a": start.year - 1, "b": start.year}
    return _("%(a)s—%(b)s 学年第一学期") % {"a": start.year, "b": start.year + 1}


@inspector_view
@requires(can_read, inspectors_read=True)
def activity_list(request):
    start, semesters = _semester(request)
    activities = Activity.objects.filter(held_on__gte=start, held_on__lt=selectors.next_semester_start(start))
    if not permissions.is_admin(request.membership):
        activities = activities.filter(voided_at__isnull=True)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    return render(request, "schools/activities/list.html", {
        "activities": activities.prefetch_related("evidence")[:500], "kinds": ActivityKind.choices, "kind": kind,
        "semester": start, "semesters": semesters, "duties": selectors.semester_duties(start),
        "can_manage": permissions.can_manage_records(request.membership),
    })  # fmt: skip


@requires(permissions.can_manage_records)
def activity_new(request):
    form = forms.ActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            activity = actions.record_activity(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, "activity-detail", pk=activity.pk)
    # A refused form comes back with its messages and 400, like the API.
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/activities/new.html", {"form": form}, status=status)


def _context(request, activity, bound=None):
    editable = {name: getattr(activity, name) for name in actions.EDITABLE_FIELDS}
    context = {
        "activity": activity,
        "can_manage": permissions.can_manage_records(request.membership),
        "evidence": [
            {"pk": e.pk, "name": os.path.basename(e.file.name), "at": e.uploaded_at, "by": e.uploaded_by}
            for e in activity.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")
        ],
        "history": history_rows(activity),
        "forms": {
            "edit": forms.EditActivityForm(initial={**editable, "version": activity.version}),
            "evidence": forms.EvidenceForm(),
            "void": forms.VoidForm(),
        },
    }
    if bound:
        name, form = bound
        context["forms"][name] = form
        context["failed_form"] = name
        context["failed_errors"] = [message for messages in form.errors.values() for message in messages]
    return context


def _visible(request, pk):
    activity = get_object_or_404(Activity, pk=pk)
    if activity.is_void and not permissions.is_admin(request.membership):
        return None
    return activity


@inspector_view
@requires(can_read, inspectors_read=True)
def activity_detail(request, pk):
    activity = _visible(request, pk)
    if activity is None:
        return render(
            request, "403.html", {"reason": _("该活动记录已作废，仅学校管理员可查看。")}, status=403
        )
    return render(request, "schools/activities/detail.html", _context(request, activity))


@requires(can_read)
def evidence_file(request, pk, evidence_pk):
    """Evidence is served by the school's own site to its members, never from a public folder."""
    activity = _visible(request, pk)
    if activity is None:
        return render(
            request, "403.html", {"reason": _("该活动记录已作废，仅学校管理员可查看。")}, status=403
        )
    evidence = get_object_or_404(ActivityEvidence, activity=activity, pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("文件不存在。")) from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(evidence.file.name))


_step = step_views(
    model=Activity,
    detail_url="activity-detail",
    template="schools/activities/detail.html",
    context=lambda request, record, bound: _context(request, record, bound),
    allowed=permissions.can_manage_records,
)


def _edit(request, activity, data):
    values = {name: data[name] for name in actions.EDITABLE_FIELDS}
    actions.edit_activity(
        acting_user=request.user, activity=activity, expected_version=data["version"], **values
    )


activity_edit = _step("edit", forms.EditActivityForm, _edit)
activity_add_evidence = _step(
    "evidence",
    forms.EvidenceForm,
    lambda r, a, d: actions.add_evidence(acting_user=r.user, activity=a, upload=d["file"]),
)
activity_void = _step(
    "void",
    forms.VoidForm,
    lambda r, a, d: actions.void_activity(acting_user=r.user, activity=a, reason=d["voided_reason"]),
)
