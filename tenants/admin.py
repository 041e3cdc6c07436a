"""The Django admin, for bureau admins (the middleware refuses everyone else): accounts, their
school memberships and district roles, and the registry. Schools are created by provisioning
(create_school / onboard_schools), never here, and nothing here can be deleted."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from inspections.models import InspectorAssignment
from tenants.forms import GuardedAdminAuthenticationForm
from tenants.models import DistrictMembership, School, SchoolMembership, User


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


class SchoolMembershipInline(NoDelete, admin.TabularInline):
    model = SchoolMembership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["school"]


class DistrictMembershipInline(NoDelete, admin.TabularInline):
    model = DistrictMembership
    extra = 0


@admin.register(User)
class UserAdmin(NoDelete, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("联系信息"), {"fields": ["full_name", "phone"]}),
    ]
    inlines = [DistrictMembershipInline, SchoolMembershipInline]


@admin.register(School)
class SchoolAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["name", "code", "slug", "kind", "area", "student_count", "status"]
    list_filter = ["kind", "status", "boarding", "area"]
    search_fields = ["name", "code", "slug"]
    # The published contacts (公示) are the school's own, changed on its site through the privacy gate
    # and shape checks; here they are read-only so that no door skips them.
    readonly_fields = ["schema_name", "slug", "code", "created_at", "principal", "legal_vice_principal", "hotline",
                       "mailbox"]  # fmt: skip

    def has_add_permission(self, request):
        return False  # a school needs its schema: use create_school or onboard_schools


@admin.register(InspectorAssignment)
class InspectorAssignmentAdmin(NoDelete, admin.ModelAdmin):
    """Read-only here: assignments are made and ended on /inspections/assignments/, through the
    actions that audit every change."""

    list_display = ["inspector", "school", "starts_on", "ends_on"]
    list_filter = ["ends_on"]
    autocomplete_fields = ["school"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The admin's login says why a locked account is refused, like the site's own login.
admin.site.login_form = GuardedAdminAuthenticationForm
