"""运行维护 — the operations page for bureau administrators: health, failed background tasks, and
every account that e-mail cannot reach."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from oversight.operations import health, selectors
from tenants.access import bureau_view


@bureau_view
def operations(request):
    # Bureau staff know the page exists; they get the reason, not a 404 (the selectors still refuse).
    if not request.user.is_bureau_admin:
        raise PermissionDenied(_("运行维护页面仅限教育局管理员查看。"))
    failures = selectors.recent_failures(request.user)
    return render(request, "oversight/operations/operations.html", {
        "checks": health.run_checks(),
        "failures": failures,
        "without_email": selectors.users_without_email(request.user),
    })  # fmt: skip
