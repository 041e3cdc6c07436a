"""Accountability records (问责) over the API, bureau staff only; names to bureau admins only."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.summons import SCHOOLS, AnyObject, Bureau, _valid
from oversight import record_chain
from oversight.accountability import actions, selectors, workflow
from oversight.accountability.models import BasisKind, ChallengeOutcome, Target


def record_data(r, viewer) -> dict:
    return {
        "id": r.pk, "school": r.school_id, "school_name": r.school.name, "target": r.target,
        "person_name": selectors.shown_name(r, viewer), "person_post": r.person_post, "measure": r.measure,
        "measure_label": r.measure_label, "facts": r.facts, "basis": r.basis, "decided_on": r.decided_on,
        "deciding_body": r.deciding_body, "state": r.state, "statement": r.statement,
        "challenge_due_on": r.challenge_due_on, "challenge_filed_on": r.challenge_filed_on,
        "challenge_grounds": r.challenge_grounds, "challenge_late_reason": r.challenge_late_reason,
        "challenge_outcome": r.challenge_outcome, "challenge_reasons": r.challenge_reasons,
        "links": [{"kind": b.kind, "label": b.label, "serious_case": b.serious_case_id, "summons": b.summons_id,
                   "phase": b.phase_id, "notice": b.notice_id} for b in r.links.all()],
        "hints": [{"code": h.code, "reason": h.reason} for h in selectors.hints(r, viewer=viewer)],
        "next_steps": workflow.steps_from(r.state), "version": r.version,
    }  # fmt: skip


class LinkIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BasisKind.choices)
    id = serializers.IntegerField()


class RecordIn(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=SCHOOLS)
    target = serializers.ChoiceField(choices=Target.choices)
    measure = serializers.CharField(max_length=30)
    person_name = serializers.CharField(max_length=50, allow_blank=True, default="")
    person_post = serializers.CharField(max_length=50, allow_blank=True, default="")
    facts = serializers.CharField(max_length=5000, allow_blank=True, default="")
    basis = serializers.CharField(max_length=2000, allow_blank=True, default="")
    decided_on = serializers.DateField()
    deciding_body = serializers.CharField(max_length=200, allow_blank=True, default="")
    links = LinkIn(many=True, default=list)


class StatementIn(serializers.Serializer):
    statement = serializers.CharField(max_length=5000, allow_blank=True, default="")


class ChallengeIn(serializers.Serializer):
    filed_on = serializers.DateField()
    grounds = serializers.CharField(max_length=5000, allow_blank=True, default="")
    late_reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class DecideIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ChallengeOutcome.choices)
    reasons = serializers.CharField(max_length=3000, allow_blank=True, default="")


class Records(Bureau):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request):
        return Response([record_data(r, request.user) for r in selectors.records_for(viewer=request.user)])

    @extend_schema(request=RecordIn, responses={201: dict})
    def post(self, request):
        row = actions.record(acting_user=request.user, **_valid(RecordIn, request))
        return Response(record_data(row, request.user), status=status.HTTP_201_CREATED)


class Record(Bureau):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        row = selectors.record_for(viewer=request.user, pk=pk)
        links = record_chain.links_of(viewer=request.user, kind="accountability", pk=pk)
        return Response({**record_data(row, request.user),
                         "chain": {k: [link.as_dict() for link in v] for k, v in links.items()}})  # fmt: skip


class Statement(Bureau):
    @extend_schema(request=StatementIn, responses={200: dict})
    def post(self, request, pk):
        row = selectors.record_for(viewer=request.user, pk=pk)
        row = actions.record_statement(acting_user=request.user, record=row, **_valid(StatementIn, request))
        return Response(record_data(row, request.user))


class Challenge(Bureau):
    @extend_schema(request=ChallengeIn, responses={200: dict})
    def post(self, request, pk):
        row = selectors.record_for(viewer=request.user, pk=pk)
        row = actions.challenge(acting_user=request.user, record=row, **_valid(ChallengeIn, request))
        return Response(record_data(row, request.user))


class ChallengeDecide(Bureau):
    @extend_schema(request=DecideIn, responses={200: dict})
    def post(self, request, pk):
        row = selectors.record_for(viewer=request.user, pk=pk)
        row = actions.decide_challenge(acting_user=request.user, record=row, **_valid(DecideIn, request))
        return Response(record_data(row, request.user))
