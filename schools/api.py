"""REST API for schools: scope from ``supervision.access``, writes through ``school_save``."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from supervision import access
from supervision.api import OfficeRecordSerializer, ScopedPrimaryKeyRelatedField, ScopedViewSet, with_current
from supervision.models import Zone

from .filters import SchoolFilter
from .models import School, school_code_validator
from .services import SCHOOL_FIELDS, school_save


class SchoolSerializer(OfficeRecordSerializer):
    # Any zone the user can see is accepted here; school_save refuses a zone of another office.
    zone = ScopedPrimaryKeyRelatedField(
        scope=access.zones_visible_to, queryset=Zone.objects.none(), required=False, allow_null=True
    )
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    ownership_label = serializers.CharField(source="get_ownership_display", read_only=True)
    location_label = serializers.CharField(source="get_location_display", read_only=True)

    class Meta:
        model = School
        fields = [
            "id", "code", "office", "office_name", "zone", "zone_name", *SCHOOL_FIELDS,
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
        return school_save(**validated_data)

    def update(self, instance, validated_data):
        return school_save(
            school=instance,
            office=instance.office,
            code=instance.code,
            zone=validated_data.get("zone", instance.zone),
            **with_current(instance, validated_data, SCHOOL_FIELDS),
        )


class SchoolUpdateSerializer(SchoolSerializer):
    # The office and the 学校标识码 are fixed once a school is registered, as on the edit page.
    office = serializers.PrimaryKeyRelatedField(read_only=True)
    code = serializers.CharField(read_only=True)


class SchoolViewSet(ScopedViewSet):
    """Schools, kindergartens and tutoring institutions the user may see; office admins register them."""

    serializer_class = SchoolSerializer
    update_serializer_class = SchoolUpdateSerializer
    filterset_class = SchoolFilter
    search_fields = ["name", "^code", "principal", "address"]
    ordering_fields = ["code", "name", "kind", "zone__name", "office__division_code"]
    ordering = ["office__division_code", "code"]

    def get_queryset(self):
        return access.schools_visible_to(self.request.user).select_related("office", "zone")
