"""REST API for schools: scope from ``supervision.access``, writes through ``schools.services``.

A school's zone and 在办 are those of today (its open membership); a change takes effect from ``on``
(today by default, a past day allowed, never a future one). Its whole history is
``GET /schools/{id}/history/``; ``move``, ``close`` and ``reopen`` are its dated acts.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator

from supervision import access, clock
from supervision.api import OfficeRecordSerializer, ScopedPrimaryKeyRelatedField, ScopedViewSet, with_current
from supervision.models import Zone

from . import services
from .filters import SchoolFilter
from .models import School, SchoolMembership, school_code_validator
from .services import SCHOOL_FIELDS, UNCHANGED, school_save


class SchoolSerializer(OfficeRecordSerializer):
    # Any zone the user can see is accepted here; school_save refuses a zone of another office.
    zone = ScopedPrimaryKeyRelatedField(
        scope=access.zones_visible_to, queryset=Zone.objects.none(), required=False, allow_null=True,
        source="current_zone", help_text=_("今天所在的责任区;修改即自 on 日起调整。"),
    )
    zone_name = serializers.CharField(source="current_zone.name", read_only=True, allow_null=True)
    is_active = serializers.BooleanField(
        required=False, help_text=_("在办;改为 false 即自 on 日起停办,改为 true 即自 on 日起恢复。")
    )
    on = serializers.DateField(
        write_only=True, required=False,
        help_text=_("列入名册、调整责任区或停办的生效日期,默认今天;不能晚于今天。"),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    ownership_label = serializers.CharField(source="get_ownership_display", read_only=True)
    location_label = serializers.CharField(source="get_location_display", read_only=True)

    class Meta:
        model = School
        fields = [
            "id", "code", "office", "office_name", "zone", "zone_name", *SCHOOL_FIELDS, "is_active", "on",
            "kind_label", "ownership_label", "location_label",
        ]
        extra_kwargs = {
            "code": {
                "validators": [
                    school_code_validator,
                    UniqueValidator(queryset=School.objects.all(), message=_("该学校标识码已存在。")),
                ]
            }
        }

    def create(self, validated_data):
        return school_save(
            zone=validated_data.pop("current_zone", None), on=validated_data.pop("on", None),
            by=self.context["request"].user, active=validated_data.pop("is_active", UNCHANGED), **validated_data,
        )

    def update(self, instance, validated_data):
        return school_save(
            school=instance,
            office=instance.office,
            code=instance.code,
            zone=validated_data.get("current_zone", UNCHANGED),
            active=validated_data.get("is_active", UNCHANGED),
            on=validated_data.get("on"),
            by=self.context["request"].user,
            **with_current(instance, validated_data, SCHOOL_FIELDS),
        )


class SchoolUpdateSerializer(SchoolSerializer):
    # The office and the 学校标识码 are fixed once a school is registered, as on the edit page.
    office = serializers.PrimaryKeyRelatedField(read_only=True)
    code = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)

    class Meta:
        model = SchoolMembership
        fields = ["id", "office", "office_name", "zone", "zone_name", "valid_from", "valid_to", "note", "recorded_at"]
        read_only_fields = fields


class SchoolMoveSerializer(serializers.Serializer):
    zone = ScopedPrimaryKeyRelatedField(scope=access.zones_managed_by, queryset=Zone.objects.none(), allow_null=True)
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SchoolCloseSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    merged_into = ScopedPrimaryKeyRelatedField(
        scope=access.schools_managed_by, queryset=School.objects.none(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SchoolReopenSerializer(serializers.Serializer):
    zone = ScopedPrimaryKeyRelatedField(
        scope=access.zones_managed_by, queryset=Zone.objects.none(), required=False, allow_null=True
    )
    on = serializers.DateField(required=False)


class SchoolViewSet(ScopedViewSet):
    """Schools, kindergartens and tutoring institutions the user may see; office admins register them."""

    serializer_class = SchoolSerializer
    update_serializer_class = SchoolUpdateSerializer
    filterset_class = SchoolFilter
    search_fields = ["name", "^code", "principal", "address"]
    ordering_fields = ["code", "name", "kind", "office__division_code"]
    ordering = ["office__division_code", "code"]

    def get_queryset(self):
        return access.schools_visible_to(self.request.user).select_related("office").with_current_zone()

    def _answer(self, school):
        return Response(self.get_serializer(self.reread(school)).data)

    @extend_schema(responses=MembershipSerializer(many=True))
    # Every period in one answer (a school has a handful): a plain list, as the schema says.
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """The school's memberships, oldest first: which office and zone, from when until when."""
        school = self.get_object()
        periods = school.memberships.select_related("office", "zone").order_by("valid_from")
        return Response(MembershipSerializer(periods, many=True).data)

    @extend_schema(request=SchoolMoveSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the school to another zone of its office (or out of any zone, ``zone: null``) from ``on``."""
        school = self.get_object()  # 404 outside the scope, 403 for a reader
        data = self._input(SchoolMoveSerializer)
        services.school_move(school=school, zone=data["zone"], on=data.get("on") or clock.today(),
                             by=request.user, note=data.get("note", ""))
        return self._answer(school)

    @extend_schema(request=SchoolCloseSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """停办 (or 撤并 into ``merged_into``) from ``on``: the school leaves the roster that day."""
        school = self.get_object()  # 404 outside the scope, 403 for a reader
        data = self._input(SchoolCloseSerializer)
        services.school_close(school=school, on=data.get("on") or clock.today(),
                              merged_into=data.get("merged_into"), by=request.user, note=data.get("note", ""))
        return self._answer(school)

    @extend_schema(request=SchoolReopenSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """A closed school back in the roster from ``on``."""
        school = self.get_object()  # 404 outside the scope, 403 for a reader
        data = self._input(SchoolReopenSerializer)
        services.school_reopen(school=school, zone=data.get("zone"), on=data.get("on") or clock.today(),
                               by=request.user)
        return self._answer(school)
