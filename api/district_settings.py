"""The district's time limits and break-glass mode over the API: bureau staff read them, bureau
admins replace them (the fields come from DistrictSettings; a stale `updated_at` gets 409)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SiteAccess
from oversight import actions
from oversight.models import DistrictSettings
from tenants.access import BUREAU


class DistrictSettingsSerializer(serializers.ModelSerializer):
    updated_at = serializers.DateTimeField(required=False, allow_null=True)

    class Meta:
        model = DistrictSettings
        fields = [*actions.settings_page_fields(), "updated_at"]
        extra_kwargs = {name: {"required": True} for name in actions.settings_page_fields()}


class DistrictSettingsView(APIView):
    site_access = BUREAU
    permission_classes = [IsAuthenticated, SiteAccess]

    @extend_schema(responses={200: DistrictSettingsSerializer})
    def get(self, request):
        return Response(DistrictSettingsSerializer(DistrictSettings.current()).data)

    @extend_schema(request=DistrictSettingsSerializer, responses={200: DistrictSettingsSerializer})
    def put(self, request):
        data = DistrictSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {name: data.validated_data[name] for name in actions.settings_page_fields()}
        try:
            row = actions.update_district_settings(acting_user=request.user, values=values,
                                                   expected_updated_at=data.validated_data.get("updated_at"))  # fmt: skip
        except ValidationError as error:
            if error.code == "stale":
                return Response({"code": "stale", "message": error.messages[0], "errors": {}}, status=409)
            raise
        return Response(DistrictSettingsSerializer(row).data)
