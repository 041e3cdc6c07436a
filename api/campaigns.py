"""Campaigns, phases, progress and review over the API (district host), and the school's phase
reports (school host): the same actions, rules and role checks as the pages."""

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from api.permissions import SiteAccess, role_permission
from api.serializers import edit_version
from inspections.selectors import schools_visible_to
from oversight import actions as district
from oversight.models import Campaign, CampaignScope, Phase, PhaseSubmission
from oversight.progress import Tally
from oversight.reporting import check_template, default_template
from oversight.selectors import visible_progress, visible_submissions
from schools import permissions
from schools.actions import reports as school_actions
from schools.models import PhaseReport
from tenants.access import DISTRICT
from tenants.models import School


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "campaign", "order", "name", "period", "goals", "starts_on", "ends_on", "report_due_on",
                  "grace_days", "accepts_until", "report_template"]  # fmt: skip
        read_only_fields = ["campaign", "order", "period"]


class CampaignSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not request.user.is_bureau:
            visible = set(schools_visible_to(request.user).values_list("pk", flat=True))
            data["schools"] = [pk for pk in data["schools"] if pk in visible]
        return data

    class Meta:
        model = Campaign
        fields = ["id", "name", "year", "description", "scope", "kinds", "schools", "phases"]


class CampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.ChoiceField(CampaignScope.choices, default=CampaignScope.ALL)
    schools = serializers.PrimaryKeyRelatedField(many=True, queryset=School.objects.exclude(schema_name="public"),
                                                 required=False, default=list)  # fmt: skip
    kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class PhaseIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    goals = serializers.CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    report_due_on = serializers.DateField()
    grace_days = serializers.IntegerField(min_value=0, max_value=60, default=0)
    accepts_until = serializers.DateField(required=False, allow_null=True, default=None)
    report_template = serializers.JSONField(required=False, default=default_template)

    def validate_report_template(self, value):
        check_template(value)
        return value


class MonthlyIn(serializers.Serializer):
    first_month = serializers.DateField()
    months = serializers.IntegerField(min_value=1, max_value=24)
    due_day = serializers.IntegerField(min_value=1, max_value=28, default=10)
    grace_days = serializers.IntegerField(min_value=0, max_value=30, default=0)
    accepts_days_after_due = serializers.IntegerField(
        min_value=0, max_value=60, default=0,
        help_text="days after each month's due date that late reports are still accepted (0: extension only)",
    )  # fmt: skip
    goals = serializers.CharField(required=False, allow_blank=True, default="")
    report_template = serializers.JSONField(required=False, default=None)

    def validate_report_template(self, value):
        if value is not None:
            check_template(value)
        return value


class PhaseCorrectIn(serializers.Serializer):
    """PUT: every field; PATCH: only those that change."""

    name = serializers.CharField(max_length=100)
    goals = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    report_due_on = serializers.DateField()
    grace_days = serializers.IntegerField(min_value=0, max_value=60)
    accepts_until = serializers.DateField(allow_null=True)


# The schema of the progress answer (campaign_progress, as the view lays it out).
TallySerializer = type("TallySerializer", (serializers.Serializer,), {
    **{name: serializers.IntegerField() for name in Tally.__dataclass_fields__},
    "completeness": serializers.FloatField(allow_null=True, help_text="% of expected reports submitted"),
    "timeliness": serializers.FloatField(allow_null=True, help_text="% of expected reports on time"),
})  # fmt: skip


class PhaseTallySerializer(TallySerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProgressCellSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    state = serializers.CharField()
    status = serializers.CharField(help_text="review state of the latest version; empty before any")
    version = serializers.IntegerField()
    submission = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()


class ProgressRowSerializer(serializers.Serializer):
    school = serializers.IntegerField()
    name = serializers.CharField()
    cells = ProgressCellSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    total = TallySerializer()
    phases = PhaseTallySerializer(many=True)
    matrix = ProgressRowSerializer(many=True)


class BureauWrites(BasePermission):
    """Inspectors may read progress; only bureau staff change campaigns or review."""

    message = _("此操作仅限教育局工作人员。")

    def has_permission(self, request, view):
        return request.method in ("GET", "HEAD", "OPTIONS") or request.user.is_bureau


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess, BureauWrites]
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.prefetch_related("phases", "schools")

    @extend_schema(request=CampaignIn, responses={201: CampaignSerializer})
    def create(self, request):
        data = CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = district.create_campaign(acting_user=request.user, **data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=201)

    @extend_schema(request=PhaseIn, responses={201: PhaseSerializer})
    @action(detail=True, methods=["post"])
    def phases(self, request, pk=None):
        data = PhaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        phase = district.add_phase(
            acting_user=request.user, campaign=self.get_object(), **data.validated_data
        )
        return Response(PhaseSerializer(phase).data, status=201)

    @extend_schema(request=MonthlyIn, responses={201: PhaseSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None)  # a plain list of the new phases
    def monthly(self, request, pk=None):
        data = MonthlyIn(data=request.data)
        data.is_valid(raise_exception=True)
        phases = district.generate_monthly_phases(acting_user=request.user, campaign=self.get_object(),
                                                  **data.validated_data)  # fmt: skip
        return Response(PhaseSerializer(phases, many=True).data, status=201)

    @extend_schema(responses={200: ProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        progress = visible_progress(request.user, self.get_object())
        return Response({
            "total": progress.total.as_dict(),
            "phases": [{"id": p.pk, "name": p.name, **t.as_dict()} for p, t in progress.phase_rows()],
            "matrix": [{"school": s.pk, "name": s.name, "cells": [
                {"phase": c.phase_id, "state": c.state, "status": c.status, "version": c.version,
                 "submission": c.submission_id, "due_on": c.due_on} for c in cells]}
                for s, cells in progress.rows()],
        })  # fmt: skip


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseSubmission
        fields = ["id", "school", "phase", "version", "figures", "overridden", "status", "submitted_at",
                  "content_hash", "prev_hash", "reviewed_at", "review_comment"]  # fmt: skip


class ReviewIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    site_access = DISTRICT  # inspectors read figures; BureauWrites keeps review to bureau staff
    permission_classes = [IsAuthenticated, SiteAccess, BureauWrites]
    serializer_class = SubmissionSerializer
    queryset = PhaseSubmission.objects.order_by("school", "phase", "version")
    filterset_fields = ["phase", "school", "status"]

    def get_queryset(self):
        return visible_submissions(self.request.user).order_by("school", "phase", "version")

    def _review(self, request, run):
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        submission = run(self.get_object(), data.validated_data["comment"])
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ReviewIn, responses={200: SubmissionSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._review(request, lambda s, c: district.accept_submission(
            acting_user=request.user, submission=s, comment=c))  # fmt: skip

    @extend_schema(request=ReviewIn, responses={200: SubmissionSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._review(request, lambda s, c: district.return_submission(
            acting_user=request.user, submission=s, comment=c))  # fmt: skip


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseReport
        fields = ["id", "phase", "number", "previous", "prefilled", "figures", "overrides", "sections",
                  "submitted_at", "content_hash", "prev_hash", "version"]  # fmt: skip


class StartIn(serializers.Serializer):
    phase = serializers.PrimaryKeyRelatedField(queryset=Phase.objects.all())


class SaveIn(serializers.Serializer):
    # Figures stay raw here: the action refuses non-numeric and negative ones with its own message.
    figures = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    version = edit_version()


class ReportSubmittedSerializer(serializers.Serializer):
    report = ReportSerializer()
    submission = SubmissionSerializer()
    school = serializers.IntegerField()


Manager = role_permission(permissions.can_manage_records, _("您的岗位不能填报阶段报告。"))
Submitter = role_permission(permissions.is_admin, _("只有学校管理员（第一责任人）可以提交阶段报告。"))


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """This school's phase reports (every version). Submission time is always the server's."""

    serializer_class = ReportSerializer
    queryset = PhaseReport.objects.order_by("phase", "number")
    filterset_fields = ["phase"]

    def get_permissions(self):
        # By route, not self.action: a GET on the POST-only submit route has no action but the same door.
        match = getattr(self.request, "resolver_match", None)
        extra = Submitter if match is not None and match.url_name == "api-report-submit" else Manager
        return [IsAuthenticated(), SiteAccess(), extra()]

    @extend_schema(request=StartIn, responses={201: ReportSerializer})
    def create(self, request):
        data = StartIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = school_actions.start_report(acting_user=request.user, phase=data.validated_data["phase"])
        return Response(ReportSerializer(report).data, status=201)

    @extend_schema(request=SaveIn, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def save(self, request, pk=None):
        data = SaveIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        report = school_actions.save_draft(acting_user=request.user, report=self.get_object(), figures=d["figures"],
                                           reasons=d["reasons"], sections=d["sections"], expected_version=d["version"])  # fmt: skip
        return Response(ReportSerializer(report).data)

    @extend_schema(request=None, responses={200: ReportSubmittedSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = school_actions.submit_report(acting_user=request.user, report=self.get_object())
        report = get_object_or_404(PhaseReport, pk=submission.report_id)
        return Response({"report": ReportSerializer(report).data, "submission": SubmissionSerializer(submission).data,
                         "school": connection.tenant.pk})  # fmt: skip


class SchoolPhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="phase.pk")
    campaign = serializers.IntegerField(source="phase.campaign_id")
    campaign_name = serializers.CharField(source="phase.campaign.name")
    name = serializers.CharField(source="phase.name")
    period = serializers.CharField(source="phase.period")
    starts_on = serializers.DateField(source="phase.starts_on")
    ends_on = serializers.DateField(source="phase.ends_on")
    report_due_on = serializers.DateField(source="phase.report_due_on")
    grace_days = serializers.IntegerField(source="phase.grace_days")
    accepts_until = serializers.DateField(source="phase.accepts_until", allow_null=True)
    due_on = serializers.DateField(
        source="cell.due_on", help_text="this school's last on-time day (extension, grace)"
    )
    extended = serializers.BooleanField(source="cell.extended")
    state = serializers.CharField(
        source="cell.state", help_text="pending, on_time, late, missing or exempted"
    )
    state_label = serializers.CharField(source="cell.label")
    status = serializers.CharField(
        source="cell.status", help_text="review state of the latest version; empty before any"
    )
    version = serializers.IntegerField(
        source="cell.version", help_text="latest submitted version; 0 before any"
    )
    submitted_at = serializers.DateTimeField(source="cell.submitted_at", allow_null=True)
    open = serializers.SerializerMethodField(help_text="whether a first report is accepted today")
    closed_reason = serializers.CharField(help_text="why not, when it is not")
    report = serializers.SerializerMethodField(
        help_text="this school's latest report for the phase (draft or submitted)"
    )

    def get_open(self, row) -> bool:
        return not row.closed_reason and not row.exempt

    def get_report(self, row) -> int | None:
        return self.context["reports"].get(row.phase.pk)


class SchoolPhaseViewSet(viewsets.ViewSet):
    """The phases of the campaigns that include this school, each with the state of its report.
    Read-only: reports are started, saved and submitted under /reports/."""

    serializer_class = SchoolPhaseSerializer

    def get_permissions(self):
        return [IsAuthenticated(), SiteAccess(), Manager()]

    def _rows(self):
        from oversight.selectors import school_phases

        return school_phases(connection.tenant)

    def _context(self):
        latest = {}
        for phase_id, pk in PhaseReport.objects.order_by("number").values_list("phase_id", "pk"):
            latest[phase_id] = pk
        return {"reports": latest}

    @extend_schema(responses={200: SchoolPhaseSerializer(many=True)})
    def list(self, request):
        return Response(SchoolPhaseSerializer(self._rows(), many=True, context=self._context()).data)

    @extend_schema(
        responses={200: SchoolPhaseSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="the phase's id")],
    )
    def retrieve(self, request, pk=None):
        row = next((r for r in self._rows() if str(r.phase.pk) == str(pk)), None)
        if row is None:
            raise NotFound(_("本校不在该阶段所属专项行动的范围内，或该阶段不存在。"))
        return Response(SchoolPhaseSerializer(row, context=self._context()).data)


class ExtensionIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    due_on = serializers.DateField()
    reason = serializers.CharField()


class ExemptionIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    reason = serializers.CharField()


class GrantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phase = serializers.IntegerField(source="phase_id")
    school = serializers.IntegerField(source="school_id")
    reason = serializers.CharField()
    due_on = serializers.DateField(required=False)
    granted_at = serializers.DateTimeField()


class PhaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Phases of every campaign; bureau staff grant a school an extension or an exemption here,
    counted apart from late and missing reports."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess, BureauWrites]
    serializer_class = PhaseSerializer
    queryset = Phase.objects.select_related("campaign")
    filterset_fields = ["campaign"]

    def _input(self, serializer_class, partial=False) -> dict:
        data = serializer_class(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _correct(self, request, partial):
        phase = self.get_object()
        values = self._input(PhaseCorrectIn, partial=partial)
        if phase.period and not partial and values.get("name") in (phase.name, phase.title):
            values.pop("name")  # a PUT of what GET answered, for a phase named after its month
        phase = district.correct_phase(acting_user=request.user, phase=phase, **values)
        return Response(PhaseSerializer(phase).data)

    @extend_schema(request=PhaseCorrectIn, responses={200: PhaseSerializer})
    def update(self, request, pk=None):
        """Correct a phase (audited; once schools have submitted, never turning an on-time report late)."""
        return self._correct(request, partial=False)

    @extend_schema(request=PhaseCorrectIn, responses={200: PhaseSerializer})
    def partial_update(self, request, pk=None):
        return self._correct(request, partial=True)

    @extend_schema(request=ExtensionIn, responses={201: GrantSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        grant = district.grant_extension(
            acting_user=request.user, phase=self.get_object(), **self._input(ExtensionIn)
        )
        return Response(GrantSerializer(grant).data, status=201)

    @extend_schema(request=ExemptionIn, responses={201: GrantSerializer})
    @action(detail=True, methods=["post"])
    def exempt(self, request, pk=None):
        grant = district.grant_exemption(
            acting_user=request.user, phase=self.get_object(), **self._input(ExemptionIn)
        )
        return Response(GrantSerializer(grant).data, status=201)
