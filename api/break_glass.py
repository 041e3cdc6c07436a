"""Break-glass grants over the API: the same actions as the pages. District host: bureau staff ask
for a grant, a second bureau user approves or rejects it, the grantee or a bureau admin revokes it,
and the access log of each grant is readable. School host: the school's admins read every grant on
their school with its log, and object to a delayed one before it opens."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess, role_permission
from oversight import break_glass
from oversight.models import BreakGlassAccess, BreakGlassGrant, BreakGlassState
from schools import permissions
from tenants.access import BUREAU, MEMBERS
from tenants.models import School


class AccessSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreakGlassAccess
        fields = ["id", "path", "at"]


class GrantSerializer(serializers.ModelSerializer):
    active = serializers.SerializerMethodField()
    accesses = AccessSerializer(many=True, read_only=True)

    class Meta:
        model = BreakGlassGrant
        fields = ["id", "grantee", "school", "incident_id", "incident_code", "reason", "state", "active", "created_at",
                  "starts_at", "expires_at", "decided_by", "decided_at", "decision_note", "objected_at",
                  "objection_reason", "revoked_at", "revoked_by", "accesses"]  # fmt: skip

    def get_active(self, grant) -> bool:
        return grant.is_active()


class GrantIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.exclude(schema_name="public"))
    incident_code = serializers.CharField(max_length=30)
    reason = serializers.CharField(max_length=2000)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _grants():
    return BreakGlassGrant.objects.select_related("school").prefetch_related("accesses")


def _visible(user):
    """One's own grants and the open requests one may decide; a bureau admin sees all."""
    if user.is_bureau_admin:
        return _grants()
    return _grants().filter(Q(grantee=user) | Q(state=BreakGlassState.REQUESTED))


class DistrictGrants(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: GrantSerializer(many=True)})
    def get(self, request):
        return Response(GrantSerializer(_visible(request.user), many=True).data)

    @extend_schema(request=GrantIn, responses={201: GrantSerializer})
    def post(self, request):
        data = GrantIn(data=request.data)
        data.is_valid(raise_exception=True)
        grant = break_glass.open_grant(acting_user=request.user, **data.validated_data)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class DistrictGrantStep(APIView):
    """POST approve / reject / revoke on one grant."""

    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(request=NoteIn, responses={200: GrantSerializer})
    def post(self, request, pk, step):
        grant = get_object_or_404(_visible(request.user), pk=pk)
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        if step == "approve":
            grant = break_glass.approve_grant(acting_user=request.user, grant=grant, note=note)
        elif step == "reject":
            grant = break_glass.reject_grant(acting_user=request.user, grant=grant, note=note)
        else:
            grant = break_glass.revoke_grant(acting_user=request.user, grant=grant)
        return Response(GrantSerializer(_grants().get(pk=grant.pk)).data)


class DistrictGrantAccesses(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: AccessSerializer(many=True)})
    def get(self, request, pk):
        grant = get_object_or_404(_visible(request.user), pk=pk)
        return Response(AccessSerializer(grant.accesses.all(), many=True).data)


SchoolAdmin = role_permission(permissions.is_admin, "只有学校管理员可以查看紧急调阅记录。")


class SchoolGrants(APIView):
    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess, SchoolAdmin]

    @extend_schema(responses={200: GrantSerializer(many=True)})
    def get(self, request):
        return Response(GrantSerializer(_grants().filter(school=request.school), many=True).data)


class SchoolGrantObject(APIView):
    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess, SchoolAdmin]

    @extend_schema(request=ReasonIn, responses={200: GrantSerializer})
    def post(self, request, pk):
        grant = get_object_or_404(BreakGlassGrant, pk=pk, school=request.school)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        grant = break_glass.object_to_grant(
            acting_user=request.user, grant=grant, reason=data.validated_data["reason"]
        )
        return Response({**GrantSerializer(_grants().get(pk=grant.pk)).data, "now": timezone.now()})
