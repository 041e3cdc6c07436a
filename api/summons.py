"""Summons (约谈), circulars (通报) and the chain of follow-through over the API: the same actions
and selectors as the pages. District host: bureau staff issue, record, review; school host: the
school's admins acknowledge and report, and every member reads its summonses and the circulars."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess, role_permission
from oversight import record_chain
from oversight.models import Campaign
from oversight.summons import actions, notice_docx, selectors, workflow
from oversight.summons.models import ReasonKind
from schools import permissions
from tenants.access import BUREAU, MEMBERS
from tenants.models import School

SCHOOLS = School.objects.exclude(schema_name="public")


def summons_data(s, *, now=None) -> dict:
    return {
        "id": s.pk, "number": s.number, "school": s.school_id, "school_name": s.school.name, "state": s.state,
        "state_label": s.get_state_display(), "meeting_at": s.meeting_at, "place": s.place,
        "summoned_posts": s.summoned_posts, "interviewers": s.interviewers, "documents": s.documents,
        "ack_due_at": s.ack_due_at, "acknowledged_at": s.acknowledged_at,
        "reasons": [{"kind": r.kind, "label": r.get_kind_display(), "figure": r.figure, "phase": r.phase_id,
                     "serious_case": r.serious_case_id, "notice": r.notice_id, "appeal": r.appeal_id}
                    for r in s.reasons.all()],
        "attendees": s.attendees, "problems_raised": s.problems_raised, "school_statement": s.school_statement,
        "commitments": [{"id": c.pk, "text": c.text, "owner_post": c.owner_post, "due_on": c.due_on,
                         "done_on": c.done_on} for c in s.commitments.all()],
        "report_due_on": s.report_due_on, "report_text": s.report_text, "report_evidence": s.report_evidence,
        "reported_at": s.reported_at, "review_comment": s.review_comment, "closed_at": s.closed_at,
        "overdue": selectors.overdue(s, now), "next_steps": workflow.steps_from(s.state), "version": s.version,
    }  # fmt: skip


class ReasonIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReasonKind.choices)
    phase = serializers.IntegerField(required=False)
    serious_case = serializers.IntegerField(required=False)
    notice = serializers.IntegerField(required=False)
    appeal = serializers.IntegerField(required=False)


class SummonsIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS)
    reasons = ReasonIn(many=True, required=False, default=list)
    meeting_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    summoned_posts = serializers.ListField(child=serializers.CharField(max_length=50), default=list)
    interviewers = serializers.CharField(max_length=300, allow_blank=True, default="")
    documents = serializers.CharField(max_length=2000, allow_blank=True, default="")


class AttendeeIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, allow_blank=True, default="")
    post = serializers.CharField(max_length=50, allow_blank=True, default="")


class CommitmentIn(serializers.Serializer):
    text = serializers.CharField(max_length=500, allow_blank=True, default="")
    owner_post = serializers.CharField(max_length=50, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingIn(serializers.Serializer):
    attendees = AttendeeIn(many=True, default=list)
    problems_raised = serializers.CharField(max_length=5000, allow_blank=True, default="")
    school_statement = serializers.CharField(max_length=5000, allow_blank=True, default="")
    commitments = CommitmentIn(many=True, default=list)
    report_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReviewIn(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(max_length=3000, allow_blank=True, default="")


class ReportIn(serializers.Serializer):
    report_text = serializers.CharField(max_length=8000, allow_blank=True, default="")
    evidence = serializers.CharField(max_length=3000, allow_blank=True, default="")
    done = serializers.ListField(child=serializers.IntegerField(), default=list)


class CircularIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    body = serializers.CharField(max_length=5000, allow_blank=True, default="")
    summons = serializers.IntegerField(required=False, allow_null=True, default=None)


class AnyObject(serializers.Serializer):
    """A JSON object in the schema (the list endpoints answer a list of them)."""


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class SchoolFilter(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS, required=False)


class Bureau(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]


class Members(APIView):
    site_access = MEMBERS
    permission_classes = [IsAuthenticated, SiteAccess]


Handler = role_permission(permissions.handles_incidents, gettext_lazy("您的岗位不能办理区教育局约谈事项。"))
SchoolAdmin = role_permission(permissions.is_admin, gettext_lazy("只有学校管理员可以办理本校的约谈事项。"))


class Handlers(Members):
    permission_classes = [IsAuthenticated, SiteAccess, Handler]


class Admins(Members):
    permission_classes = [IsAuthenticated, SiteAccess, SchoolAdmin]


class DistrictSummonsList(Bureau):
    @extend_schema(parameters=[SchoolFilter], responses={200: AnyObject(many=True)})
    def get(self, request):
        query = SchoolFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.summonses_for(viewer=request.user, school=query.validated_data.get("school"))
        return Response([summons_data(s) for s in rows])

    @extend_schema(request=SummonsIn, responses={201: dict})
    def post(self, request):
        data = _valid(SummonsIn, request)
        summons = actions.issue(acting_user=request.user, **data)
        return Response(summons_data(summons), status=status.HTTP_201_CREATED)


class DistrictSummons(Bureau):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        summons = selectors.summons_for(viewer=request.user, pk=pk)
        links = record_chain.links_of(viewer=request.user, kind="summons", pk=pk)
        return Response(
            {**summons_data(summons), "links": {k: [link.as_dict() for link in v] for k, v in links.items()}}
        )


class DistrictSummonsMeeting(Bureau):
    @extend_schema(request=MeetingIn, responses={200: dict})
    def post(self, request, pk):
        summons = selectors.summons_for(viewer=request.user, pk=pk)
        summons = actions.record_meeting(
            acting_user=request.user, summons=summons, **_valid(MeetingIn, request)
        )
        return Response(summons_data(summons))


class DistrictSummonsReview(Bureau):
    @extend_schema(request=ReviewIn, responses={200: dict})
    def post(self, request, pk):
        summons = selectors.summons_for(viewer=request.user, pk=pk)
        summons = actions.review_report(
            acting_user=request.user, summons=summons, **_valid(ReviewIn, request)
        )
        return Response(summons_data(summons))


def _docx(summons):
    response = HttpResponse(notice_docx.render(summons),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="summons-{summons.year}-{summons.sequence}.docx"'
    return response


class DistrictSummonsDocx(Bureau):
    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes}
    )
    def get(self, request, pk):
        return _docx(selectors.summons_for(viewer=request.user, pk=pk))


class SchoolSummonsList(Handlers):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request):
        return Response(
            [summons_data(s) for s in selectors.summonses_for(viewer=request.user, school=connection.tenant)]
        )


class SchoolSummons(Handlers):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(
            summons_data(selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant))
        )


class SchoolSummonsDocx(Handlers):
    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes}
    )
    def get(self, request, pk):
        return _docx(selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant))


class SchoolSummonsAcknowledge(Admins):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        summons = selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant)
        return Response(summons_data(actions.acknowledge(acting_user=request.user, summons=summons)))


class SchoolSummonsReport(Admins):
    @extend_schema(request=ReportIn, responses={200: dict})
    def post(self, request, pk):
        summons = selectors.summons_for(viewer=request.user, pk=pk, school=connection.tenant)
        summons = actions.submit_report(
            acting_user=request.user, summons=summons, **_valid(ReportIn, request)
        )
        return Response(summons_data(summons))


def circular_data(c) -> dict:
    return {"id": c.pk, "title": c.title, "body": c.body, "summons": c.summons_id, "issued_at": c.issued_at}


class DistrictCirculars(Bureau):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request):
        return Response([circular_data(c) for c in selectors.circulars_for(viewer=request.user)])

    @extend_schema(request=CircularIn, responses={201: dict})
    def post(self, request):
        data = _valid(CircularIn, request)
        summons = selectors.summons_for(viewer=request.user, pk=data["summons"]) if data["summons"] else None
        circular = actions.circulate(
            acting_user=request.user, title=data["title"], body=data["body"], summons=summons
        )
        return Response(circular_data(circular), status=status.HTTP_201_CREATED)


class SchoolCirculars(Members):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request):
        return Response([circular_data(c) for c in selectors.circulars_for(viewer=request.user)])


class ChainFilters(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS, required=False)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False)


class Chains(Bureau):
    """Every chain (per school or campaign) and where it stands."""

    @extend_schema(parameters=[ChainFilters], responses={200: dict})
    def get(self, request):
        filters = ChainFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = record_chain.chains(viewer=request.user, **filters.validated_data)
        return Response({"open": record_chain.open_chain_count(), "results": [
            {"school": c.school.pk, "open": c.open, "stage": c.stage, "steps": [s.as_dict() for s in c.steps]}
            for c in rows]})  # fmt: skip


class RecordLinks(Bureau):
    """The links of one record both ways: kind is phase_report (with ?school=), serious_case,
    summons, accountability or disclosure."""

    @extend_schema(responses={200: dict})
    def get(self, request, kind, pk):
        school = request.query_params.get("school")
        if kind == "phase_report":
            school = get_object_or_404(SCHOOLS, pk=school).pk if school and school.isdigit() else None
        links = record_chain.links_of(viewer=request.user, kind=kind, pk=pk, school_id=school)
        return Response({k: [link.as_dict() for link in v] for k, v in links.items()})
