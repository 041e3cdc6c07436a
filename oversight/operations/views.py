"""运行维护 — the operations page for bureau administrators: health, failed background tasks, and
every account that e-mail cannot reach."""

from django.shortcuts import render

from oversight.operations import health, selectors
from tenants.access import bureau_view


@bureau_view
def operations(request):
    failures = selectors.recent_failures(request.user)
    return render(request, "oversight/operations/operations.html", {
        "checks": health.run_checks(),
        "failures": failures,
        "without_email": selectors.users_without_email(request.user),
    })  # fmt: skip
