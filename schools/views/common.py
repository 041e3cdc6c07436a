"""Small helpers shared by the school pages: role gates and turning action errors into form errors."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _


def requires(predicate, message=None):
    """Refuse a page with a translated 403 unless predicate(request.membership) holds."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(getattr(request, "membership", None)):
                reason = message or _("您的岗位没有此项权限。")
                return render(request, "403.html", {"reason": reason}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def add_errors(form, error: ValidationError) -> None:
    """Attach an action's ValidationError to the form: field errors where the field exists."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
