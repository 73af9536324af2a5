"""REST API for offices, zones and supervisors, and the API's shared pieces.

The rules are the pages' rules: what a user may read is the queryset ``supervision.access``
gives them (anything outside it answers 404); only an admin of the object's office writes
(others get 403); every write goes through a service, whose Django ValidationError becomes a
400 in ``exception_handler``.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator
from rest_framework.views import exception_handler as drf_exception_handler

from schools.models import School

from . import access, selectors, services
from .filters import SupervisorFilter, ZoneFilter, year_error
from .models import Office, Supervisor, Zone, ZoneAssignment, phone_validator


def exception_handler(exc, context):
    """Domain errors raised by services (Django ValidationError) become 400 responses."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)


# --- Shared pieces (schools/api.py uses them too) -------------------------------------------------


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id the user may refer to. Its choices are an ``access`` scope of the requesting user,
    so an id outside the scope reads as "does not exist" and leaks nothing."""

    default_error_messages = {"does_not_exist": _("编号 {pk_value} 不存在或不在您的权限范围内。")}

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


class OfficeAdminWrites(permissions.BasePermission):
    """Reads follow the view's scope; creating needs the admin role on some office, changing an
    object needs it on that object's office (403: the user can see it but may not change it)."""

    message = _("只有该督导室的管理员可以进行此操作。")
    # The ``access`` scope of offices whose records the user may write (subclasses name another).
    writable_offices = staticmethod(access.offices_managed_by)

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        return self.writable_offices(request.user).exists()

    def has_object_permission(self, request, view, obj):
        return (
            request.method in permissions.SAFE_METHODS
            or self.writable_offices(request.user).filter(pk=obj.office_id).exists()
        )


class OfficeRecordSerializer(serializers.ModelSerializer):
    """A record kept by one office: it is created in an office the user manages, shown with its name."""

    office = ScopedPrimaryKeyRelatedField(scope=access.offices_managed_by, queryset=Office.objects.none())
    office_name = serializers.CharField(source="office.name", read_only=True)


def with_current(instance, validated_data: dict, fields) -> dict:
    """The service's full field set: what the client sent, the stored value for the rest (PATCH)."""
    return {name: validated_data.get(name, getattr(instance, name)) for name in fields}


class ActionInputMixin:
    """Custom actions read their body through a serializer of their own."""

    def _input(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ScopedViewSet(
    ActionInputMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Base of the API's roster viewsets (list, retrieve, create, update). ``get_queryset`` is the
    user's scope; a written object is read back through it, so the answer looks like a list row."""

    permission_classes = [permissions.IsAuthenticated, OfficeAdminWrites]
    # Fields fixed at creation (the office, a school's code) are read-only in this serializer.
    update_serializer_class: type[serializers.Serializer] | None = None

    def get_serializer_class(self):
        if self.update_serializer_class is not None and self.action in ("update", "partial_update"):
            return self.update_serializer_class
        return super().get_serializer_class()

    def reread(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def perform_create(self, serializer):
        serializer.instance = self.reread(serializer.save())

    def perform_update(self, serializer):
        serializer.instance = self.reread(serializer.save())


# --- Offices --------------------------------------------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)

    class Meta:
        model = Office
        fields = [
            "id", "name", "level", "level_label", "parent", "parent_name", "division_code", "address", "phone", "email",
            "late_entry_months",
        ]
        read_only_fields = fields


class OfficeWrites(permissions.BasePermission):
    """Setting an office up needs the admin role on an office above county level (or a superuser);
    changing an office's details needs the admin role on that very office (403 for a reader)."""

    message = _("只有上级督导室的管理员可以设立下级督导室;只有本督导室的管理员可以修改本督导室的信息。")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        return request.user.is_superuser or access.office_parents_managed_by(request.user).exists()

    def has_object_permission(self, request, view, obj):
        return (
            request.method in permissions.SAFE_METHODS
            or access.offices_managed_by(request.user).filter(pk=obj.pk).exists()
        )


class OfficeAdminInputSerializer(serializers.Serializer):
    """The new office's first 督导室管理员 login."""

    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=50, help_text=_("姓名"))
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, help_text=_("初始密码(至少8位,不能过于常见或全为数字)。")
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class OfficeCreateSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        scope=access.office_parents_managed_by,
        queryset=Office.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("上级督导室编号:您管理的市级或省级督导室(只有系统管理员可以不填)。"),
    )
    admin = OfficeAdminInputSerializer(write_only=True, help_text=_("同时创建的本督导室管理员账号。"))

    class Meta:
        model = Office
        fields = ["name", "level", "parent", "division_code", "address", "phone", "email", "admin"]
        # office_create checks the 行政区划代码 (six digits, unique) in the office's own words.
        extra_kwargs = {"division_code": {"validators": []}}

    def validate(self, attrs):
        if attrs.get("parent") is None and not self.context["request"].user.is_superuser:
            raise serializers.ValidationError({"parent": [_("请选择上级督导室。")]})
        return attrs

    def create(self, validated_data):
        return services.office_create(**validated_data)

    def to_representation(self, instance):
        return OfficeSerializer(instance, context=self.context).data


class OfficeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = list(services.OFFICE_SETTING_FIELDS)

    def update(self, instance, validated_data):
        return services.office_update(
            office=instance, **with_current(instance, validated_data, services.OFFICE_SETTING_FIELDS)
        )

    def to_representation(self, instance):
        return OfficeSerializer(instance, context=self.context).data


@extend_schema_view(
    create=extend_schema(
        request=OfficeCreateSerializer, responses={201: OfficeSerializer}, summary=_("设立下级督导室(并创建其管理员)")
    ),
    update=extend_schema(request=OfficeUpdateSerializer, responses=OfficeSerializer, summary=_("修改本督导室信息")),
    partial_update=extend_schema(
        request=OfficeUpdateSerializer, responses=OfficeSerializer, summary=_("修改本督导室信息")
    ),
)
class OfficeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision offices the user may read (their own, and every office below one they oversee).
    A city's (or province's) admin sets up the offices below it, each with its first admin; an
    office's own admin keeps its name and contact details."""

    serializer_class = OfficeSerializer
    permission_classes = [permissions.IsAuthenticated, OfficeWrites]
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "division_code"]
    ordering_fields = ["division_code", "name", "level"]
    ordering = ["division_code"]

    def get_queryset(self):
        return access.offices_visible_to(self.request.user).select_related("parent")

    def get_serializer_class(self):
        if self.action == "create":
            return OfficeCreateSerializer
        if self.action in ("update", "partial_update"):
            return OfficeUpdateSerializer
        return OfficeSerializer


# --- Zones ----------------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    """A zone assignment seen from one side: the other side's id and name, and whether it leads."""

    class Meta:
        model = ZoneAssignment
        fields = ["id", "name", "is_lead", "valid_from"]


class ZoneMemberSerializer(AssignmentSerializer):
    """A responsibility supervisor as listed on a zone."""

    id = serializers.IntegerField(source="supervisor_id", read_only=True)
    name = serializers.CharField(source="supervisor.name", read_only=True)


class ZoneSerializer(OfficeRecordSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    school_count = serializers.IntegerField(read_only=True)
    supervisors = ZoneMemberSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = Zone
        fields = [
            "id", "office", "office_name", "name", "category", "category_label", "description",
            "school_count", "supervisors",
        ]
        # zone_save reports a duplicate name in the office's own words.
        validators = []

    def create(self, validated_data):
        return services.zone_save(**validated_data)

    def update(self, instance, validated_data):
        fields = with_current(instance, validated_data, ("name", "category", "description"))
        return services.zone_save(zone=instance, office=instance.office, **fields)


class ZoneUpdateSerializer(ZoneSerializer):
    office = serializers.PrimaryKeyRelatedField(read_only=True)


class ZoneSchoolsSerializer(serializers.Serializer):
    schools = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to,
        queryset=School.objects.none(),
        many=True,
        allow_empty=False,
        help_text=_("划入该责任区的学校编号(会从原责任区移出)。"),
    )
    on = serializers.DateField(required=False, help_text=_("自何日起,默认今天;不能晚于今天。"))


def _active_supervisors_visible_to(user):
    # Only supervisors in post can take a zone, as on the zone page.
    return access.supervisors_visible_to(user).filter(is_active=True)


class ZoneSupervisorsSerializer(serializers.Serializer):
    supervisors = ScopedPrimaryKeyRelatedField(
        scope=_active_supervisors_visible_to,
        queryset=Supervisor.objects.none(),
        many=True,
        help_text=_("该责任区的全部责任督学编号(未列出的将被移出)。"),
    )
    lead = ScopedPrimaryKeyRelatedField(
        scope=_active_supervisors_visible_to,
        queryset=Supervisor.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("组长的督学编号;不填则为列表中的第一位。"),
    )
    on = serializers.DateField(required=False, help_text=_("自何日起,默认今天;不能晚于今天。"))


class AssignmentPeriodSerializer(serializers.ModelSerializer):
    """One period of a supervisor in a zone: [valid_from, valid_to), valid_to empty while it lasts."""

    supervisor_name = serializers.CharField(source="supervisor.name", read_only=True)

    class Meta:
        model = ZoneAssignment
        fields = ["id", "supervisor", "supervisor_name", "is_lead", "valid_from", "valid_to"]
        read_only_fields = fields


class ZoneViewSet(mixins.DestroyModelMixin, ScopedViewSet):
    """Responsibility zones (督学责任区); an office's admins draw them and staff them."""

    serializer_class = ZoneSerializer
    update_serializer_class = ZoneUpdateSerializer
    filterset_class = ZoneFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "category", "office__division_code"]
    ordering = ["office__division_code", "name"]

    def get_queryset(self):
        return (
            access.zones_visible_to(self.request.user)
            .select_related("office")
            .annotate(school_count=selectors.schools_today_count("zone"))
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=ZoneAssignment.objects.current().select_related("supervisor").order_by(
                        "-is_lead", "supervisor__name"
                    ),
                )
            )
        )

    def perform_destroy(self, instance):
        services.zone_delete(zone=instance)

    def _zone_response(self, zone) -> Response:
        return Response(ZoneSerializer(self.reread(zone), context=self.get_serializer_context()).data)

    @extend_schema(request=ZoneSchoolsSerializer, responses=ZoneSerializer, summary=_("将学校划入责任区"))
    @action(detail=True, methods=["post"])
    def schools(self, request, pk=None):
        zone = self.get_object()
        data = self._input(ZoneSchoolsSerializer)
        services.zone_assign_schools(zone=zone, schools=data["schools"], on=data.get("on"), by=request.user)
        return self._zone_response(zone)

    @extend_schema(request=ZoneSupervisorsSerializer, responses=ZoneSerializer, summary=_("设置责任督学和组长"))
    @action(detail=True, methods=["post"])
    def supervisors(self, request, pk=None):
        zone = self.get_object()
        data = self._input(ZoneSupervisorsSerializer)
        services.zone_set_supervisors(zone=zone, supervisors=data["supervisors"], lead=data.get("lead"),
                                      on=data.get("on"))
        return self._zone_response(zone)

    @extend_schema(responses=AssignmentPeriodSerializer(many=True), summary=_("责任督学任职记录"))
    # Every period in one answer: a plain list, as the schema says.
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Who was responsible for the zone when (every period, oldest first)."""
        zone = self.get_object()
        periods = zone.assignments.select_related("supervisor").order_by("valid_from", "supervisor__name")
        return Response(AssignmentPeriodSerializer(periods, many=True).data)


# --- Supervisors ----------------------------------------------------------------------------------

SUPERVISOR_FIELDS = ("name", "phone", "kind", "employer", "title", "duties", "is_active")


class SupervisorZoneSerializer(AssignmentSerializer):
    """A zone as listed on its supervisor, with whether they lead it."""

    id = serializers.IntegerField(source="zone_id", read_only=True)
    name = serializers.CharField(source="zone.name", read_only=True)


class SupervisorSerializer(OfficeRecordSerializer):
    """A supervisor's public record (as on the plaque); the login account is never exposed — its name
    can only be set (never the phone: that is public)."""

    username = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150,
        help_text=_("登录名；新增时留空则自动生成（如 dx220524001）。不能是手机号。"),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    photo_url = serializers.SerializerMethodField()
    zones = SupervisorZoneSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = Supervisor
        fields = ["id", "office", "office_name", *SUPERVISOR_FIELDS, "username", "kind_label", "photo_url", "zones"]
        extra_kwargs = {
            "phone": {
                "validators": [
                    phone_validator,
                    UniqueValidator(queryset=Supervisor.objects.all(), message=_("该手机号已登记为督学。")),
                ]
            }
        }

    def get_photo_url(self, obj) -> str | None:
        if not obj.photo:
            return None
        return self.context["request"].build_absolute_uri(reverse("supervisor_photo", args=[obj.pk]))

    def create(self, validated_data):
        return services.supervisor_save(**validated_data)

    def update(self, instance, validated_data):
        return services.supervisor_save(
            supervisor=instance, office=instance.office, username=validated_data.get("username", ""),
            **with_current(instance, validated_data, SUPERVISOR_FIELDS),
        )


class SupervisorUpdateSerializer(SupervisorSerializer):
    office = serializers.PrimaryKeyRelatedField(read_only=True)


class SupervisorViewSet(ScopedViewSet):
    """Supervisors (督学) with their zones; an office's admins register and edit them."""

    serializer_class = SupervisorSerializer
    update_serializer_class = SupervisorUpdateSerializer
    filterset_class = SupervisorFilter
    search_fields = ["name", "^phone", "employer"]
    ordering_fields = ["name", "kind", "office__division_code"]
    ordering = ["office__division_code", "name"]

    def get_queryset(self):
        return (
            access.supervisors_visible_to(self.request.user)
            .select_related("office")
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=ZoneAssignment.objects.current().select_related("zone").order_by("zone__name"),
                )
            )
        )


class LinesField(serializers.ListField):
    """Text the models keep one entry a line (sub-points, every-month topics), exchanged as a list."""

    child = serializers.CharField(max_length=200)

    def to_representation(self, data):
        return [line.strip() for line in (data or "").splitlines() if line.strip()]

    def to_internal_value(self, data):
        return "\n".join(super().to_internal_value(data))


class NameSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """What the API shows and never takes as input: every field read-only (so in the schema too)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


def check_year(value: int) -> int:
    """A year within ``calendar.years`` (the one rule), else a 400 saying which years are allowed."""
    message = year_error(value)
    if message:
        raise serializers.ValidationError(message)
    return value
