"""The care list over the API, with the same access as the pages: admins and committee members
see every entry, a 班主任 only the classes they teach, everyone else nothing."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import SiteAccess, membership, role_permission
from api.serializers import edit_version
from schools import permissions
from schools.actions import care as actions
from schools.models import CareEntry, CareTalk, WarningSign


class TalkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTalk
        fields = ["id", "held_on", "talked_by", "outcome", "created_at"]


class CareEntrySerializer(serializers.ModelSerializer):
    talks = TalkSerializer(many=True, read_only=True)

    class Meta:
        model = CareEntry
        fields = ["id", "student_name", "grade", "class_name", "signs", "notes", "next_review_on", "closed_on",
                  "voided_reason", "voided_at", "version", "talks"]  # fmt: skip


class EntryIn(serializers.Serializer):
    student_name = serializers.CharField(max_length=50)
    grade = serializers.CharField(max_length=20)
    class_name = serializers.CharField(max_length=30)
    signs = serializers.ListField(child=serializers.ChoiceField(WarningSign.choices), allow_empty=False)
    next_review_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class EditIn(EntryIn):
    version = edit_version()


class TalkIn(serializers.Serializer):
    held_on = serializers.DateField()
    talked_by = serializers.CharField(max_length=50)
    outcome = serializers.CharField()


class CareCloseIn(serializers.Serializer):
    closed_on = serializers.DateField()
    version = edit_version()


class CareVoidIn(serializers.Serializer):
    reason = serializers.CharField()


class CareEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CareEntrySerializer
    queryset = CareEntry.objects.none()  # for the schema; get_queryset narrows by role
    filterset_fields = ["class_name", "grade"]
    ordering_fields = ["next_review_on", "created_at"]
    permission_classes = [
        IsAuthenticated, SiteAccess,
        role_permission(permissions.can_see_care_list, gettext_lazy("您的岗位无权查看重点关注学生。")),
    ]  # fmt: skip

    def get_queryset(self):
        member = membership(self.request)
        entries = permissions.care_entries_visible_to(member, CareEntry.objects.prefetch_related("talks"))
        return entries if permissions.is_admin(member) else entries.filter(voided_at__isnull=True)

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _check_class(self, class_name):
        if not permissions.can_keep_care_for_class(membership(self.request), class_name):
            raise ValidationError({"class_name": _("您只能登记本人所带班级的学生。")})

    def _answer(self, entry, status=200):
        return Response(CareEntrySerializer(self.get_queryset().get(pk=entry.pk)).data, status=status)

    @extend_schema(request=EntryIn, responses={201: CareEntrySerializer})
    def create(self, request):
        data = self._input(EntryIn)
        self._check_class(data["class_name"])
        return self._answer(actions.add_entry(acting_user=request.user, **data), status=201)

    @extend_schema(request=EditIn, responses={200: CareEntrySerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        data = self._input(EditIn)
        self._check_class(data["class_name"])
        version = data.pop("version")
        return self._answer(
            actions.edit_entry(acting_user=request.user, entry=entry, expected_version=version, **data)
        )

    @extend_schema(request=TalkIn, responses={201: CareEntrySerializer})
    @action(detail=True, methods=["post"])
    def talks(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        actions.add_talk(acting_user=request.user, entry=entry, **self._input(TalkIn))
        return self._answer(entry, status=201)

    @extend_schema(request=CareCloseIn, responses={200: CareEntrySerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        data = self._input(CareCloseIn)
        return self._answer(actions.close_entry(acting_user=request.user, entry=entry, closed_on=data["closed_on"],
                                                expected_version=data["version"]))  # fmt: skip

    @extend_schema(request=CareVoidIn, responses={204: None})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        actions.void_entry(acting_user=request.user, entry=entry, **self._input(CareVoidIn))
        return Response(status=204)
