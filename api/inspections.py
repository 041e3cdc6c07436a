"""Inspector visits (督导记录) and rectification notices (整改通知书) over the API (district host): the
same actions, rules and visibility as the pages — bureau staff see every school's, an inspector
only those of the schools currently assigned to them (others are 404)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import SiteAccess
from inspections import actions
from inspections.models import RectificationNotice, Visit, VisitKind
from inspections.permissions import visible_notices, visible_visits
from tenants.access import DISTRICT
from tenants.models import School


class NoticeSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RectificationNotice
        fields = ["id", "visit", "school", "issued_by", "issued_on", "due_on", "items", "status", "overdue",
                  "closed_on", "closed_by", "close_note", "created_at", "updated_at"]  # fmt: skip

    def get_overdue(self, notice) -> bool:
        return notice.is_overdue()


class VisitSerializer(serializers.ModelSerializer):
    notices = NoticeSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "inspector", "school", "visited_on", "kind", "summary", "filed_at", "created_at",
                  "updated_at", "voided_at", "void_reason", "notices"]  # fmt: skip


class VisitIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.exclude(schema_name="public"))
    visited_on = serializers.DateField()
    kind = serializers.ChoiceField(VisitKind.choices, default=VisitKind.ROUTINE)
    summary = serializers.CharField(max_length=5000)


class NoticeIn(serializers.Serializer):
    items = serializers.CharField(max_length=5000)
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="default: issued today + the district's re-check limit (30 days)")  # fmt: skip


class CloseIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="how the fixes were re-checked (复查情况)")


class VoidIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _input(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits, newest first. Logging one for a school not assigned to the inspector is refused (400)."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = VisitSerializer
    filterset_fields = ["school", "kind", "inspector"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no user, only the model
            return Visit.objects.none()
        return visible_visits(self.request.user).prefetch_related("notices").order_by("-visited_on", "-id")

    @extend_schema(request=VisitIn, responses={201: VisitSerializer})
    def create(self, request):
        visit = actions.log_visit(acting_user=request.user, **_input(VisitIn, request))
        return Response(VisitSerializer(visit).data, status=201)

    @extend_schema(request=NoticeIn, responses={201: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def notices(self, request, pk=None):
        notice = actions.raise_notice(
            acting_user=request.user, visit=self.get_object(), **_input(NoticeIn, request)
        )
        return Response(NoticeSerializer(notice).data, status=201)

    @extend_schema(request=VoidIn, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        visit = actions.void_visit(
            acting_user=request.user, visit=self.get_object(), **_input(VoidIn, request)
        )
        return Response(VisitSerializer(Visit.objects.prefetch_related("notices").get(pk=visit.pk)).data)


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification notices; `close` re-checks the fixes and closes one (复查销号), once."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = NoticeSerializer
    filterset_fields = ["school", "status", "visit"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RectificationNotice.objects.none()
        return visible_notices(self.request.user).order_by("-issued_on", "-id")

    @extend_schema(request=CloseIn, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        notice = actions.close_notice(
            acting_user=request.user, notice=self.get_object(), note=_input(CloseIn, request)["note"]
        )
        return Response(NoticeSerializer(notice).data)
