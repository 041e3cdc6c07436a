"""The audit logs over the API, read-only: the district layer's for bureau staff, a school's own
for its admins. Filter by action, actor and object; newest first."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from api.permissions import SiteAccess, role_permission
from schools import permissions
from schools.models import AuditEvent as SchoolAuditEvent
from tenants.access import BUREAU
from tenants.models import AuditEvent as DistrictAuditEvent


class SchoolAuditSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = SchoolAuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "changes"]


class DistrictAuditSerializer(SchoolAuditSerializer):
    class Meta:
        model = DistrictAuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "school", "changes"]


class SchoolAuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SchoolAuditSerializer
    queryset = SchoolAuditEvent.objects.select_related("actor").order_by("-at", "-id")
    filterset_fields = ["action", "object_type", "object_id", "actor"]
    permission_classes = [
        IsAuthenticated, SiteAccess, role_permission(permissions.is_admin, _("审计日志仅限本校管理员查看。")),
    ]  # fmt: skip


class DistrictAuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    site_access = BUREAU
    serializer_class = DistrictAuditSerializer
    queryset = DistrictAuditEvent.objects.select_related("actor").order_by("-at", "-id")
    filterset_fields = ["action", "object_type", "school", "actor"]
    permission_classes = [IsAuthenticated, SiteAccess]
