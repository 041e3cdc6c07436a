"""The school's side of inspections, on the school's own site: its rectification notices (read by
its members, answered item by item by its admins and incident handlers) and the public 挂牌督导 sign
— who the school's inspector is — linked from its public 公示 page."""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from inspections import actions, forms
from inspections.models import InspectorProfile, NoticeItem
from inspections.selectors import current_assignments, current_template, notices_for_school
from inspections.workflow import ITEM_TRANSITIONS, ItemState
from oversight.models import DistrictSettings
from schools.permissions import handles_incidents
from schools.views.common import add_errors, requires
from tenants.access import public_view


def notice_list(request):
    notices = notices_for_school(request.school)
    return render(request, "inspections/school/notices.html", {"notices": notices})


def notice_detail(request, pk, bound=None, status=200):
    notice = get_object_or_404(notices_for_school(request.school), pk=pk)
    may_answer = actions.may_answer_for(request.user, request.school)
    rows = []
    for item in notice.notice_items.all():
        form = None
        if may_answer and ItemState.ANSWERED in ITEM_TRANSITIONS.get(item.state, set()):
            form = (
                bound[1] if bound and bound[0] == item.pk else forms.AnswerItemForm(prefix=f"item-{item.pk}")
            )
        rows.append({"item": item, "form": form})
    context = {"notice": notice, "rows": rows, "may_answer": may_answer}
    return render(request, "inspections/school/notice_detail.html", context, status=status)


@requires(handles_incidents, _("只有本校管理员和政教、安全办负责人可以答复整改通知书。"))
def notice_answer(request, pk):
    item = get_object_or_404(NoticeItem.objects.filter(notice__in=notices_for_school(request.school)), pk=pk)
    if request.method != "POST":
        return redirect("school-notice-detail", pk=item.notice_id)
    form = forms.AnswerItemForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        try:
            actions.answer_item(acting_user=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("整改情况已答复，责任督学将复查。"))
            return redirect("school-notice-detail", pk=item.notice_id)
    return notice_detail(request, item.notice_id, bound=(item.pk, form), status=400)


def notice_docx(request, pk):
    from inspections.views import _docx_response

    return _docx_response(get_object_or_404(notices_for_school(request.school), pk=pk))


def _sign_context(request):
    school = request.school
    assignments = current_assignments(school=school).select_related("inspector").order_by("starts_on", "id")
    inspectors = []
    for assignment in assignments:
        profile = InspectorProfile.objects.filter(user=assignment.inspector).first()
        inspectors.append({"user": assignment.inspector, "profile": profile, "since": assignment.starts_on})
    template = current_template()
    return {
        "inspectors": inspectors, "rules": DistrictSettings.current(),
        "checked": [item.text for item in template.items.all() if item.answer_type != "text"] if template else [],
    }  # fmt: skip


@public_view
def sign(request):
    """挂牌督导公示牌: what the sign at the school gate shows. Only the inspector's public details,
    the items checked and the district's hotline: nothing from the school's records."""
    return render(request, "inspections/school/sign.html", _sign_context(request))


@public_view
def sign_print(request):
    return render(request, "inspections/school/sign_print.html", _sign_context(request))


@public_view
def sign_photo(request, pk):
    """An inspector's photo, for the sign of a school they currently cover (any other: 404)."""
    if not current_assignments(school=request.school).filter(inspector_id=pk).exists():
        raise Http404
    profile = get_object_or_404(InspectorProfile, user_id=pk)
    if not profile.photo:
        raise Http404
    return FileResponse(profile.photo.open("rb"), filename=os.path.basename(profile.photo.name))
