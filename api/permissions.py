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


def membership(request):
    if not hasattr(request, "_api_membership"):
        request._api_membership = request.user.membership_in(getattr(request, "school", None))
    return request._api_membership


def role_permission(predicate, message):
    """A DRF permission from one of the school role rules in schools.permissions."""

    class RolePermission(BasePermission):
        def has_permission(self, request, view):
            self.message = str(message)
            return predicate(membership(request))

    return RolePermission
