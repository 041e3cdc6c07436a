"""/healthz: 200 when every check passes, 503 otherwise, with each check's result as JSON — for
Docker's healthcheck, a load balancer or a monitoring system. No login; no secret in the body."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from oversight.operations.health import run_checks
from tenants.access import public_view


@public_view
@never_cache
def healthz(request):
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    body = {"status": "ok" if healthy else "fail", "checks": {c.name: c.as_dict() for c in checks}}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
