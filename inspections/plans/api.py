"""REST API of the year's plans (工作计划) and checklist templates (督导清单).

The rules are the pages' rules (``supervision/api.py`` holds the shared pieces): what a user may read is
an ``access`` scope (anything outside it answers 404); a user who can read an object but may not change
it gets 403; every write goes through ``inspections.plans.services``, whose Chinese ValidationError
becomes a 400.
"""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision import access
from supervision.api import (
    ActionInputMixin,
    LinesField,
    OfficeAdminWrites,
    OfficeRecordSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    check_year,
    with_current,
)
from supervision.models import Office

from inspections.models import ChecklistTemplate, Plan, PlanMonth, TemplateItem
from inspections.plans import services as plan_services
from inspections.plans.filters import ChecklistTemplateFilter, PlanFilter


PLAN_MONTH_FIELDS = ("school_focus", "kindergarten_focus", "other_tasks", "school_item_codes", "kindergarten_item_codes")


ITEM_FIELDS = ("title", "guidance", "sub_points", "position")


class OfficePlannerWrites(OfficeAdminWrites):
    """Plans and templates are written by the office's admins and director; higher offices and
    supervisors only read them (403)."""

    message = _("只有该督导室的管理员或主任可以进行此操作。")
    writable_offices = staticmethod(access.offices_planned_by)


class PlannedRecordSerializer(OfficeRecordSerializer):
    """A plan or template: made for an office the user plans for, for one year."""

    office = ScopedPrimaryKeyRelatedField(scope=access.offices_planned_by, queryset=Office.objects.none())

    def validate_year(self, value):
        return check_year(value)


class PlanMonthSerializer(serializers.ModelSerializer):
    school_item_codes = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, help_text=_("学校清单中本月重点事项的编号。")
    )
    kindergarten_item_codes = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, help_text=_("幼儿园清单中本月重点事项的编号。")
    )

    class Meta:
        model = PlanMonth
        fields = ["month", *PLAN_MONTH_FIELDS]
        read_only_fields = ["month"]


class PlanSerializer(PlannedRecordSerializer):
    monthly_topics = LinesField(read_only=True, help_text=_("每月必查事项,每月的清单都会加上。"))
    copy_from_previous = serializers.BooleanField(
        default=True, write_only=True, help_text=_("复制上一年度的每月重点和每月必查事项。")
    )
    months = PlanMonthSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "office", "office_name", "year", "title", "monthly_topics", "copy_from_previous", "months", "updated_at"]
        read_only_fields = ["title", "updated_at"]
        # plan_create reports an existing year in the office's own words.
        validators = []

    def create(self, validated_data):
        return plan_services.plan_create(**validated_data)


class PlanUpdateSerializer(PlanSerializer):
    office = serializers.PrimaryKeyRelatedField(read_only=True)
    monthly_topics = LinesField(required=False, help_text=_("每月必查事项,每月的清单都会加上。"))
    copy_from_previous = None

    class Meta(PlanSerializer.Meta):
        fields = [name for name in PlanSerializer.Meta.fields if name != "copy_from_previous"]
        read_only_fields = ["year", "updated_at"]

    def update(self, instance, validated_data):
        return plan_services.plan_save(plan=instance, **with_current(instance, validated_data, ("title", "monthly_topics")))


class PlanViewSet(ScopedViewSet):
    """Annual plans with their twelve months: read by whoever oversees the office and by its
    supervisors; created (copied from the year before) and edited by its admins and director."""

    serializer_class = PlanSerializer
    update_serializer_class = PlanUpdateSerializer
    permission_classes = [permissions.IsAuthenticated, OfficePlannerWrites]
    filterset_class = PlanFilter
    ordering_fields = ["year", "office__division_code"]
    ordering = ["office__division_code", "-year"]

    def get_queryset(self):
        return (
            access.plans_visible_to(self.request.user)
            .select_related("office")
            .prefetch_related(Prefetch("months", queryset=PlanMonth.objects.order_by("month")))
        )

    @extend_schema(request=PlanMonthSerializer, responses=PlanMonthSerializer, summary=_("修改某月的督导重点"))
    @action(detail=True, methods=["patch"], url_path=r"months/(?P<month>[0-9]{1,2})")
    def months(self, request, pk=None, month=None):
        plan = self.get_object()
        entry = get_object_or_404(PlanMonth.objects.select_related("plan"), plan=plan, month=int(month))
        data = self._input(PlanMonthSerializer, partial=True)
        entry = plan_services.plan_month_save(plan_month=entry, **with_current(entry, data, PLAN_MONTH_FIELDS))
        return Response(PlanMonthSerializer(entry).data)


class TemplateItemSerializer(serializers.ModelSerializer):
    sub_points = LinesField(required=False, help_text=_("检查细目,每项一行。"))

    class Meta:
        model = TemplateItem
        fields = ["id", "code", "title", "guidance", "sub_points", "position"]
        extra_kwargs = {"guidance": {"required": False}, "position": {"required": False}}


class TemplateItemUpdateSerializer(TemplateItemSerializer):
    # The plan marks focus items by code, so an existing item keeps its code (as on the page).
    code = serializers.CharField(read_only=True)


class ChecklistTemplateSerializer(PlannedRecordSerializer):
    audience_label = serializers.CharField(source="get_audience_display", read_only=True)
    items = TemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "office", "office_name", "year", "audience", "audience_label", "title", "version", "updated_at", "items"]
        read_only_fields = ["title", "version", "updated_at"]
        # Asking for an existing template returns it (template_ensure).
        validators = []

    def create(self, validated_data):
        return plan_services.template_ensure(**validated_data)


class ChecklistTemplateViewSet(ActionInputMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The standing items (八项/六项) per office, year and audience. Each item change makes a new
    version; checklists already filled keep the wording they were filled against."""

    serializer_class = ChecklistTemplateSerializer
    permission_classes = [permissions.IsAuthenticated, OfficePlannerWrites]
    filterset_class = ChecklistTemplateFilter
    ordering_fields = ["year", "audience", "office__division_code"]
    ordering = ["office__division_code", "-year", "audience"]

    def get_queryset(self):
        return (
            access.checklist_templates_visible_to(self.request.user)
            .select_related("office")
            .prefetch_related(Prefetch("items", queryset=TemplateItem.objects.order_by("position", "code")))
        )

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def _template_response(self, template, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=template.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=TemplateItemSerializer, responses={201: ChecklistTemplateSerializer}, summary=_("添加督导事项"))
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        template = self.get_object()
        data = self._input(TemplateItemSerializer)
        plan_services.template_item_save(template=template, **data)
        return self._template_response(template, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"], request=TemplateItemUpdateSerializer, responses=ChecklistTemplateSerializer,
        summary=_("修改督导事项"),
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None}, summary=_("删除督导事项"))
    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>[0-9]+)")
    def item(self, request, pk=None, item_id=None):
        template = self.get_object()
        item = get_object_or_404(template.items.all(), pk=item_id)
        if request.method == "DELETE":
            plan_services.template_item_delete(item=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = self._input(TemplateItemUpdateSerializer, partial=True)
        plan_services.template_item_save(template=template, item=item, code=item.code, **with_current(item, data, ITEM_FIELDS))
        return self._template_response(template)
