from rest_framework.permissions import BasePermission

from tenants import access


class SiteAccess(BasePermission):
    """The same door as the pages (tenants.access), applied after DRF has authenticated."""

    def has_permission(self, request, view):
        decision = access.decide(
            request.user, getattr(request, "school", None), getattr(view, "site_access", None)
        )
        if not decision.allowed:
            self.message = decision.reason
        return decision.allowed
