"""District pages for break-glass access: open a grant on a serious case, list one's grants with
links to the incident on the school's own site, revoke. Bureau admins and staff only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import break_glass, forms
from oversight.models import BreakGlassGrant, BreakGlassState, DistrictSettings
from schools.views.audit import page_of
from schools.views.common import add_errors
from tenants.access import bureau_view


def _page(request, form, status=200):
    grants = BreakGlassGrant.objects.select_related("school", "grantee", "revoked_by").prefetch_related(
        "accesses"
    )
    # Bureau admins oversee every grant in the district; staff see their own.
    everyone = request.user.is_bureau_admin and request.GET.get("all") == "1"
    pending = BreakGlassGrant.objects.filter(state=BreakGlassState.REQUESTED, revoked_at__isnull=True,
                                             expires_at__gt=timezone.now()).exclude(grantee=request.user)  # fmt: skip
    if not everyone:
        # One's own grants, and others' requests one may approve.
        grants = grants.filter(Q(grantee=request.user) | Q(pk__in=pending.values("pk")))
    context = {
        "form": form, "page": page_of(request, grants, 20), "everyone": everyone, "now": timezone.now(),
        "hours": DistrictSettings.current().break_glass_hours, "pending": pending.count(),
    }  # fmt: skip
    return render(request, "oversight/break_glass.html", context, status=status)


@bureau_view
def grant_list(request):
    return _page(request, forms.BreakGlassForm())


@bureau_view
def grant_new(request):
    if request.method != "POST":
        return redirect("break-glass-list")
    form = forms.BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            grant = break_glass.open_grant(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已申请调阅 %(school)s 事件 %(code)s：%(state)s。") % {
                "school": grant.school.name, "code": grant.incident_code, "state": grant.get_state_display()})  # fmt: skip
            return redirect("break-glass-list")
    return _page(request, form, status=400)


@bureau_view
def grant_revoke(request, pk):
    if request.method != "POST":
        return redirect("break-glass-list")
    grant = get_object_or_404(BreakGlassGrant, pk=pk)
    try:
        break_glass.revoke_grant(acting_user=request.user, grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已撤销事件 %(code)s 的紧急调阅授权。") % {"code": grant.incident_code})
    return redirect("break-glass-list")


def _decide(request, pk, run, done):
    if request.method != "POST":
        return redirect("break-glass-list")
    grant = get_object_or_404(BreakGlassGrant, pk=pk)
    try:
        run(grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"code": grant.incident_code})
    return redirect("break-glass-list")


@bureau_view
def grant_approve(request, pk):
    return _decide(request, pk, lambda grant: break_glass.approve_grant(
        acting_user=request.user, grant=grant, note=request.POST.get("note", "")), _("已批准事件 %(code)s 的紧急调阅。"))  # fmt: skip


@bureau_view
def grant_reject(request, pk):
    return _decide(request, pk, lambda grant: break_glass.reject_grant(
        acting_user=request.user, grant=grant, note=request.POST.get("note", "")), _("已不予批准事件 %(code)s 的紧急调阅。"))  # fmt: skip
