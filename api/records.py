"""The hazard ledger and the activities over the API: members read, managers write, through the
same actions as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.governance import ReadOrManage, _input
from api.parsers import IfMatchJSONParser
from api.permissions import membership
from api.serializers import edit_version
from schools import permissions
from schools.actions import activities as activity_actions
from schools.actions import ledger as ledger_actions
from schools.models import Activity, ActivityKind, Hazard, HazardMethod, HazardPlace, HazardStatus


class HazardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "found_on", "place", "risk_kind", "method", "found_by", "description", "measure",
                  "responsible", "deadline", "status", "fixed_on", "voided_reason", "voided_at", "version"]  # fmt: skip


class HazardIn(serializers.Serializer):
    found_on = serializers.DateField()
    place = serializers.ChoiceField(HazardPlace.choices)
    risk_kind = serializers.CharField(max_length=100)
    method = serializers.ChoiceField(HazardMethod.choices)
    found_by = serializers.CharField(max_length=50)
    description = serializers.CharField()
    measure = serializers.CharField(required=False, allow_blank=True, default="")
    responsible = serializers.CharField(max_length=50)
    deadline = serializers.DateField()


class HazardEditIn(HazardIn):
    version = edit_version()


class MoveIn(serializers.Serializer):
    status = serializers.ChoiceField(HazardStatus.choices)
    fixed_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = edit_version()


class VoidIn(serializers.Serializer):
    reason = serializers.CharField()


def _visible(request, queryset):
    return queryset if permissions.is_admin(membership(request)) else queryset.filter(voided_at__isnull=True)


class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HazardSerializer
    queryset = Hazard.objects.none()  # for the schema
    filterset_fields = ["status", "place", "method"]
    ordering_fields = ["found_on", "deadline"]
    permission_classes = [IsAuthenticated, ReadOrManage]

    def get_queryset(self):
        return _visible(self.request, Hazard.objects.all())

    @extend_schema(request=HazardIn, responses={201: HazardSerializer})
    def create(self, request):
        hazard = ledger_actions.record_hazard(acting_user=request.user, **_input(request, HazardIn))
        return Response(HazardSerializer(hazard).data, status=201)

    @extend_schema(request=HazardEditIn, responses={200: HazardSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _input(request, HazardEditIn)
        version = data.pop("version")
        hazard = ledger_actions.edit_hazard(acting_user=request.user, hazard=get_object_or_404(self.get_queryset(), pk=pk),
                                            expected_version=version, **data)  # fmt: skip
        return Response(HazardSerializer(hazard).data)

    @extend_schema(request=MoveIn, responses={200: HazardSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = _input(request, MoveIn)
        hazard = ledger_actions.move_hazard_status(
            acting_user=request.user, hazard=get_object_or_404(self.get_queryset(), pk=pk), status=data["status"],
            fixed_on=data["fixed_on"], expected_version=data["version"],
        )  # fmt: skip
        return Response(HazardSerializer(hazard).data)

    @extend_schema(request=VoidIn, responses={200: HazardSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        hazard = ledger_actions.void_hazard(acting_user=request.user, hazard=get_object_or_404(self.get_queryset(), pk=pk),
                                            **_input(request, VoidIn))  # fmt: skip
        return Response(HazardSerializer(hazard).data)


class ActivitySerializer(serializers.ModelSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "held_on", "kind", "title", "audience", "participants", "notes", "voided_reason", "voided_at",
                  "version", "evidence"]  # fmt: skip

    def get_evidence(self, activity) -> list[int]:
        return list(activity.evidence.values_list("pk", flat=True))


class ActivityIn(serializers.Serializer):
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(ActivityKind.choices)
    title = serializers.CharField(max_length=200)
    audience = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    participants = serializers.IntegerField(min_value=0, required=False, default=0)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ActivityEditIn(ActivityIn):
    version = edit_version()


class EvidenceIn(serializers.Serializer):
    file = serializers.FileField()


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()  # for the schema
    filterset_fields = ["kind"]
    ordering_fields = ["held_on"]
    permission_classes = [IsAuthenticated, ReadOrManage]
    parser_classes = [IfMatchJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return _visible(self.request, Activity.objects.prefetch_related("evidence"))

    @extend_schema(request=ActivityIn, responses={201: ActivitySerializer})
    def create(self, request):
        activity = activity_actions.record_activity(acting_user=request.user, **_input(request, ActivityIn))
        return Response(ActivitySerializer(activity).data, status=201)

    @extend_schema(request=ActivityEditIn, responses={200: ActivitySerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = _input(request, ActivityEditIn)
        version = data.pop("version")
        activity = activity_actions.edit_activity(
            acting_user=request.user, activity=get_object_or_404(self.get_queryset(), pk=pk),
            expected_version=version, **data,
        )  # fmt: skip
        return Response(ActivitySerializer(activity).data)

    @extend_schema(request=EvidenceIn, responses={201: ActivitySerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        activity_actions.add_evidence(acting_user=request.user, activity=activity,
                                      upload=_input(request, EvidenceIn)["file"])  # fmt: skip
        return Response(ActivitySerializer(self.get_queryset().get(pk=pk)).data, status=201)

    @extend_schema(request=VoidIn, responses={200: ActivitySerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        activity = activity_actions.void_activity(
            acting_user=request.user,
            activity=get_object_or_404(self.get_queryset(), pk=pk),
            **_input(request, VoidIn),
        )
        return Response(ActivitySerializer(activity).data)
