"""Host routing (which school, which URL conf) and the site door check."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils.translation import gettext as _

from tenants import access
from tenants.host_lookup import school_for_host


class SchoolHostMiddleware:
    """Pick the schema from the host: the district on DISTRICT_HOST, a school on <slug>.DISTRICT_HOST.

    An unknown host gets a 404 page and never a school's data; a suspended school says so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        # django-tenants' own templates (the admin's app list) read request.tenant.schema_name;
        # our code asks request.school, which is None on the district site.
        request.tenant = connection.tenant
        request.school = None
        try:
            hostname = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            return render(request, "site_not_found.html", status=404)

        if hostname == settings.DISTRICT_HOST:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            school = school_for_host(hostname)
            if school is None:
                return render(request, "site_not_found.html", {"hostname": hostname}, status=404)
            if not school.is_active and not request.path.startswith(settings.STATIC_URL):
                return render(request, "site_suspended.html", {"school": school}, status=503)
            school.domain_url = hostname
            request.tenant = school
            request.school = school
            connection.set_tenant(school)
            request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)


class SiteAccessMiddleware:
    """Apply each page's declared door (see tenants.access). API views check it themselves,
    because token authentication happens inside DRF, after middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_api_view(view_func):
            return None
        match = request.resolver_match
        if match is not None and match.namespace == "admin":
            return self._admin_door(request)
        decision = access.decide(request.user, request.school, access.declared_access(view_func))
        if decision.allowed:
            if request.school is not None and request.user.is_authenticated:
                request.membership = request.user.membership_in(request.school)
            return None
        if decision.needs_login:
            return redirect_to_login(request.get_full_path())
        grant = access.break_glass_grant(request.user, request.school, view_func, view_kwargs)
        if grant is not None:
            return self._under_grant(request, grant)
        return render(request, "403.html", {"reason": decision.reason}, status=403)

    @staticmethod
    def _under_grant(request, grant):
        """A district user reads one serious case under a break-glass grant: read-only, every view logged."""
        if request.method not in ("GET", "HEAD"):
            reason = _("紧急调阅授权只能查看，不能修改学校的记录。")
            return render(request, "403.html", {"reason": reason}, status=403)
        from oversight.break_glass import record_access

        record_access(grant=grant, path=request.get_full_path())
        request.break_glass = grant
        request.membership = None
        return None

    @staticmethod
    def _admin_door(request):
        # The Django admin is for bureau admins on the district site only.
        if request.school is not None:
            return render(request, "site_not_found.html", status=404)
        if request.user.is_authenticated and not request.user.is_bureau_admin:
            return render(request, "403.html", {"reason": ""}, status=403)
        return None


def _is_api_view(view_func) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)
