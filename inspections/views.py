"""District pages for inspector visits (督导记录) and rectification notices (整改通知书).

The door is the district default (bureau staff and inspectors); each object is looked up among the
visitor's visible ones, so an inspector opening another school's visit gets a 404. The views only
read forms and call inspections.actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import actions, forms
from inspections.models import NoticeStatus, VisitKind
from inspections.permissions import may_act_for, schools_for, visible_notices, visible_visits
from inspections.selectors import NOT_VISITED_DAYS, latest_visits, open_notice_counts
from oversight.models import DistrictSettings
from schools.views.common import add_errors

PAGE_SIZE = 30


def _my_schools(user):
    """An inspector's schools with their latest visit and open notices (the same figures as the
    district dashboard)."""
    schools = list(schools_for(user).order_by("name"))
    ids = [school.pk for school in schools]
    latest, notices = latest_visits(ids), open_notice_counts(ids)
    today = timezone.localdate()
    rows = []
    for school in schools:
        last = latest.get(school.pk)
        counts = notices.get(school.pk, {"open": 0, "overdue": 0})
        rows.append({
            "school": school, "latest": last, "days": (today - last).days if last else None,
            "stale": last is None or (today - last).days > NOT_VISITED_DAYS, **counts,
        })  # fmt: skip
    return rows


def visit_list(request):
    user = request.user
    visits = (
        visible_visits(user)
        .select_related("school", "inspector")
        .annotate(open_notices=Count("notices", filter=Q(notices__status=NoticeStatus.OPEN)))
        .order_by("-visited_on", "-id")
    )
    school_id = request.GET.get("school", "")
    if school_id.isdigit():
        visits = visits.filter(school_id=int(school_id))
    kind = request.GET.get("kind", "")
    if kind in VisitKind.values:
        visits = visits.filter(kind=kind)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "schools": schools_for(user).order_by("name"), "kinds": VisitKind.choices,
        "school_id": school_id, "kind": kind,
        "my_schools": _my_schools(user) if user.is_inspector and not user.is_bureau else None,
        "not_visited_days": NOT_VISITED_DAYS,
    }  # fmt: skip
    return render(request, "inspections/list.html", context)


def visit_new(request):
    form = forms.VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = actions.log_visit(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("督导记录已填报，已通知学校。"))
            return redirect("visit-detail", pk=visit.pk)
    elif request.method == "GET" and request.GET.get("school", "").isdigit():
        form.initial["school"] = int(request.GET["school"])
    context = {"form": form, "record_days": DistrictSettings.current().visit_record_days}
    return render(request, "inspections/new.html", context, status=400 if form.errors else 200)


def visit_detail(request, pk, bound=None, status=200):
    visit = get_object_or_404(
        visible_visits(request.user).select_related("school", "inspector", "voided_by"), pk=pk
    )
    can_act = may_act_for(request.user, visit.school)
    today = timezone.localdate()
    notices = []
    for notice in visit.notices.select_related("issued_by", "closed_by").order_by("-issued_on", "-id"):
        close_form = None
        if can_act and notice.status == NoticeStatus.OPEN:
            close_form = bound[1] if bound and bound[0] == ("close", notice.pk) else forms.CloseNoticeForm(
                prefix=f"close-{notice.pk}"
            )  # fmt: skip
        notices.append({"notice": notice, "overdue": notice.is_overdue(today), "close_form": close_form})
    context = {
        "visit": visit, "notices": notices, "can_act": can_act and not visit.is_voided,
        "can_void": can_act and not visit.is_voided and (request.user.is_bureau or visit.inspector_id == request.user.pk),
        "notice_form": bound[1] if bound and bound[0] == "notice" else forms.NoticeForm(),
        "void_form": bound[1] if bound and bound[0] == "void" else forms.VoidVisitForm(),
        "bound": bound[0] if bound else None,
        "errors": [e for errors in bound[1].errors.values() for e in errors] if bound else [],
    }  # fmt: skip
    return render(request, "inspections/detail.html", context, status=status)


def _post_step(request, pk, key, form, run, done):
    """Run one change from a form on the visit's page; on refusal show the page again with the
    errors in place (status 400)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("visit-detail", pk=pk)
    return visit_detail(request, pk, bound=(key, form), status=400)


def visit_raise_notice(request, pk):
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    if request.method != "POST":
        return redirect("visit-detail", pk=pk)
    return _post_step(
        request, pk, "notice", forms.NoticeForm(request.POST),
        lambda d: actions.raise_notice(acting_user=request.user, visit=visit, **d),
        _("整改通知书已下达，已通知学校。"),
    )  # fmt: skip


def visit_void(request, pk):
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    if request.method != "POST":
        return redirect("visit-detail", pk=pk)
    return _post_step(
        request, pk, "void", forms.VoidVisitForm(request.POST),
        lambda d: actions.void_visit(acting_user=request.user, visit=visit, reason=d["reason"]),
        _("督导记录已作废。"),
    )  # fmt: skip


def notice_close(request, pk):
    notice = get_object_or_404(visible_notices(request.user), pk=pk)
    if request.method != "POST":
        return redirect("visit-detail", pk=notice.visit_id)
    return _post_step(
        request, notice.visit_id, ("close", notice.pk),
        forms.CloseNoticeForm(request.POST, prefix=f"close-{notice.pk}"),
        lambda d: actions.close_notice(acting_user=request.user, notice=notice, note=d["note"]),
        _("整改通知书已复查销号。"),
    )  # fmt: skip
