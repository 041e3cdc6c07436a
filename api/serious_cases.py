"""The serious-case register and district appeals over the API: the same actions and selectors as
the pages. District host: bureau staff read the register (flags computed at the moment of reading),
record cases learned elsewhere, record and decide appeals. School host: the school reads its own
cases' timelines and flags and its appeals, and records what it changed after a decision."""

from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess, role_permission
from oversight.appeals import actions as appeal_actions
from oversight.appeals import selectors as appeal_selectors
from oversight.appeals.models import AppealChannel, AppealState, AppealSubject, DistrictAppeal
from oversight.serious_cases import actions, selectors
from oversight.serious_cases.models import ExternalSource, SeriousCaseReport
from schools import permissions
from tenants.access import BUREAU, MEMBERS
from tenants.models import School

SCHOOLS = School.objects.exclude(schema_name="public")


class ReportSerializer(serializers.ModelSerializer):
    late = serializers.BooleanField(source="is_late")

    class Meta:
        model = SeriousCaseReport
        fields = ["id", "kind", "number", "due_at", "filed_at", "late", "kinds", "severity", "parties", "occurred_on",
                  "determined_on", "place_category", "measures", "measures_text", "police_involved",
                  "medical_treatment", "public_attention", "attention_channel", "account", "content_hash",
                  "prev_hash"]  # fmt: skip


def _view_data(view) -> dict:
    case = view.case
    data = {
        "flags": [
            {"code": flag.code, "label": str(flag.label), "reason": flag.reason} for flag in view.flags
        ],
        "reports": ReportSerializer(view.reports, many=True).data,
        "learned_elsewhere": [
            {
                "id": e.pk,
                "source": e.source,
                "learned_at": e.learned_at,
                "occurred_on": e.occurred_on,
                "report_due_at": e.report_due_at,
            }
            for e in view.external
        ],  # fmt: skip
    }
    if case is None:
        return {"id": None, "school": view.external[0].school_id, **data}
    return {
        "id": case.pk, "school": case.school_id, "case_code": case.case_code, "occurred_on": case.occurred_on,
        "first_known_at": case.first_known_at, "report_due_at": case.report_due_at,
        "follow_up_due_at": case.follow_up_due_at, "closing_due_at": case.closing_due_at, "closed_on": case.closed_on,
        **data,
    }  # fmt: skip


class RegisterFilters(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS, required=False)
    kind = serializers.CharField(required=False)
    severity = serializers.CharField(required=False)
    flag = serializers.ChoiceField(choices=list(selectors.FLAGS), required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class ExternalIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS)
    source = serializers.ChoiceField(
        choices=ExternalSource.choices, required=False, allow_blank=True, default=""
    )
    source_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    learned_at = serializers.DateTimeField()
    occurred_on = serializers.DateField()
    case_code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DistrictSeriousCases(APIView):
    """GET: the register with each case's reports and flags; POST: a case learned elsewhere (瞒报 check)."""

    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(parameters=[RegisterFilters], responses={200: dict})
    def get(self, request):
        filters = RegisterFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        views = selectors.register(viewer=request.user, filters=dict(filters.validated_data))
        return Response({"now": timezone.now(), "results": [_view_data(view) for view in views]})

    @extend_schema(request=ExternalIn, responses={201: dict})
    def post(self, request):
        data = ExternalIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = actions.record_external(acting_user=request.user, **data.validated_data)
        return Response(
            {"id": record.pk, "report_due_at": record.report_due_at}, status=status.HTTP_201_CREATED
        )


class DistrictSeriousCase(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(_view_data(selectors.case_for(viewer=request.user, pk=pk)))


Handler = role_permission(permissions.handles_incidents, "您的岗位不能办理欺凌事件。")
SchoolAdmin = role_permission(permissions.is_admin, "只有学校管理员可以登记复查整改情况。")


class SchoolSeriousCases(APIView):
    """The school's own cases in the district register, with their flags."""

    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess, Handler]

    @extend_schema(responses={200: dict})
    def get(self, request):
        views = selectors.register(viewer=request.user, school=connection.tenant)
        return Response({"now": timezone.now(), "results": [_view_data(view) for view in views]})


class AppealSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DistrictAppeal
        fields = ["id", "school", "case_code", "subject", "channel", "received_on", "due_on", "overdue", "grounds",
                  "state", "decision_reasons", "delay_reason", "decided_on", "school_response",
                  "school_responded_at", "version"]  # fmt: skip

    def get_overdue(self, appeal) -> bool:
        return appeal_selectors.is_overdue(appeal)


class AppealIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS)
    case_code = serializers.CharField(max_length=30)
    subject = serializers.ChoiceField(choices=AppealSubject.choices)
    channel = serializers.ChoiceField(choices=AppealChannel.choices)
    received_on = serializers.DateField()
    grounds = serializers.CharField(max_length=3000)


class DecideIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=[c for c in AppealState.choices if c[0] != AppealState.PENDING])
    reasons = serializers.CharField(max_length=3000)
    delay_reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField()


class RespondIn(serializers.Serializer):
    response = serializers.CharField(max_length=3000)


class DistrictAppeals(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: AppealSerializer(many=True)})
    def get(self, request):
        return Response(AppealSerializer(appeal_selectors.appeals_for(viewer=request.user), many=True).data)

    @extend_schema(request=AppealIn, responses={201: AppealSerializer})
    def post(self, request):
        data = AppealIn(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeal_actions.record_appeal(acting_user=request.user, **data.validated_data)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class DistrictAppealDecide(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(request=DecideIn, responses={200: AppealSerializer})
    def post(self, request, pk):
        appeal = appeal_selectors.appeal_for(viewer=request.user, pk=pk)
        data = DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        appeal = appeal_actions.decide(acting_user=request.user, appeal=appeal, state=d["state"], reasons=d["reasons"],
                                       delay_reason=d["delay_reason"], expected_version=d["version"])  # fmt: skip
        return Response(AppealSerializer(appeal).data)


class SchoolAppeals(APIView):
    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess, Handler]

    @extend_schema(responses={200: AppealSerializer(many=True)})
    def get(self, request):
        rows = appeal_selectors.appeals_for(viewer=request.user, school=connection.tenant)
        return Response(AppealSerializer(rows, many=True).data)


class SchoolAppealRespond(APIView):
    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess, SchoolAdmin]

    @extend_schema(request=RespondIn, responses={200: AppealSerializer})
    def post(self, request, pk):
        appeal = appeal_selectors.appeal_for(viewer=request.user, pk=pk, school=connection.tenant)
        data = RespondIn(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeal_actions.school_respond(acting_user=request.user, appeal=appeal,
                                               response=data.validated_data["response"])  # fmt: skip
        return Response(AppealSerializer(appeal).data)
