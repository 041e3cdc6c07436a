"""Incidents over the API: the same actions, rules and role checks as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import SiteAccess, membership, role_permission
from api.serializers import ModelSerializer, edit_version
from oversight.serious_cases.models import PlaceCategory, PublicAttention, ReportKind
from schools import permissions
from schools.actions import incidents as actions
from schools.actions import serious_reports
from schools.models import (
    AppealStatus,
    AppealSubject,
    BullyingKind,
    Determination,
    DeterminationAppeal,
    FollowUp,
    Incident,
    IncidentParty,
    IncidentSeverity,
    IncidentSource,
    MeasureKind,
    PartyRole,
    SupportKind,
)
from schools.workflows.incident import closing_checklist


class PartySerializer(ModelSerializer):
    class Meta:
        model = IncidentParty
        fields = ["id", "student_name", "grade", "class_name", "role", "family_notified_at", "version"]


class ClosingCheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    done = serializers.BooleanField()


class IncidentSerializer(ModelSerializer):
    parties = serializers.SerializerMethodField()
    closing_checklist = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id", "code", "source", "reporter", "occurred_at", "place", "summary", "stage", "opened_on",
            "investigation_due_on", "findings", "determination", "kinds", "severity", "determined_on",
            "upward_report_due_at", "upward_reported_at", "closed_on", "closing_summary", "follow_up_waived_reason",
            "voided_reason", "voided_at", "version", "parties", "closing_checklist",
        ]  # fmt: skip

    @extend_schema_field(ClosingCheckSerializer(many=True))
    def get_closing_checklist(self, incident) -> list[dict]:
        """What a case determined as bullying still needs before it can be closed (empty otherwise)."""
        return [{"key": c.key, "label": str(c.label), "done": c.done} for c in closing_checklist(incident)]

    def get_parties(self, incident) -> list[dict] | None:
        request = self.context["request"]
        if not permissions.can_see_parties(membership(request), incident):
            return None
        return PartySerializer(permissions.parties_visible_to(membership(request), incident), many=True).data


class IncidentStepSerializer(serializers.Serializer):
    """The answer to a step that adds a record to the incident (a party, measure, support session,
    follow-up or appeal): that record's id, and the incident as it is now."""

    id = serializers.IntegerField()
    incident = IncidentSerializer()


class RecordIn(serializers.Serializer):
    source = serializers.ChoiceField(IncidentSource.choices)
    reporter = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=100)
    summary = serializers.CharField()


class PartyIn(serializers.Serializer):
    student_name = serializers.CharField(max_length=50)
    grade = serializers.CharField(max_length=20)
    class_name = serializers.CharField(max_length=30)
    role = serializers.ChoiceField(PartyRole.choices)
    family_notified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class VersionIn(serializers.Serializer):
    version = edit_version()


class OpenIn(VersionIn):
    opened_on = serializers.DateField()


class DetermineIn(VersionIn):
    determination = serializers.ChoiceField(Determination.choices)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(BullyingKind.choices), required=False, default=list
    )
    severity = serializers.ChoiceField([("", "")] + IncidentSeverity.choices, required=False, default="")
    determined_on = serializers.DateField()
    findings = serializers.CharField()


class MeasureIn(serializers.Serializer):
    party = serializers.IntegerField()
    kind = serializers.ChoiceField(MeasureKind.choices)
    decided_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SupportIn(serializers.Serializer):
    party = serializers.IntegerField()
    kind = serializers.ChoiceField(SupportKind.choices)
    held_on = serializers.DateField()
    provided_by = serializers.CharField(max_length=50)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpIn(serializers.Serializer):
    due_on = serializers.DateField()


class FollowUpDoneIn(serializers.Serializer):
    follow_up = serializers.IntegerField()
    done_on = serializers.DateField()
    notes = serializers.CharField()


class AppealIn(serializers.Serializer):
    subject = serializers.ChoiceField(choices=AppealSubject.choices, default=AppealSubject.DETERMINATION)
    filed_on = serializers.DateField()
    filed_by = serializers.CharField(max_length=50)
    grounds = serializers.CharField()


class DecideAppealIn(serializers.Serializer):
    appeal = serializers.IntegerField()
    status = serializers.ChoiceField([AppealStatus.UPHELD, AppealStatus.CHANGED])
    outcome = serializers.CharField()


class IncidentCloseIn(VersionIn):
    closing_summary = serializers.CharField()
    follow_up_waiver = serializers.CharField(required=False, allow_blank=True, default="")


class PartyEditIn(VersionIn):
    party = serializers.IntegerField()
    grade = serializers.CharField(max_length=20)
    class_name = serializers.CharField(max_length=30)
    family_notified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SeriousReportIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    place_category = serializers.ChoiceField(choices=PlaceCategory.choices)
    medical_treatment = serializers.BooleanField(default=False)
    public_attention = serializers.ChoiceField(choices=PublicAttention.choices, default=PublicAttention.NONE)
    attention_channel = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    measures_text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    account = serializers.CharField(max_length=5000)


class IncidentVoidIn(serializers.Serializer):
    reason = serializers.CharField()


def step(request_serializer, adds_record=False):
    """The schema of one lifecycle step: what it takes, and what it answers."""
    return extend_schema(
        request=request_serializer,
        responses={200: IncidentStepSerializer if adds_record else IncidentSerializer},
    )


Handler = role_permission(permissions.handles_incidents, _("您的岗位不能办理欺凌事件。"))
Logger = role_permission(permissions.can_log_incident, _("您不是本校成员。"))


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents of this school. Writes go through the lifecycle actions, one endpoint per step."""

    serializer_class = IncidentSerializer
    queryset = Incident.objects.none()  # for the schema; get_queryset narrows by role
    filterset_fields = ["stage", "source", "severity", "determination"]
    ordering_fields = ["occurred_at", "code", "stage"]

    def get_permissions(self):
        extra = Logger if self.action in ("list", "retrieve", "create") else Handler
        return [IsAuthenticated(), SiteAccess(), extra()]

    def get_queryset(self):
        member = membership(self.request)
        incidents = Incident.objects.prefetch_related("parties__support_sessions")
        return permissions.incidents_visible_to(member, self.request.user, incidents)

    def get_object(self):
        incident = get_object_or_404(Incident.objects.prefetch_related("parties"), pk=self.kwargs["pk"])
        if not permissions.can_view_incident(membership(self.request), self.request.user, incident):
            raise NotFound(_("未找到该事件。"))
        return incident

    def _run(self, request, pk, serializer_class, run):
        incident = get_object_or_404(self.get_queryset(), pk=pk)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        result = run(incident, data.validated_data)
        incident.refresh_from_db()
        body = IncidentSerializer(incident, context={"request": request}).data
        if result is not None and not isinstance(result, Incident):
            body = {"id": result.pk, "incident": body}
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(request=RecordIn, responses={201: IncidentSerializer})
    def create(self, request):
        data = RecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        incident = actions.record_incident(acting_user=request.user, **data.validated_data)
        return Response(IncidentSerializer(incident, context={"request": request}).data, status=201)

    def _party(self, incident, pk):
        return get_object_or_404(IncidentParty, incident=incident, pk=pk)

    @step(PartyIn, adds_record=True)
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        return self._run(
            request, pk, PartyIn, lambda i, d: actions.add_party(acting_user=request.user, incident=i, **d)
        )

    @step(PartyEditIn, adds_record=True)
    @action(detail=True, methods=["post"], url_path="parties/edit")
    def edit_party(self, request, pk=None):
        return self._run(request, pk, PartyEditIn, lambda i, d: actions.edit_party(
            acting_user=request.user, party=self._party(i, d["party"]), grade=d["grade"], class_name=d["class_name"],
            family_notified_at=d["family_notified_at"], expected_version=d["version"]))  # fmt: skip

    @step(OpenIn)
    @action(detail=True, methods=["post"], url_path="open")
    def open_investigation(self, request, pk=None):
        return self._run(request, pk, OpenIn, lambda i, d: actions.open_investigation(
            acting_user=request.user, incident=i, opened_on=d["opened_on"], expected_version=d["version"]))  # fmt: skip

    @step(DetermineIn)
    @action(detail=True, methods=["post"])
    def determine(self, request, pk=None):
        return self._run(request, pk, DetermineIn, lambda i, d: actions.determine(
            acting_user=request.user, incident=i, determination=d["determination"], kinds=d["kinds"],
            severity=d["severity"], determined_on=d["determined_on"], findings=d["findings"],
            expected_version=d["version"]))  # fmt: skip

    @step(MeasureIn, adds_record=True)
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        return self._run(request, pk, MeasureIn, lambda i, d: actions.add_measure(
            acting_user=request.user, party=self._party(i, d["party"]), kind=d["kind"], decided_on=d["decided_on"],
            notes=d["notes"]))  # fmt: skip

    @step(SupportIn, adds_record=True)
    @action(detail=True, methods=["post"])
    def support(self, request, pk=None):
        return self._run(request, pk, SupportIn, lambda i, d: actions.add_support(
            acting_user=request.user, party=self._party(i, d["party"]), kind=d["kind"], held_on=d["held_on"],
            provided_by=d["provided_by"], notes=d["notes"]))  # fmt: skip

    @step(FollowUpIn, adds_record=True)
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        return self._run(request, pk, FollowUpIn, lambda i, d: actions.schedule_follow_up(
            acting_user=request.user, incident=i, due_on=d["due_on"]))  # fmt: skip

    @step(FollowUpDoneIn, adds_record=True)
    @action(detail=True, methods=["post"], url_path="follow-ups/done")
    def follow_up_done(self, request, pk=None):
        return self._run(request, pk, FollowUpDoneIn, lambda i, d: actions.complete_follow_up(
            acting_user=request.user, follow_up=get_object_or_404(FollowUp, incident=i, pk=d["follow_up"]),
            done_on=d["done_on"], notes=d["notes"]))  # fmt: skip

    @step(AppealIn, adds_record=True)
    @action(detail=True, methods=["post"])
    def appeals(self, request, pk=None):
        return self._run(request, pk, AppealIn, lambda i, d: actions.file_appeal(
            acting_user=request.user, incident=i, **d))  # fmt: skip

    @step(DecideAppealIn, adds_record=True)
    @action(detail=True, methods=["post"], url_path="appeals/decide")
    def decide_appeal(self, request, pk=None):
        return self._run(request, pk, DecideAppealIn, lambda i, d: actions.decide_appeal(
            acting_user=request.user, appeal=get_object_or_404(DeterminationAppeal, incident=i, pk=d["appeal"]),
            status=d["status"], outcome=d["outcome"]))  # fmt: skip

    @step(IncidentCloseIn)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, pk, IncidentCloseIn, lambda i, d: actions.close(
            acting_user=request.user, incident=i, closing_summary=d["closing_summary"],
            follow_up_waiver=d["follow_up_waiver"], expected_version=d["version"]))  # fmt: skip

    @step(IncidentVoidIn)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self._run(request, pk, IncidentVoidIn, lambda i, d: actions.void(
            acting_user=request.user, incident=i, reason=d["reason"]))  # fmt: skip

    @step(SeriousReportIn, adds_record=True)
    @action(detail=True, methods=["post"], url_path="serious-reports")
    def serious_reports(self, request, pk=None):
        """首报, 续报 or 结案报告 of a serious case to the district (de-identified, gated)."""
        return self._run(request, pk, SeriousReportIn, lambda i, d: serious_reports.file_report(
            acting_user=request.user, incident=i, **d))  # fmt: skip
