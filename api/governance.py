"""Governance over the API: the leadership group, the responsibility list, the published
contacts and the versioned documents. Everyone in the school reads; managers write."""

from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from api.permissions import SiteAccess, membership
from api.serializers import edit_version
from schools import permissions
from schools.actions import governance as actions
from schools.models import DocumentKind, GovernanceMember, GroupRole, ResponsibilityItem, SchoolDocument
from tenants.models import User


class ReadOrManage(SiteAccess):
    """Members read; only those who can_manage_records write."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        member = membership(request)
        if request.method in SAFE_METHODS:
            self.message = gettext_lazy("您不是本校成员。")
            return member is not None
        self.message = gettext_lazy("您的岗位不能修改学校制度与组织信息。")
        return permissions.can_manage_records(member)


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = GovernanceMember
        fields = ["id", "name", "user", "group_role", "post", "duties", "order", "active", "version"]


class MemberIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    group_role = serializers.ChoiceField(GroupRole.choices)
    post = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    duties = serializers.CharField(required=False, allow_blank=True, default="")
    order = serializers.IntegerField(required=False, default=0, min_value=0)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )


class VersionIn(serializers.Serializer):
    version = edit_version()


class MemberEditIn(MemberIn, VersionIn):
    pass


class DutySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsibilityItem
        fields = ["id", "post", "duty", "order", "active", "version"]


class DutyIn(serializers.Serializer):
    post = serializers.CharField(max_length=50)
    duty = serializers.CharField()
    order = serializers.IntegerField(required=False, default=0, min_value=0)


class DutyEditIn(DutyIn, VersionIn):
    pass


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolDocument
        fields = ["id", "kind", "title", "version_no", "note", "uploaded_at"]


class DocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(DocumentKind.choices)
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField()


class PublishedIn(serializers.Serializer):
    principal = serializers.CharField(max_length=50)
    legal_vice_principal = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    hotline = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    mailbox = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


def _input(request, serializer_class) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    queryset = GovernanceMember.objects.all()
    filterset_fields = ["group_role", "active"]
    permission_classes = [IsAuthenticated, ReadOrManage]

    @extend_schema(request=MemberIn, responses={201: MemberSerializer})
    def create(self, request):
        member = actions.add_member(acting_user=request.user, **_input(request, MemberIn))
        return Response(MemberSerializer(member).data, status=201)

    @extend_schema(request=MemberEditIn, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _input(request, MemberEditIn)
        version = data.pop("version")
        member = actions.edit_member(acting_user=request.user, member=get_object_or_404(GovernanceMember, pk=pk),
                                     expected_version=version, **data)  # fmt: skip
        return Response(MemberSerializer(member).data)

    @extend_schema(request=VersionIn, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        data = _input(request, VersionIn)
        member = actions.deactivate_member(acting_user=request.user, member=get_object_or_404(GovernanceMember, pk=pk),
                                           expected_version=data["version"])  # fmt: skip
        return Response(MemberSerializer(member).data)


class DutyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DutySerializer
    queryset = ResponsibilityItem.objects.all()
    filterset_fields = ["post", "active"]
    permission_classes = [IsAuthenticated, ReadOrManage]

    @extend_schema(request=DutyIn, responses={201: DutySerializer})
    def create(self, request):
        return Response(DutySerializer(actions.add_duty(acting_user=request.user, **_input(request, DutyIn))).data,
                        status=201)  # fmt: skip

    @extend_schema(request=DutyEditIn, responses={200: DutySerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _input(request, DutyEditIn)
        version = data.pop("version")
        item = actions.edit_duty(acting_user=request.user, item=get_object_or_404(ResponsibilityItem, pk=pk),
                                 expected_version=version, **data)  # fmt: skip
        return Response(DutySerializer(item).data)

    @extend_schema(request=VersionIn, responses={200: DutySerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        data = _input(request, VersionIn)
        item = actions.deactivate_duty(acting_user=request.user, item=get_object_or_404(ResponsibilityItem, pk=pk),
                                       expected_version=data["version"])  # fmt: skip
        return Response(DutySerializer(item).data)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every version of every document; a new upload of the same kind and title is the next version."""

    serializer_class = DocumentSerializer
    queryset = SchoolDocument.objects.all()
    filterset_fields = ["kind", "title"]
    permission_classes = [IsAuthenticated, ReadOrManage]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=DocumentIn, responses={201: DocumentSerializer})
    def create(self, request):
        document = actions.upload_document(acting_user=request.user, **_input(request, DocumentIn))
        return Response(DocumentSerializer(document).data, status=201)


class OneObjectSchema(AutoSchema):
    """For a viewset whose `list` answers one object, not a list of them."""

    def _is_list_view(self, serializer=None):
        return False


class PublishedInfoViewSet(viewsets.ViewSet):
    """The responsible person, 法治副校长, hotline and mailbox shown on the public 公示 page."""

    permission_classes = [IsAuthenticated, ReadOrManage]
    schema = OneObjectSchema()
    serializer_class = PublishedIn

    @extend_schema(responses={200: PublishedIn})
    def list(self, request):
        school = request.school
        return Response({"principal": school.principal, "legal_vice_principal": school.legal_vice_principal,
                         "hotline": school.hotline, "mailbox": school.mailbox})  # fmt: skip

    @extend_schema(request=PublishedIn, responses={200: PublishedIn})
    def create(self, request):
        actions.set_published_info(
            acting_user=request.user, school=request.school, **_input(request, PublishedIn)
        )
        request.school.refresh_from_db()
        return self.list(request)
