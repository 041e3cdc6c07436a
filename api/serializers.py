import datetime as dt

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from tenants.models import School, SchoolMembership


class DateTimeField(serializers.DateTimeField):
    """Always RFC 3339. DRF writes local time with its UTC offset; before 1901 Asia/Shanghai kept
    local mean time (+08:05:43), an offset RFC 3339 cannot express and clients cannot read back.
    Such times are written in UTC instead."""

    def to_representation(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and offset.total_seconds() % 60:
                return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class ModelSerializer(serializers.ModelSerializer):
    """For models with date-times people type in (an incident's time can be any past date)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


class SchoolSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.CharField(read_only=True)

    class Meta:
        model = School
        fields = [
            "id", "name", "code", "slug", "kind", "kind_display", "boarding", "student_count", "area",
            "principal", "legal_vice_principal", "hotline", "mailbox", "status", "url",
        ]  # fmt: skip


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.full_name")
    school = serializers.CharField(source="school.name")

    class Meta:
        model = SchoolMembership
        fields = ["username", "full_name", "school", "role", "post", "classes"]


def edit_version():
    """The `version` an edit started from. Optional here so that every door gets the same answer
    from the action below it: missing → 428 (`version_required`), stale → 409 (`stale`). An
    `If-Match: "<version>"` header stands in for it (api.parsers)."""
    return serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="The version this edit started from (or send If-Match). Missing: 428; stale: 409.",
    )  # fmt: skip
