from rest_framework import serializers

from tenants.models import School, SchoolMembership


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
