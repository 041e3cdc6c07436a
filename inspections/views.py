"""District pages for inspectors (督导记录): visits with the checklist, plans, notices and their
re-checks, the inspector's own home page; and the bureau's pages for assignments, profiles and the
checklist.

The door is the district default (bureau staff and inspectors), BUREAU for the bureau's pages; each
object is looked up among the visitor's visible ones, so an inspector opening another school's
visit gets a 404. The views only read forms and call inspections.actions."""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import actions, docx_notice, forms
from inspections.models import (
    ChecklistTemplate,
    InspectorAssignment,
    InspectorProfile,
    NoticeItem,
    VisitKind,
    VisitPhoto,
    VisitPlan,
)
from inspections.permissions import may_act_for, schools_for, visible_notices, visible_visits
from inspections.selectors import (
    coverage,
    coverage_by_inspector,
    current_template,
    not_visited_days,
    planned_visits,
    rechecks_due,
)
from inspections.workflow import ITEM_TRANSITIONS, ItemState, NoticeStatus
from oversight.models import DistrictSettings
from schools.views.common import add_errors
from tenants.access import bureau_view
from tenants.models import User

PAGE_SIZE = 30


def _bad(request, template, context):
    return render(request, template, context, status=400)


def visit_list(request):
    user = request.user
    visits = (
        visible_visits(user)
        .select_related("school", "inspector")
        .annotate(open_notices=Count("notices", filter=~Q(notices__status=NoticeStatus.CLOSED)))
        .order_by("-visited_on", "-id")
    )
    school_id = request.GET.get("school", "")
    if school_id.isdigit():
        visits = visits.filter(school_id=int(school_id))
    kind = request.GET.get("kind", "")
    if kind in VisitKind.values:
        visits = visits.filter(kind=kind)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    limit = DistrictSettings.current().visit_record_days
    for visit in page:  # late records stand out in the list
        visit.late = (timezone.localdate(visit.filed_at) - visit.visited_on).days > limit
    mine = user.is_inspector and not user.is_bureau
    context = {
        "page": page, "schools": schools_for(user).order_by("name"), "kinds": VisitKind.choices,
        "school_id": school_id, "kind": kind, "my_schools": coverage(inspector=user) if mine else None,
        "not_visited_days": not_visited_days(),
        "record_days": limit,
    }  # fmt: skip
    return render(request, "inspections/list.html", context)


def inspector_home(request):
    """The inspector's own page: my schools (coverage), visits due, re-checks due, my open notices."""
    user = request.user
    rows = coverage(inspector=user) if user.is_inspector else []
    today = timezone.localdate()
    context = {
        "rows": rows, "plans": planned_visits(inspector=user), "today": today,
        "rechecks": rechecks_due(inspector=user),
        "notices": visible_notices(user).exclude(status=NoticeStatus.CLOSED).filter(
            school__in=[r["school"] for r in rows]).select_related("school").order_by("due_on"),
        "plan_form": forms.PlanForm(user=user), "rules": DistrictSettings.current(),
    }  # fmt: skip
    return render(request, "inspections/home.html", context)


def plan_new(request):
    form = forms.PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_visit(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("督导计划已保存。"))
            return redirect("inspector-home")
    return render(request, "inspections/plan_new.html", {"form": form}, status=400 if form.errors else 200)


def plan_cancel(request, pk):
    plan = get_object_or_404(VisitPlan.objects.filter(school__in=schools_for(request.user)), pk=pk)
    if request.method == "POST":
        try:
            actions.cancel_plan(acting_user=request.user, plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("督导计划已取消。"))
    return redirect("inspector-home")


def visit_new(request):
    template = current_template()
    form = forms.VisitForm(request.POST or None, request.FILES or None, user=request.user, template=template)
    plan = None
    plan_id = (request.POST or request.GET).get("plan", "")
    if plan_id.isdigit():
        plan = (
            VisitPlan.objects.filter(inspector=request.user, pk=int(plan_id)).select_related("school").first()
        )
    if request.method == "POST" and form.is_valid():
        try:
            visit = actions.log_visit(acting_user=request.user, plan=plan, **form.action_arguments())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("督导记录已填报，已通知学校。"))
            return redirect("visit-detail", pk=visit.pk)
    elif request.method == "GET":
        if plan is not None:
            form.initial.update(school=plan.school_id, kind=plan.kind, plan=plan.pk)
        elif request.GET.get("school", "").isdigit():
            form.initial["school"] = int(request.GET["school"])
    context = {"form": form, "template": template, "plan": plan,
               "record_days": DistrictSettings.current().visit_record_days}  # fmt: skip
    return render(request, "inspections/new.html", context, status=400 if form.errors else 200)


def visit_detail(request, pk, bound=None, status=200):
    visit = get_object_or_404(
        visible_visits(request.user).select_related("school", "inspector", "voided_by", "template"), pk=pk
    )
    can_act = may_act_for(request.user, visit.school)
    today = timezone.localdate()
    notices = []
    for notice in visit.notices.select_related("issued_by", "closed_by").prefetch_related("notice_items"):
        notices.append({"notice": notice, "overdue": notice.is_overdue(today),
                        "items": _item_rows(request, notice, bound)})  # fmt: skip
    context = {
        "visit": visit, "notices": notices, "can_act": can_act and not visit.is_voided,
        "answers": visit.answers.select_related("item").order_by("item__order"),
        "photos": visit.photos.all(),
        "can_void": can_act and not visit.is_voided and (request.user.is_bureau or visit.inspector_id == request.user.pk),
        "notice_form": bound[1] if bound and bound[0] == "notice" else forms.NoticeForm(visit=visit),
        "void_form": bound[1] if bound and bound[0] == "void" else forms.VoidVisitForm(),
        "bound": bound[0] if bound else None,
        "errors": [e for errors in bound[1].errors.values() for e in errors] if bound else [],
    }  # fmt: skip
    return render(request, "inspections/detail.html", context, status=status)


def _item_rows(request, notice, bound):
    rows = []
    for item in notice.notice_items.all():
        form = None
        if ItemState.CLOSED in ITEM_TRANSITIONS.get(item.state, set()) and request.user.is_inspector:
            key = ("recheck", item.pk)
            form = bound[1] if bound and bound[0] == key else forms.RecheckForm(prefix=f"recheck-{item.pk}")
        rows.append({"item": item, "recheck_form": form})
    return rows


def _post_step(request, pk, key, form, run, done):
    """Run one change from a form on the visit's page; on refusal show the page again with the
    errors in place (status 400)."""
    if form.is_valid():
        try:
            run(form)
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
        request, pk, "notice", forms.NoticeForm(request.POST, visit=visit),
        lambda f: actions.raise_notice(acting_user=request.user, visit=visit, **f.action_arguments()),
        _("整改通知书已下达，已通知学校。"),
    )  # fmt: skip


def visit_void(request, pk):
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    if request.method != "POST":
        return redirect("visit-detail", pk=pk)
    return _post_step(
        request, pk, "void", forms.VoidVisitForm(request.POST),
        lambda f: actions.void_visit(acting_user=request.user, visit=visit, reason=f.cleaned_data["reason"]),
        _("督导记录已作废。"),
    )  # fmt: skip


def visit_photo(request, pk, photo_pk):
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    photo = get_object_or_404(VisitPhoto, visit=visit, pk=photo_pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("文件不存在。")) from missing
    return FileResponse(handle, filename=os.path.basename(photo.image.name))


def notice_close(request, pk):
    notice = get_object_or_404(visible_notices(request.user), pk=pk)
    if request.method != "POST":
        return redirect("visit-detail", pk=notice.visit_id)
    return _post_step(
        request, notice.visit_id, "notice-close", forms.CloseNoticeForm(request.POST, prefix=f"close-{notice.pk}"),
        lambda f: actions.close_notice(acting_user=request.user, notice=notice, note=f.cleaned_data["note"]),
        _("整改通知书已复查销号。"),
    )  # fmt: skip


def notice_item_recheck(request, pk):
    item = get_object_or_404(NoticeItem.objects.filter(notice__in=visible_notices(request.user)), pk=pk)
    visit_id = item.notice.visit_id
    if request.method != "POST":
        return redirect("visit-detail", pk=visit_id)
    return _post_step(
        request, visit_id, ("recheck", item.pk), forms.RecheckForm(request.POST, prefix=f"recheck-{item.pk}"),
        lambda f: actions.recheck_item(acting_user=request.user, item=item, **f.cleaned_data),
        _("复查结果已记录。"),
    )  # fmt: skip


def notice_docx(request, pk):
    notice = get_object_or_404(
        visible_notices(request.user).select_related("school", "visit", "issued_by"), pk=pk
    )
    return _docx_response(notice)


def _docx_response(notice):
    response = HttpResponse(
        docx_notice.render(notice),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="rectification-notice-{notice.pk}.docx"'
    return response


# --- the bureau's pages ----------------------------------------------------------------------


@bureau_view
def assignments(request, bound=None, rules_form=None):
    """Who covers which school (挂牌督导分工), current and past, with coverage; assign and end; the
    district's coverage rules."""
    rows = coverage()
    rules = DistrictSettings.current()
    context = {
        "rules_form": rules_form or forms.RulesForm(initial={name: getattr(rules, name) for name in actions.RULE_FIELDS}),
        "current": InspectorAssignment.objects.filter(ends_on__isnull=True).select_related("inspector", "school")
        .order_by("inspector__username", "school__name"),
        "history": InspectorAssignment.objects.filter(ends_on__isnull=False).select_related("inspector", "school")
        .order_by("-ends_on", "-id")[:100],
        "inspectors": User.objects.filter(district_memberships__role="inspector").select_related("inspector_profile")
        .order_by("username"),
        "by_inspector": coverage_by_inspector(rows), "rows": rows, "rules": rules,
        "assign_form": bound if bound is not None else forms.AssignForm(),
    }  # fmt: skip
    status = 400 if bound is not None or rules_form is not None else 200
    return render(request, "inspections/assignments.html", context, status=status)


@bureau_view
def inspection_rules(request):
    if request.method != "POST":
        return redirect("assignments")
    form = forms.RulesForm(request.POST)
    if form.is_valid():
        try:
            actions.update_inspection_rules(acting_user=request.user, values=form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("督导频次设置已保存。"))
            return redirect("assignments")
    return assignments(request, rules_form=form)


@bureau_view
def assignment_new(request):
    if request.method != "POST":
        return redirect("assignments")
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        try:
            actions.assign_inspector(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("挂牌督导分工已保存。"))
            return redirect("assignments")
    return assignments(request, bound=form)


@bureau_view
def assignment_end(request, pk):
    assignment = get_object_or_404(InspectorAssignment, pk=pk)
    if request.method == "POST":
        form = forms.EndAssignmentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(list(form.errors.values())[0])
            actions.end_assignment(acting_user=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return assignments(request, bound=forms.AssignForm())
        messages.success(request, _("分工已结束。"))
    return redirect("assignments")


def profile(request, pk):
    """An inspector's sign details: bureau staff edit anyone's, an inspector their own."""
    inspector = get_object_or_404(
        User.objects.filter(district_memberships__role="inspector").distinct(), pk=pk
    )
    if not (request.user.is_bureau or request.user.pk == inspector.pk):
        raise Http404
    current = InspectorProfile.objects.filter(user=inspector).first()
    initial = {"full_name": inspector.full_name, "contact": getattr(current, "contact", ""),
               "certificate_no": getattr(current, "certificate_no", "")}  # fmt: skip
    form = forms.ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_profile(acting_user=request.user, inspector=inspector, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("责任督学信息已保存。"))
            return redirect("inspector-profile", pk=inspector.pk)
    context = {"form": form, "inspector": inspector, "profile": current}
    return render(request, "inspections/profile.html", context, status=400 if form.errors else 200)


@bureau_view
def checklist(request, bound=None):
    template = current_template()
    items = list(template.items.all()) if template else []
    context = {
        "template": template, "versions": ChecklistTemplate.objects.all()[:20],
        "add_form": bound[1] if bound and bound[0] == "add" else forms.ChecklistItemForm(prefix="add"),
        "edit_forms": {
            item.code: bound[1] if bound and bound[0] == ("edit", item.code) else forms.ChecklistItemForm(
                prefix=f"edit-{item.code}", initial={"code": item.code, "text": item.text,
                                                     "answer_type": item.answer_type, "points": item.points,
                                                     "expected": item.expected})
            for item in items
        },
        "bound": bound[0] if bound else None,
        "errors": [e for errors in bound[1].errors.values() for e in errors] if bound and bound[1] else [],
    }  # fmt: skip
    context["items"] = [(item, context["edit_forms"][item.code]) for item in items]
    return render(request, "inspections/checklist.html", context, status=400 if bound else 200)


def _revise(request, change, key, form):
    template = current_template()
    items = actions.checklist_items_as_data(template) if template else []
    if form is not None and not form.is_valid():
        return checklist(request, bound=(key, form))
    try:
        actions.revise_checklist(
            acting_user=request.user, items=change(items), note=request.POST.get("note", "")
        )
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("checklist")
        add_errors(form, error)
        return checklist(request, bound=(key, form))
    messages.success(request, _("检查表已修订为新版本；已填报的督导记录仍按原版本显示。"))
    return redirect("checklist")


@bureau_view
def checklist_add(request):
    if request.method != "POST":
        return redirect("checklist")
    form = forms.ChecklistItemForm(request.POST, prefix="add")
    return _revise(request, lambda items: [*items, form.cleaned_data], "add", form)


@bureau_view
def checklist_remove(request, code):
    if request.method != "POST":
        return redirect("checklist")
    return _revise(request, lambda items: [i for i in items if i["code"] != code], "remove", None)


@bureau_view
def checklist_edit(request, code):
    if request.method != "POST":
        return redirect("checklist")
    form = forms.ChecklistItemForm(request.POST, prefix=f"edit-{code}")

    def change(items):
        if code not in {i["code"] for i in items}:
            raise Http404
        return [form.cleaned_data if i["code"] == code else i for i in items]

    return _revise(request, change, ("edit", code), form)
