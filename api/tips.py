"""The anonymous mailbox over the API: a public side keyed by receipt code, and the staff side."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.incidents import IncidentSerializer
from api.permissions import SiteAccess, role_permission
from schools import permissions, throttle
from schools.actions import tips as actions
from schools.models import Tip, TipMessage, TipStatus
from tenants.access import PUBLIC


class TipMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipMessage
        fields = ["from_school", "body", "created_at"]


class TipSerializer(serializers.ModelSerializer):
    messages = TipMessageSerializer(many=True, read_only=True)

    class Meta:
        model = Tip
        fields = [
            "id",
            "body",
            "happened_where",
            "happened_when",
            "status",
            "closed_reason",
            "created_at",
            "messages",
        ]


class TipIn(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    happened_where = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    happened_when = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LookupIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    body = serializers.CharField(max_length=5000, required=False)


class TipsterViewSerializer(serializers.Serializer):
    """What the tipster sees (the schema of tipster_view)."""

    status = serializers.ChoiceField(TipStatus.choices)
    status_display = serializers.CharField()
    closed_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    messages = TipMessageSerializer(many=True)


class TipReceiptSerializer(TipsterViewSerializer):
    receipt_code = serializers.CharField(help_text="Shown once: the only way back to this tip.")


def tipster_view(tip: Tip) -> dict:
    """The plain status and the conversation — never staff internals."""
    return {
        "status": tip.status,
        "status_display": tip.get_status_display(),
        "closed_reason": tip.closed_reason,
        "submitted_at": tip.created_at,
        "messages": TipMessageSerializer(tip.messages.all(), many=True).data,
    }


class PublicTipSubmit(APIView):
    """Submit an anonymous tip. Returns the receipt code, shown once."""

    site_access = PUBLIC
    permission_classes = [AllowAny]
    authentication_classes = []
    # JSON only: a cross-site page can post a form here without a CORS preflight, not JSON.
    parser_classes = [JSONParser]

    @extend_schema(request=TipIn, responses={201: TipReceiptSerializer})
    def post(self, request):
        wait = throttle.wait(request, "tip", per_client=5, per_school=200)
        if wait:
            raise Throttled(wait=wait, detail=str(_("提交太频繁，请稍后再试。")))
        data = TipIn(data=request.data)
        data.is_valid(raise_exception=True)
        tip, code = actions.submit_tip(**data.validated_data)
        return Response({"receipt_code": code, **tipster_view(tip)}, status=201)


class PublicTipLookup(APIView):
    """Look a tip up by receipt code (and optionally add a message)."""

    site_access = PUBLIC
    permission_classes = [AllowAny]
    authentication_classes = []
    # JSON only: a cross-site page can post a form here without a CORS preflight, not JSON.
    parser_classes = [JSONParser]

    @extend_schema(request=LookupIn, responses={200: TipsterViewSerializer})
    def post(self, request):
        wait = throttle.wait(request, "tip-lookup", per_client=30, per_school=2000)
        if wait:
            raise Throttled(wait=wait, detail=str(_("查询太频繁，请稍后再试。")))
        data = LookupIn(data=request.data)
        data.is_valid(raise_exception=True)
        tip = actions.find_by_receipt(data.validated_data["code"])
        if tip is None:
            raise NotFound(_("没有找到这个查询码对应的举报，请核对后重试。"))
        if data.validated_data.get("body"):
            actions.tipster_message(tip=tip, body=data.validated_data["body"])
        return Response(tipster_view(tip))


class ReplyIn(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class TriageIn(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=100)
    summary = serializers.CharField()


class CloseTipIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, help_text="办结说明: shown word for word to the anonymous tipster"
    )


class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tips of this school, for the staff who triage them."""

    serializer_class = TipSerializer
    queryset = Tip.objects.prefetch_related("messages")
    filterset_fields = ["status"]
    ordering_fields = ["created_at"]
    permission_classes = [
        IsAuthenticated, SiteAccess, role_permission(permissions.can_triage_tips, _("您的岗位不能处理匿名举报。")),
    ]  # fmt: skip

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=ReplyIn, responses={200: TipSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        tip = get_object_or_404(Tip, pk=pk)
        actions.reply(acting_user=request.user, tip=tip, **self._input(ReplyIn))
        return Response(TipSerializer(Tip.objects.get(pk=pk)).data)

    @extend_schema(request=TriageIn, responses={201: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        tip = get_object_or_404(Tip, pk=pk)
        incident = actions.triage_to_incident(acting_user=request.user, tip=tip, **self._input(TriageIn))
        return Response(IncidentSerializer(incident, context={"request": request}).data, status=201)

    @extend_schema(request=CloseTipIn, responses={200: TipSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        tip = get_object_or_404(Tip, pk=pk)
        actions.close_tip(acting_user=request.user, tip=tip, **self._input(CloseTipIn))
        return Response(TipSerializer(Tip.objects.get(pk=pk)).data)
