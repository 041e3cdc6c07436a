"""学校名单批量开通: upload, the row check, confirm, progress (bureau admins only)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from oversight.onboarding import actions
from oversight.onboarding.selectors import job_for, recent_jobs
from oversight.onboarding.workflow import JobState
from tenants.access import bureau_view
from tenants.onboarding import TEMPLATE_HEADERS


class UploadForm(forms.Form):
    file = forms.FileField(label=_("学校名单（.xlsx 或 .csv）"))


def _admin_only(request) -> None:
    if not request.user.is_bureau_admin:
        raise PermissionDenied(_("只有教育局管理员可以批量开通学校。"))


@bureau_view
def upload(request):
    _admin_only(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = actions.check_upload(
                acting_user=request.user, file_name=uploaded.name, content=uploaded.read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("onboarding-job", pk=job.pk)
    context = {"form": form, "jobs": recent_jobs(request.user), "headers": TEMPLATE_HEADERS}
    return render(request, "oversight/onboarding/upload.html", context, status=400 if form.errors else 200)


@bureau_view
def job(request, pk, error=None):
    _admin_only(request)
    item = job_for(request.user, pk)
    context = {"job": item, "states": JobState, "error": error}
    return render(request, "oversight/onboarding/job.html", context, status=400 if error else 200)


@bureau_view
def start(request, pk):
    _admin_only(request)
    item = job_for(request.user, pk)
    if request.method != "POST":
        return redirect("onboarding-job", pk=item.pk)
    try:
        actions.start_onboarding(acting_user=request.user, job=item)
    except ValidationError as exc:
        return job(request, pk, error="；".join(exc.messages))
    return redirect("onboarding-job", pk=item.pk)
