"""The district dashboard over the API (district host): the same figures as the pages, with the
same filters and the same filter errors (oversight.dashboard_filters) — 400 in the API's error
shape. Bureau staff and inspectors; an inspector sees only the schools assigned to them.

And the public figures (全区防治学生欺凌工作数据公开): district totals only, anyone, no login,
every count of 1 or 2 shown as "<3"."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess
from oversight import actions as district_actions
from oversight import dashboard, public_figures
from oversight.dashboard_filters import ALL_FIELDS, PERIOD_FIELDS, public_filters, validate_query
from oversight.dashboard_views import school_page, visible_school
from oversight.models import FLAG_RULE_FIELDS, DistrictSettings
from tenants.access import BUREAU, DISTRICT, PUBLIC

# --- query parameters -------------------------------------------------------------------------

CAMPAIGN = OpenApiParameter(
    "campaign", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="Campaign id: its schools, its phases and (without from/to) its period. Empty: no campaign "
    "(every school, the last twelve months). Absent: the latest campaign.",
)  # fmt: skip
FROM = OpenApiParameter(
    "from", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="First month of the period, YYYY-MM (2000-01 … 2100-12). Default: the campaign's first month.",
)  # fmt: skip
TO = OpenApiParameter(
    "to", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="Last month of the period, YYYY-MM, not before `from`. Default: the campaign's last month.",
)  # fmt: skip
KIND = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="School kind (primary, junior, …); empty for all.",
)  # fmt: skip
AREA = OpenApiParameter(
    "area", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="Area (所属街道/片区) of the schools; empty for all.",
)  # fmt: skip


def check(request, fields):
    """Raise the filter errors as a 400 in the API's error shape (api.errors)."""
    errors = validate_query(request.query_params, fields=fields)
    if errors:
        raise ValidationError(errors)
    return dashboard.Filters.from_query(request.query_params)


# --- answers --------------------------------------------------------------------------------------


class PublicFiltersOut(serializers.Serializer):
    """The campaign and period (the public figures take no other filter)."""

    campaign = serializers.IntegerField(allow_null=True, help_text="the campaign's id; null: no campaign")
    campaign_name = serializers.CharField(allow_blank=True)
    from_ = serializers.CharField(help_text="YYYY-MM")
    to = serializers.CharField(help_text="YYYY-MM")

    def get_fields(self):  # "from" is a Python keyword
        return {"from" if name == "from_" else name: f for name, f in super().get_fields().items()}


class FiltersOut(PublicFiltersOut):
    kind = serializers.CharField(allow_blank=True)
    area = serializers.CharField(allow_blank=True)


def filters_out(filters: dashboard.Filters) -> dict:
    campaign = filters.campaign
    return {"campaign": campaign.pk if campaign else None, "campaign_name": campaign.name if campaign else "",
            "from": filters.start.strftime("%Y-%m"), "to": filters.end.strftime("%Y-%m"), "kind": filters.kind,
            "area": filters.area}  # fmt: skip


class TilesOut(serializers.Serializer):
    schools = serializers.IntegerField(allow_null=True, help_text="schools in the filters")
    open_incidents = serializers.IntegerField(allow_null=True, help_text="incidents not closed (any month)")
    serious_this_term = serializers.IntegerField(allow_null=True, help_text="serious cases this school term")
    overdue_reports = serializers.IntegerField(allow_null=True, help_text="phase reports missing")
    overdue_fixes = serializers.IntegerField(allow_null=True, help_text="hazards past their deadline")
    not_visited = serializers.IntegerField(allow_null=True, help_text="schools not visited in 30 days")
    open_notices = serializers.IntegerField(
        required=False, allow_null=True, help_text="open rectification notices"
    )
    overdue_notices = serializers.IntegerField(
        required=False, allow_null=True, help_text="rectification notices past their due date"
    )

    def to_representation(self, instance):
        # Every tile the dashboard has, the ones named above and any added later.
        return dict(instance)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": True})
class CellField(serializers.Field):
    def to_representation(self, value):
        return value


class ChartOut(serializers.Serializer):
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField(allow_null=True)))


ChartsOut = type("ChartsOut", (serializers.Serializer,), {chart: ChartOut() for chart in dashboard.CHARTS})


class FlagOut(serializers.Serializer):
    school = serializers.CharField(help_text="the school's slug")
    name = serializers.CharField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class DashboardOut(serializers.Serializer):
    filters = FiltersOut()
    tiles = TilesOut()
    charts = ChartsOut()
    flags = FlagOut(many=True)


def cell(value):
    """A table cell as JSON: numbers stay numbers, labels become text."""
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def chart_out(board, chart) -> dict:
    title, header, rows = board.table(chart)
    return {
        "title": str(title),
        "columns": [str(h) for h in header],
        "rows": [[cell(v) for v in row] for row in rows],
    }


class DistrictDashboard(APIView):
    """The district dashboard: tiles, every chart as a table, and 问题突出学校 with their reasons."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(parameters=[CAMPAIGN, FROM, TO, KIND, AREA], responses={200: DashboardOut})
    def get(self, request):
        filters = check(request, ALL_FIELDS)
        board = dashboard.build(request.user, filters)
        data = {
            "filters": filters_out(filters),
            "tiles": board.tiles,
            "charts": {chart: chart_out(board, chart) for chart in dashboard.CHARTS},
            "flags": [
                {
                    "school": f.school.slug,
                    "name": f.school.name,
                    "score": f.score,
                    "reasons": [str(r) for r in f.reasons],
                }
                for f in board.all_flags
            ],
        }
        return Response(DashboardOut(data).data)


# --- one school ---------------------------------------------------------------------------------


class SchoolOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    area = serializers.CharField(allow_blank=True)
    student_count = serializers.IntegerField()


class MonthOut(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    total = serializers.IntegerField(help_text="incidents, each once")
    per_kind = serializers.ListField(child=serializers.IntegerField(), help_text="in the order of `kinds`")


class CountOut(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class HazardsOut(serializers.Serializer):
    found = serializers.IntegerField(help_text="found in the period")
    fixed = serializers.IntegerField(help_text="of those, fixed or verified")
    open = serializers.IntegerField(help_text="open or rectifying now")
    overdue = serializers.IntegerField(help_text="open past the deadline now")


class ActivityOut(serializers.Serializer):
    label = serializers.CharField(help_text="the kind of activity")
    count = serializers.IntegerField()
    participants = serializers.IntegerField()


class SchoolFlagOut(serializers.Serializer):
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class PhaseCellOut(serializers.Serializer):
    phase = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    label = serializers.CharField()


class SchoolFiguresOut(serializers.Serializer):
    school = SchoolOut()
    filters = FiltersOut()
    kinds = serializers.ListField(child=serializers.CharField())
    incidents_by_month = MonthOut(many=True)
    by_severity = CountOut(many=True)
    by_stage = CountOut(many=True)
    hazards = HazardsOut()
    activities = ActivityOut(many=True)
    care_list_size = serializers.IntegerField(allow_null=True, help_text="a count only, never a name")
    refreshed_at = serializers.DateTimeField(allow_null=True)
    flag = SchoolFlagOut(allow_null=True)
    phases = PhaseCellOut(many=True)


class DashboardSchool(APIView):
    """One school's de-identified figures (the district page of a school): counts, never a name.
    404 for a school the caller may not see (inspectors: schools not assigned to them)."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(parameters=[CAMPAIGN, FROM, TO], responses={200: SchoolFiguresOut})
    def get(self, request, slug):
        school = visible_school(request.user, slug)
        filters = check(request, PERIOD_FIELDS)
        page = school_page(request.user, school, filters)
        figures, flag = page["figures"], page["flag"]
        data = {
            "school": {
                "slug": school.slug,
                "name": school.name,
                "kind": school.kind,
                "kind_display": str(school.get_kind_display()),
                "area": school.area,
                "student_count": school.student_count,
            },
            "filters": {**filters_out(filters), "kind": "", "area": ""},
            "kinds": [str(k) for k in figures.kinds],
            "incidents_by_month": [
                {"month": m.strftime("%Y-%m"), "total": total, "per_kind": per_kind}
                for m, total, per_kind in figures.incidents_by_month
            ],
            "by_severity": [{"label": str(label), "count": n} for label, n in figures.by_severity],
            "by_stage": [{"label": str(label), "count": n} for label, n in figures.by_stage],
            "hazards": figures.hazards,
            "activities": [
                {"label": str(label), "count": n, "participants": p or 0}
                for label, n, p in figures.activities
            ],
            "care_list_size": figures.care_list_size,
            "refreshed_at": figures.refreshed_at,
            "flag": {"score": flag.score, "reasons": [str(r) for r in flag.reasons]} if flag else None,
            "phases": [
                {"phase": phase.pk, "name": phase.name, "state": cell.state, "label": str(cell.label)}
                for phase, cell in page["cells"]
            ],
        }
        return Response(SchoolFiguresOut(data).data)


# --- the public figures -----------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["<3"]}]})
class SuppressedCount(serializers.Field):
    """A count as the public may see it: 1 and 2 are "<3"."""

    def to_representation(self, value):
        return dashboard.suppress_small(value) if isinstance(value, int) else value


class PublicMonthOut(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = SuppressedCount()


class PublicKindOut(serializers.Serializer):
    kind = serializers.CharField(allow_blank=True, help_text="empty: kind not yet determined")
    label = serializers.CharField()
    count = SuppressedCount()


class PublicSeverityOut(serializers.Serializer):
    severity = serializers.CharField(allow_blank=True, help_text="empty: not yet determined")
    label = serializers.CharField()
    count = SuppressedCount()


class PublicHazardsOut(serializers.Serializer):
    found = SuppressedCount()
    fixed = SuppressedCount()


class PublicActivityOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = SuppressedCount()
    participants = SuppressedCount()


class PublicFiguresOut(serializers.Serializer):
    filters = PublicFiltersOut()
    schools = SuppressedCount()
    incidents = SuppressedCount(help_text="incidents in the period, each once")
    closed = SuppressedCount()
    closed_share = serializers.FloatField(
        allow_null=True, help_text="% closed; null when it would give a count of 1 or 2 away"
    )
    incidents_by_month = PublicMonthOut(many=True)
    by_kind = PublicKindOut(many=True, help_text="a multi-kind incident counts under each of its kinds")
    by_severity = PublicSeverityOut(many=True)
    hazards = PublicHazardsOut()
    activities = PublicActivityOut(many=True)
    activities_total = SuppressedCount()
    note = serializers.CharField()


class PublicFigures(APIView):
    """全区防治学生欺凌工作数据公开: district totals for a campaign and period, for anyone.
    No school's figures and no names; every count of 1 or 2 is "<3"."""

    site_access = PUBLIC
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "campaign", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                description="Campaign id (campaigns of at least two schools, not of chosen schools). Empty: the "
                "whole district. Absent: the latest such campaign.",
            ),
            FROM, TO,
        ],
        responses={200: PublicFiguresOut},
    )  # fmt: skip
    def get(self, request):
        filters, errors = public_filters(request.query_params)
        if errors:
            raise ValidationError(errors)
        return Response(PublicFiguresOut(public_figures.compute(filters).as_dict()).data)


# --- the 问题突出学校 rules ---------------------------------------------------------------------------


class FlagRulesSerializer(serializers.ModelSerializer):
    """The thresholds (0 turns a rule off) and the points each rule adds, with their bounds from
    DistrictSettings; `updated_at` as read, so that a change made meanwhile by someone else is
    refused (409) instead of overwritten."""

    updated_at = serializers.DateTimeField(required=False, allow_null=True)

    class Meta:
        model = DistrictSettings
        fields = [*FLAG_RULE_FIELDS, "updated_at"]
        extra_kwargs = {name: {"required": True} for name in FLAG_RULE_FIELDS}  # PUT replaces them all


class FlagRules(APIView):
    """The 问题突出学校 rules of the district (bureau staff): read them, or replace them all."""

    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: FlagRulesSerializer})
    def get(self, request):
        return Response(FlagRulesSerializer(DistrictSettings.current()).data)

    @extend_schema(request=FlagRulesSerializer, responses={200: FlagRulesSerializer})
    def put(self, request):
        data = FlagRulesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {name: data.validated_data[name] for name in FLAG_RULE_FIELDS}
        try:
            rules = district_actions.update_flag_rules(
                acting_user=request.user,
                values=values,
                expected_updated_at=data.validated_data.get("updated_at"),
            )
        except ValidationError as error:
            if error.code == "stale":
                return Response({"code": "stale", "message": error.messages[0], "errors": {}}, status=409)
            raise
        return Response(FlagRulesSerializer(rules).data)
