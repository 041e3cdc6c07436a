"""Inspections over the API: the same actions, rules and visibility as the pages.

District host: visits (with checklist answers, photos and an idempotent resend), plans, notices and
their item re-checks, assignments, the checklist and coverage — bureau staff see every school's, an
inspector only those of the schools currently assigned to them (others are 404). School host: the
school's own notices, answered item by item."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess, role_permission
from inspections import actions
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectorAssignment,
    InspectorProfile,
    NoticeItem,
    RectificationNotice,
    Visit,
    VisitAnswer,
    VisitKind,
    VisitMethod,
    VisitPhoto,
    VisitPlan,
)
from inspections.permissions import schools_for, visible_notices, visible_visits
from inspections.selectors import coverage, current_template, notices_for_school
from schools.permissions import handles_incidents
from tenants.access import BUREAU, DISTRICT
from tenants.models import School, User


class NoticeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeItem
        fields = ["id", "notice", "order", "text", "answer", "state", "measures", "evidence", "answered_at",
                  "recheck_due_on", "recheck_note", "rechecked_at", "rechecked_by"]  # fmt: skip


class NoticeSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    notice_items = NoticeItemSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationNotice
        fields = ["id", "visit", "school", "issued_by", "issued_on", "due_on", "items", "status", "overdue",
                  "closed_on", "closed_by", "close_note", "notice_items", "created_at", "updated_at"]  # fmt: skip

    def get_overdue(self, notice) -> bool:
        return notice.is_overdue()


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = VisitAnswer
        fields = ["id", "item", "code", "choice", "number", "text", "evidence_note", "points", "failed"]


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitPhoto
        fields = ["id", "width", "height", "size", "created_at"]


class VisitSerializer(serializers.ModelSerializer):
    notices = NoticeSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    filed_late = serializers.BooleanField(read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True, allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "inspector", "school", "visited_on", "kind", "summary", "duration_minutes", "methods",
                  "template_version", "score", "max_score", "late_reason", "filed_late", "filed_at", "created_at",
                  "updated_at", "voided_at", "void_reason", "answers", "photos", "notices"]  # fmt: skip


class AnswerIn(serializers.Serializer):
    item = serializers.IntegerField(help_text="checklist item id of the current template")
    value = serializers.CharField(allow_blank=True, required=False, default="",
                                  help_text="yes/no/partly, an integer for score and number items, or text")  # fmt: skip
    evidence = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class VisitIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.exclude(schema_name="public"))
    visited_on = serializers.DateField()
    kind = serializers.ChoiceField(VisitKind.choices, default=VisitKind.ROUTINE)
    summary = serializers.CharField(max_length=5000)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    methods = serializers.ListField(
        child=serializers.ChoiceField(VisitMethod.choices), required=False, default=list
    )
    answers = AnswerIn(many=True, required=False, default=list)
    late_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    client_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                       help_text="the draft's key: a resend with the same key files nothing new")  # fmt: skip
    plan = serializers.PrimaryKeyRelatedField(queryset=VisitPlan.objects.all(), required=False, allow_null=True,
                                              default=None)  # fmt: skip


class NoticeIn(serializers.Serializer):
    items = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                  help_text="free-text items, one a line")  # fmt: skip
    answer_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                       help_text="failed checklist answers of the visit")  # fmt: skip
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="default: issued today + the district's re-check limit (30 days)")  # fmt: skip


class CloseIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="how the fixes were re-checked (复查情况)")


class RecheckIn(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=5000)


class AnswerItemIn(serializers.Serializer):
    measures = serializers.CharField(max_length=5000)
    evidence = serializers.CharField(max_length=5000)


class VoidIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PhotosIn(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), help_text="JPEG or PNG, 8 MB each at most")


def _input(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits, newest first. Logging one for a school not assigned to the inspector is refused (400);
    resending one with the same `client_key` (or `Idempotency-Key`) returns the visit filed first."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = VisitSerializer
    filterset_fields = ["school", "kind", "inspector"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no user, only the model
            return Visit.objects.none()
        return (
            visible_visits(self.request.user)
            .select_related("template")
            .prefetch_related("notices__notice_items", "answers__item", "photos")
            .order_by("-visited_on", "-id")
        )

    @extend_schema(request=VisitIn, responses={201: VisitSerializer})
    def create(self, request):
        data = _input(VisitIn, request)
        answers = {a["item"]: {"value": a["value"], "evidence": a["evidence"]} for a in data.pop("answers")}
        visit = actions.log_visit(acting_user=request.user, answers=answers or None, **data)
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data, status=201)

    @extend_schema(request={"multipart/form-data": PhotosIn}, responses={201: PhotoSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        visit = self.get_object()
        photos = request.FILES.getlist("photos")
        saved = actions.add_visit_photos(acting_user=request.user, visit=visit, photos=photos)
        return Response(PhotoSerializer(saved, many=True).data, status=201)

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
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification notices; `close` re-checks every answered item as passed (复查销号), only after
    the school has answered them all, and only by the school's assigned inspector."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = NoticeSerializer
    filterset_fields = ["school", "status", "visit"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RectificationNotice.objects.none()
        return (
            visible_notices(self.request.user).prefetch_related("notice_items").order_by("-issued_on", "-id")
        )

    @extend_schema(request=CloseIn, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        notice = actions.close_notice(
            acting_user=request.user, notice=self.get_object(), note=_input(CloseIn, request)["note"]
        )
        return Response(NoticeSerializer(notice).data)


class NoticeItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items of the visible notices; `recheck` closes (passed) or re-opens one answered item."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = NoticeItemSerializer
    filterset_fields = ["notice", "state"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NoticeItem.objects.none()
        return NoticeItem.objects.filter(notice__in=visible_notices(self.request.user)).order_by(
            "notice", "order"
        )

    @extend_schema(request=RecheckIn, responses={200: NoticeItemSerializer})
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        item = actions.recheck_item(
            acting_user=request.user, item=self.get_object(), **_input(RecheckIn, request)
        )
        return Response(NoticeItemSerializer(item).data)


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitPlan
        fields = ["id", "inspector", "school", "planned_on", "kind", "note", "state", "visit", "created_at"]
        read_only_fields = ["inspector", "state", "visit", "created_at"]


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visit plans (routine, special, unannounced) of the visible schools."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = PlanSerializer
    filterset_fields = ["school", "state", "inspector"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VisitPlan.objects.none()
        return VisitPlan.objects.filter(school__in=schools_for(self.request.user)).order_by(
            "planned_on", "id"
        )

    @extend_schema(request=PlanSerializer, responses={201: PlanSerializer})
    def create(self, request):
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        plan = actions.plan_visit(acting_user=request.user, school=fields["school"], planned_on=fields["planned_on"],
                                  kind=fields.get("kind", VisitKind.ROUTINE), note=fields.get("note", ""))  # fmt: skip
        return Response(PlanSerializer(plan).data, status=201)

    @extend_schema(request=None, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(
            PlanSerializer(actions.cancel_plan(acting_user=request.user, plan=self.get_object())).data
        )


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectorAssignment
        fields = ["id", "inspector", "school", "starts_on", "ends_on"]
        read_only_fields = ["ends_on"]


class AssignmentIn(serializers.Serializer):
    inspector = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.exclude(schema_name="public"))
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndIn(serializers.Serializer):
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """挂牌督导分工, current and past (bureau staff only): assign, and `end`."""

    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = AssignmentSerializer
    filterset_fields = ["inspector", "school"]

    def get_queryset(self):
        return InspectorAssignment.objects.order_by("-starts_on", "-id")

    @extend_schema(request=AssignmentIn, responses={201: AssignmentSerializer})
    def create(self, request):
        assignment = actions.assign_inspector(acting_user=request.user, **_input(AssignmentIn, request))
        return Response(AssignmentSerializer(assignment).data, status=201)

    @extend_schema(request=EndIn, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = actions.end_assignment(
            acting_user=request.user, assignment=self.get_object(), **_input(EndIn, request)
        )
        return Response(AssignmentSerializer(assignment).data)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "code", "text", "answer_type", "points", "expected"]


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "version", "note", "created_at", "items"]


class ChecklistItemIn(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    text = serializers.CharField(max_length=300)
    answer_type = serializers.ChoiceField(["yes_no", "score", "number", "text"])
    points = serializers.IntegerField(min_value=0, max_value=100, default=5)
    expected = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class ChecklistIn(serializers.Serializer):
    items = ChecklistItemIn(many=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CurrentChecklist(APIView):
    """The checklist version new visits are filled in with; POST (bureau staff) publishes a new
    version with the items given — visits already filed keep theirs."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: ChecklistSerializer})
    def get(self, request):
        return Response(ChecklistSerializer(current_template()).data)

    @extend_schema(request=ChecklistIn, responses={201: ChecklistSerializer})
    def post(self, request):
        data = _input(ChecklistIn, request)
        template = actions.revise_checklist(
            acting_user=request.user, items=[dict(i) for i in data["items"]], note=data["note"]
        )
        return Response(ChecklistSerializer(template).data, status=201)


class RulesSerializer(serializers.Serializer):
    visit_frequency = serializers.ChoiceField(["semester", "month"])
    visits_required = serializers.IntegerField(min_value=1, max_value=31)
    not_visited_days = serializers.IntegerField(min_value=1, max_value=366)
    supervision_hotline = serializers.CharField(max_length=50, allow_blank=True)


class InspectionRules(APIView):
    """The district's coverage rules: required visits per semester or month, the not-visited
    threshold and the supervision hotline (bureau staff)."""

    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: RulesSerializer})
    def get(self, request):
        from oversight.models import DistrictSettings

        return Response(RulesSerializer(DistrictSettings.current()).data)

    @extend_schema(request=RulesSerializer, responses={200: RulesSerializer})
    def post(self, request):
        rules = actions.update_inspection_rules(
            acting_user=request.user, values=_input(RulesSerializer, request)
        )
        return Response(RulesSerializer(rules).data)


class ProfileSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=50)
    contact = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    certificate_no = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    photo = serializers.FileField(required=False, allow_null=True, default=None, write_only=True)


class InspectorProfileView(APIView):
    """An inspector's sign details (name, contact, 督学证号, photo): bureau staff or the inspector."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _inspector(self, request, pk):
        from django.http import Http404

        inspector = User.objects.filter(pk=pk, district_memberships__role="inspector").first()
        if inspector is None or not (request.user.is_bureau or request.user.pk == inspector.pk):
            raise Http404
        return inspector

    @staticmethod
    def _data(inspector):
        profile = InspectorProfile.objects.filter(user=inspector).first()
        return {"full_name": inspector.full_name, "contact": getattr(profile, "contact", ""),
                "certificate_no": getattr(profile, "certificate_no", "")}  # fmt: skip

    @extend_schema(responses={200: ProfileSerializer})
    def get(self, request, pk):
        return Response(self._data(self._inspector(request, pk)))

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer})
    def post(self, request, pk):
        inspector = self._inspector(request, pk)
        actions.save_profile(
            acting_user=request.user, inspector=inspector, **_input(ProfileSerializer, request)
        )
        inspector.refresh_from_db()
        return Response(self._data(inspector))


class CoverageRow(serializers.Serializer):
    inspector = serializers.IntegerField(source="inspector.pk")
    school = serializers.IntegerField(source="school.pk")
    school_name = serializers.CharField(source="school.name")
    period_visits = serializers.IntegerField()
    month_visits = serializers.IntegerField()
    semester_visits = serializers.IntegerField()
    required = serializers.IntegerField()
    met = serializers.BooleanField()
    latest = serializers.DateField(allow_null=True)
    stale = serializers.BooleanField()
    open_notices = serializers.IntegerField()
    overdue_notices = serializers.IntegerField()


class Coverage(APIView):
    """Visits per inspector and school against the district's required frequency (an inspector:
    their own schools)."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: CoverageRow(many=True)})
    def get(self, request):
        user = request.user
        rows = coverage(inspector=None if user.is_bureau else user)
        return Response(CoverageRow(rows, many=True).data)


# --- the school's own site -------------------------------------------------------------------


ANSWERERS = role_permission(
    handles_incidents, gettext_lazy("只有本校管理员和政教、安全办负责人可以答复整改通知书。")
)


class SchoolNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """This school's rectification notices (members read them)."""

    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = NoticeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RectificationNotice.objects.none()
        return notices_for_school(self.request.school)


class SchoolNoticeItemViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`answer`: the school's measures and evidence for one item (admins and incident handlers)."""

    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = NoticeItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NoticeItem.objects.none()
        return NoticeItem.objects.filter(notice__in=notices_for_school(self.request.school))

    @extend_schema(request=AnswerItemIn, responses={200: NoticeItemSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, SiteAccess, ANSWERERS])
    def answer(self, request, pk=None):
        item = actions.answer_item(
            acting_user=request.user, item=self.get_object(), **_input(AnswerItemIn, request)
        )
        return Response(NoticeItemSerializer(item).data)
