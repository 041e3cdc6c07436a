"""Small helpers shared by the school pages: role gates and turning action errors into form errors."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _


def requires(predicate, message=None, *, inspectors_read=False):
    """Refuse a page with a translated 403 unless predicate(request.membership) holds. With
    `inspectors_read`, the school's assigned inspectors (who have no membership) may read it too:
    GET only, and the page's write forms stay hidden because they need a membership."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if inspectors_read and membership is None and request.method == "GET":
                from tenants.access import is_assigned_inspector

                if request.user.is_authenticated and is_assigned_inspector(request.user, request.school):
                    return view(request, *args, **kwargs)
            if not predicate(membership):
                reason = message or _("您的岗位没有此项权限。")
                return render(request, "403.html", {"reason": reason}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def saved(request, to, *args, message=None, **kwargs):
    """After a change the user asked for: say it was saved, then go to `to` (redirect's arguments)."""
    messages.success(request, message or _("已保存。"))
    return redirect(to, *args, **kwargs)


def add_errors(form, error: ValidationError) -> None:
    """Attach an action's ValidationError to the form: field errors where the field exists."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def step_views(*, model, detail_url: str, template: str, context, allowed):
    """Make POST endpoints for the changes on one record's page: each validates its form, runs its
    action, and on refusal shows the record's page again with the errors in place (status 400)."""

    def step(name, form_class, run):
        @requires(allowed)
        def view(request, pk):
            record = get_object_or_404(model, pk=pk)
            if request.method != "POST":
                return redirect(detail_url, pk=pk)
            form = form_class(request.POST, request.FILES)
            if form.is_valid():
                try:
                    run(request, record, form.cleaned_data)
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    return saved(request, detail_url, pk=pk)
            record.refresh_from_db()
            return render(request, template, context(request, record, (name, form)), status=400)

        return view

    return step
