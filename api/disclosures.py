"""Disclosures (信息公开) over the API: bureau staff draft, revise, sign off, publish and withdraw;
the public reads published items and withdrawal notices (no login)."""

from django.core.paginator import Paginator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.summons import AnyObject, Bureau, _valid
from oversight import record_chain
from oversight.accountability.models import AccountabilityRecord
from oversight.disclosures import actions, selectors, workflow
from oversight.disclosures.models import CHECKLIST
from oversight.serious_cases.models import SeriousCase
from tenants.access import PUBLIC


def disclosure_data(d) -> dict:
    return {
        "id": d.pk, "serious_case": d.serious_case_id, "accountability": d.accountability_id, "state": d.state,
        "title": d.title, "occurred_on": d.occurred_on, "name_school": d.name_school, "facts": d.facts,
        "measures": d.measures, "outcome": d.outcome, "version": d.version, "drafted_by": d.drafted_by_id,
        "signoffs": [{"user": s.user_id, "version": s.version, "signed_at": s.signed_at} for s in d.signoffs.all()],
        "versions": [{"number": v.number, "title": v.title, "facts": v.facts, "edited_by": v.edited_by_id,
                      "edited_at": v.edited_at} for v in d.versions.all()],
        "publish_at": d.publish_at, "expires_on": d.expires_on, "withdrawn_at": d.withdrawn_at,
        "withdraw_reason": d.withdraw_reason, "next_steps": workflow.steps_from(d.state),
    }  # fmt: skip


def public_data(item) -> dict:
    data = {"id": item.pk, "title": item.title, "occurred_on": item.occurred_on, "published_at": item.published_at,
            "school": item.school, "withdrawn": item.withdrawn}  # fmt: skip
    if item.withdrawn:
        data.update(withdrawn_at=item.withdrawn_at, withdraw_reason=item.withdraw_reason)
    else:
        data.update(facts=item.facts, measures=item.measures, outcome=item.outcome)
    return data


class TextIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    facts = serializers.CharField(allow_blank=True, default="")
    measures = serializers.CharField(max_length=3000, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=2000, allow_blank=True, default="")
    name_school = serializers.BooleanField(default=False)
    confirm = serializers.CharField(max_length=100, allow_blank=True, default="")


class DraftIn(TextIn):
    serious_case = serializers.PrimaryKeyRelatedField(queryset=SeriousCase.objects.all())
    accountability = serializers.PrimaryKeyRelatedField(queryset=AccountabilityRecord.objects.all(), required=False,
                                                        allow_null=True, default=None)  # fmt: skip


class SignIn(serializers.Serializer):
    checklist = serializers.ListField(child=serializers.ChoiceField(choices=list(CHECKLIST)), default=list)


class PublishIn(serializers.Serializer):
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, default="")


class Disclosures(Bureau):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request):
        return Response([disclosure_data(d) for d in selectors.disclosures_for(viewer=request.user)])

    @extend_schema(request=DraftIn, responses={201: dict})
    def post(self, request):
        row = actions.draft(acting_user=request.user, **_valid(DraftIn, request))
        return Response(disclosure_data(row), status=status.HTTP_201_CREATED)


class Disclosure(Bureau):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        links = record_chain.links_of(viewer=request.user, kind="disclosure", pk=pk)
        return Response(
            {**disclosure_data(row), "chain": {k: [x.as_dict() for x in v] for k, v in links.items()}}
        )

    @extend_schema(request=TextIn, responses={200: dict})
    def put(self, request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        row = actions.revise(acting_user=request.user, disclosure=row, **_valid(TextIn, request))
        return Response(disclosure_data(row))


class SignOff(Bureau):
    @extend_schema(request=SignIn, responses={201: dict})
    def post(self, request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        actions.sign_off(acting_user=request.user, disclosure=row, **_valid(SignIn, request))
        return Response(disclosure_data(selectors.disclosure_for(viewer=request.user, pk=pk)), status=201)


class Publish(Bureau):
    @extend_schema(request=PublishIn, responses={200: dict})
    def post(self, request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        return Response(disclosure_data(actions.publish(acting_user=request.user, disclosure=row,
                                                        **_valid(PublishIn, request))))  # fmt: skip


class Withdraw(Bureau):
    @extend_schema(request=WithdrawIn, responses={200: dict})
    def post(self, request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        return Response(disclosure_data(actions.withdraw(acting_user=request.user, disclosure=row,
                                                         **_valid(WithdrawIn, request))))  # fmt: skip


class PublicPage(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, required=False, default=1)


class PublicDisclosures(APIView):
    """Published disclosures and withdrawal notices, 20 a page, newest first. No login."""

    site_access = PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(parameters=[PublicPage], responses={200: dict})
    def get(self, request):
        query = PublicPage(data=request.query_params)
        query.is_valid(raise_exception=True)
        pages = Paginator(selectors.public_rows(), 20)
        page = pages.get_page(query.validated_data["page"])
        return Response({"count": pages.count, "page": page.number, "pages": pages.num_pages,
                         "results": [public_data(i) for i in selectors.public_items(page.object_list)]})  # fmt: skip


class PublicDisclosure(APIView):
    site_access = PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(public_data(selectors.public_item(pk)))
