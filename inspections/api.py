"""REST API of the monthly loop (经常性督导): plans, checklist templates, visits with their
checklists, problems, supervisors' monthly summaries and coverage; and of rectification (问题整改):
tickets with their reports, evidence, re-checks, extensions, escalations and history, and the
user's notifications.

The rules are the pages' rules (see ``supervision/api.py`` for the shared pieces): what a user may
read is an ``access`` scope (anything outside it answers 404); a user who can read an object but
may not change it gets 403; every write goes through ``inspections.services``, whose Chinese
ValidationError becomes a 400.
"""
import dataclasses

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from schools.models import School
from supervision import access, clock
from supervision.api import (
    ActionInputMixin,
    OfficeAdminWrites,
    OfficeRecordSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    with_current,
)
from supervision.choices import Role
from supervision.models import Office, Supervisor

from inspections.coverage import selectors as coverage_selectors
from inspections.visits import selectors as visit_selectors
from inspections.plans import services as plan_services
from inspections.visits import services as visit_services
from inspections.tickets import services as ticket_services
from inspections.coverage import services as coverage_services
from inspections.notifications import services as notifications
from inspections.ledger import importer as ledger_import
from inspections.tickets import rules as rectification
from inspections.choices import Conclusion, RecheckMode, RecheckResult, Severity, VisitMethod
from inspections.filters import ChecklistTemplateFilter, MonthlySummaryFilter, PlanFilter, ProblemFilter, TicketFilter, VisitFilter
from inspections.models import (
    Checklist,
    ChecklistAnswer,
    ChecklistReopening,
    ChecklistTemplate,
    Escalation,
    Evidence,
    Extension,
    MonthlySummary,
    Notification,
    Photo,
    Plan,
    PlanMonth,
    Problem,
    Recheck,
    TemplateItem,
    Ticket,
    TicketEvent,
    TicketReport,
    Visit,
)

PLAN_MONTH_FIELDS = ("school_focus", "kindergarten_focus", "other_tasks", "school_item_codes", "kindergarten_item_codes")
ITEM_FIELDS = ("title", "guidance", "sub_points", "position")


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


def _check_year(value: int) -> int:
    last = clock.today().year + 5
    if not 2000 <= value <= last:
        raise serializers.ValidationError(_("年度应在2000年至%(last)d年之间。") % {"last": last})
    return value


# --- Annual plans (工作计划) -----------------------------------------------------------------------


class OfficePlannerWrites(OfficeAdminWrites):
    """Plans and templates are written by the office's admins and director; higher offices and
    supervisors only read them (403)."""

    message = _("只有该督导室的管理员或主任可以进行此操作。")
    writable_offices = staticmethod(access.offices_planned_by)


class PlannedRecordSerializer(OfficeRecordSerializer):
    """A plan or template: made for an office the user plans for, for one year."""

    office = ScopedPrimaryKeyRelatedField(scope=access.offices_planned_by, queryset=Office.objects.none())

    def validate_year(self, value):
        return _check_year(value)


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


# --- Checklist templates ------------------------------------------------------------------------


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


# --- Visits and their checklists ----------------------------------------------------------------


def _colleagues_of(user):
    """Who may join a supervisor's visit: the active supervisors of their office (as on the page); for
    a 补录 holder, the supervisors of the offices whose past they enter (the first is the author)."""
    return Supervisor.objects.filter(
        Q(office__supervisors__user=user) | Q(office__in=access.offices_backfilled_by(user).values("pk"))
    ).distinct()


def _problems():
    """Problems with whether each is still open (selectors.open_problems) and their re-checks."""
    return (
        Problem.objects.select_related("school", "zone")
        .annotate(is_open=Exists(visit_selectors.open_problems().filter(pk=OuterRef("pk"))))
        .prefetch_related(Prefetch("rechecks", queryset=Recheck.objects.order_by("-date", "-created_at")))
    )


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("照片地址;只有能查看该次督导的用户可以打开。"))
    sha256 = serializers.CharField(source="original_sha256", read_only=True, help_text=_("原图的 SHA-256。"))

    class Meta:
        model = Photo
        fields = ["id", "url", "sha256", "uploaded_at"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("inspections:photo", args=[obj.pk]))


class AnswerSerializer(ReadOnlyModelSerializer):
    sub_points = LinesField(read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistAnswer
        fields = [
            "id", "position", "code", "title", "guidance", "sub_points", "is_focus", "source", "source_label",
            "conclusion", "conclusion_label", "notes", "photos", "updated_at",
        ]


class AnswerInputSerializer(serializers.Serializer):
    """One item's autosave: only the fields sent change."""

    conclusion = serializers.ChoiceField(choices=[("", ""), *Conclusion.choices], required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class PhotoInputSerializer(serializers.Serializer):
    # A plain file: the service checks that it is an image and says so in Chinese.
    image = serializers.FileField(help_text=_("现场照片(JPEG/PNG 等),会重新编码并缩小。"))


class RecheckSerializer(ReadOnlyModelSerializer):
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = Recheck
        fields = ["id", "problem", "visit", "date", "mode", "mode_label", "result", "result_label", "notes", "created_at"]


class RecheckInputSerializer(serializers.Serializer):
    problem = ScopedPrimaryKeyRelatedField(scope=access.problems_visible_to, queryset=Problem.objects.none())
    result = serializers.CharField(help_text=_("rectified(已整改到位)或 not_rectified(未整改到位)。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemSerializer(ReadOnlyModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    zone = serializers.IntegerField(source="zone_id", read_only=True, allow_null=True,
                                    help_text=_("发现问题当日学校所在的责任区(按当日的隶属计)。"))
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True, help_text=_("尚未复查为已整改到位(未销号)。"))
    rechecks = RecheckSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id", "office", "school", "school_name", "zone", "zone_name", "visit", "answer", "item_code", "item_title",
            "description", "severity", "severity_label", "opinion", "deadline", "found_on", "is_open", "rechecks",
            "created_at",
        ]


class ProblemInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    opinion = serializers.CharField(allow_blank=True, help_text=_("整改意见。"))
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    deadline = serializers.DateField(required=False, allow_null=True, help_text=_("整改期限;不填则为督导日期后一个月。"))


class ChecklistSerializer(ReadOnlyModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "status", "status_label", "template", "template_version", "submitted_at"]


class ReopeningSerializer(ReadOnlyModelSerializer):
    by_name = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = ChecklistReopening
        fields = ["reason", "by_name", "at"]


class ChecklistDetailSerializer(ChecklistSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    reopenings = ReopeningSerializer(many=True, read_only=True)

    class Meta(ChecklistSerializer.Meta):
        fields = [*ChecklistSerializer.Meta.fields, "answers", "reopenings"]


class VisitSerializer(ReadOnlyModelSerializer):
    """A visit as listed: its header and where its checklist stands."""

    office_name = serializers.CharField(source="office.name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    zone = serializers.IntegerField(source="zone_id", read_only=True, allow_null=True,
                                    help_text=_("督导当日学校所在的责任区(按当日的隶属计)。"))
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    entered_by = serializers.CharField(source="entered_by.get_full_name", read_only=True, allow_null=True,
                                       help_text=_("补录人(由他人代为录入时)。"))
    methods = serializers.ListField(child=serializers.ChoiceField(choices=VisitMethod.choices), read_only=True)
    supervisors = NameSerializer(many=True, read_only=True)
    created_by = NameSerializer(read_only=True)
    checklist = ChecklistSerializer(read_only=True)
    items = serializers.IntegerField(read_only=True, help_text=_("清单事项数。"))
    answered = serializers.IntegerField(read_only=True, help_text=_("已填写结论的事项数。"))
    problem_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id", "office", "office_name", "school", "school_name", "zone", "zone_name", "date", "arrived_at", "left_at",
            "methods", "supervisors", "created_by", "entered_by", "summary", "checklist", "items", "answered",
            "problem_count", "created_at", "updated_at",
        ]


class VisitDetailSerializer(VisitSerializer):
    """A visit with its whole checklist, the problems it found and the re-checks made during it."""

    checklist = ChecklistDetailSerializer(read_only=True)
    problems = ProblemSerializer(many=True, read_only=True)
    rechecks = RecheckSerializer(many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "problems", "rechecks"]


class VisitStartSerializer(serializers.Serializer):
    school = ScopedPrimaryKeyRelatedField(scope=access.schools_visible_to, queryset=School.objects.none())
    date = serializers.DateField()
    arrived_at = serializers.TimeField(required=False, allow_null=True)
    left_at = serializers.TimeField(required=False, allow_null=True)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=VisitMethod.choices), required=False)
    co_supervisors = ScopedPrimaryKeyRelatedField(
        scope=_colleagues_of, queryset=Supervisor.objects.none(), many=True, required=False,
        help_text=_("联合督导时同行的督学编号(本督导室在岗督学);补录他人的督导时为参加督导的督学,第一位为填报督学。"),
    )


class VisitUpdateSerializer(VisitStartSerializer):
    """The visit header's autosave: only the fields sent change."""

    school = None
    date = serializers.DateField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("重新打开的原因(必填)。"))


class VisitWrites(permissions.BasePermission):
    """Only supervisors start visits; only the supervisors present change one (others who can see
    it get 403). The office's admins may also reopen a submitted checklist."""

    message = _("只有参加本次督导的督学可以填写清单。")

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        self.message = _("只有责任督学(或有“补录”权限的人员)可以填报入校督导。")
        return Role.SUPERVISOR in access.user_roles(request.user) or access.offices_backfilled_by(request.user).exists()

    def has_object_permission(self, request, view, obj):
        user = request.user
        if request.method in permissions.SAFE_METHODS or access.visits_editable_by(user).filter(pk=obj.pk).exists():
            return True
        return view.action == "reopen" and access.can_manage_office(user, obj.office)


class VisitViewSet(ActionInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """School visits (入校督导) with their checklists. A school user sees only the submitted visits
    of their own school; the supervisors present fill the checklist, item by item."""

    serializer_class = VisitSerializer
    permission_classes = [permissions.IsAuthenticated, VisitWrites]
    filterset_class = VisitFilter
    search_fields = ["school__name"]
    ordering_fields = ["date", "school__name"]
    ordering = ["-date", "-created_at"]

    def get_serializer_class(self):
        return VisitSerializer if self.action == "list" else VisitDetailSerializer

    def get_queryset(self):
        queryset = (
            access.visits_readable_by(self.request.user)
            .select_related("office", "school", "zone", "created_by", "entered_by", "checklist")
            .prefetch_related("supervisors")
            .annotate(
                items=Count("checklist__answers", distinct=True),
                answered=Count("checklist__answers", filter=~Q(checklist__answers__conclusion=""), distinct=True),
                problem_count=Count("problems", distinct=True),
            )
        )
        if self.action == "retrieve":
            queryset = self._with_checklist(queryset)
        return queryset

    @staticmethod
    def _with_checklist(queryset):
        return queryset.prefetch_related(
            Prefetch(
                "checklist__answers",
                queryset=ChecklistAnswer.objects.order_by("position").prefetch_related(
                    Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at"))
                ),
            ),
            Prefetch("checklist__reopenings", queryset=ChecklistReopening.objects.select_related("by")),
            Prefetch("problems", queryset=_problems().order_by("created_at")),
            Prefetch("rechecks", queryset=Recheck.objects.order_by("problem__found_on", "pk")),
        )

    def _visit_response(self, visit, status_code=status.HTTP_200_OK) -> Response:
        """A written visit read back through the user's scope, whole, as ``retrieve`` shows it."""
        fresh = self._with_checklist(self.get_queryset()).get(pk=visit.pk)
        return Response(VisitDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _answer(self, visit, answer_id) -> ChecklistAnswer:
        return get_object_or_404(ChecklistAnswer.objects.select_related("checklist__visit"), checklist__visit=visit, pk=answer_id)

    @extend_schema(request=VisitStartSerializer, responses={201: VisitDetailSerializer}, summary=_("开始入校督导"))
    def create(self, request):
        data = self._input(VisitStartSerializer)
        visit = visit_services.visit_start(user=request.user, **data)
        return self._visit_response(visit, status.HTTP_201_CREATED)

    @extend_schema(request=VisitUpdateSerializer, responses=VisitDetailSerializer, summary=_("保存督导基本情况"))
    def partial_update(self, request, pk=None):
        visit = self.get_object()
        visit_services.visit_update(visit=visit, user=request.user, **self._input(VisitUpdateSerializer, partial=True))
        return self._visit_response(visit)

    @extend_schema(responses={204: None}, summary=_("删除误建的督导草稿"))
    def destroy(self, request, pk=None):
        visit_services.visit_discard(visit=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AnswerInputSerializer, responses=AnswerSerializer, summary=_("填写清单事项"))
    @action(detail=True, methods=["patch"], url_path=r"answers/(?P<answer_id>[0-9]+)")
    def answer(self, request, pk=None, answer_id=None):
        answer = self._answer(self.get_object(), answer_id)
        answer = visit_services.answer_save(answer=answer, user=request.user, **self._input(AnswerInputSerializer, partial=True))
        return Response(AnswerSerializer(answer, context=self.get_serializer_context()).data)

    @extend_schema(request={"multipart/form-data": PhotoInputSerializer}, responses={201: PhotoSerializer}, summary=_("上传现场照片"))
    @action(
        detail=True, methods=["post"], url_path=r"answers/(?P<answer_id>[0-9]+)/photos",
        parser_classes=[MultiPartParser, FormParser],
    )
    def photos(self, request, pk=None, answer_id=None):
        answer = self._answer(self.get_object(), answer_id)
        photo = visit_services.photo_add(answer=answer, user=request.user, upload=self._input(PhotoInputSerializer)["image"])
        return Response(PhotoSerializer(photo, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary=_("删除现场照片"))
    @action(detail=True, methods=["delete"], url_path=r"photos/(?P<photo_id>[0-9]+)")
    def photo(self, request, pk=None, photo_id=None):
        visit = self.get_object()
        photo = get_object_or_404(Photo.objects.select_related("answer__checklist"), answer__checklist__visit=visit, pk=photo_id)
        visit_services.photo_delete(photo=photo, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ProblemInputSerializer, responses={201: ProblemSerializer}, summary=_("记录发现的问题"))
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<answer_id>[0-9]+)/problems")
    def problems(self, request, pk=None, answer_id=None):
        answer = self._answer(self.get_object(), answer_id)
        problem = visit_services.problem_add(answer=answer, user=request.user, **self._input(ProblemInputSerializer))
        problem = _problems().get(pk=problem.pk)
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary=_("删除记录的问题"))
    @action(detail=True, methods=["delete"], url_path=r"problems/(?P<problem_id>[0-9]+)")
    def problem(self, request, pk=None, problem_id=None):
        visit = self.get_object()
        problem = get_object_or_404(Problem.objects.select_related("answer__checklist"), visit=visit, pk=problem_id)
        visit_services.problem_delete(problem=problem, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=VisitDetailSerializer, summary=_("提交并锁定清单"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        visit = self.get_object()
        visit_services.checklist_submit(checklist=visit.checklist, user=request.user)
        return self._visit_response(visit)

    @extend_schema(request=ReopenSerializer, responses=VisitDetailSerializer, summary=_("填写原因后重新打开清单"))
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        visit = self.get_object()
        visit_services.checklist_reopen(checklist=visit.checklist, user=request.user, reason=self._input(ReopenSerializer)["reason"])
        return self._visit_response(visit)

    @extend_schema(request=RecheckInputSerializer, responses={201: RecheckSerializer}, summary=_("复查本校以前发现的问题"))
    @action(detail=True, methods=["post"])
    def rechecks(self, request, pk=None):
        visit = self.get_object()
        recheck = ticket_services.recheck_record(visit=visit, user=request.user, **self._input(RecheckInputSerializer))
        return Response(RecheckSerializer(recheck).data, status=status.HTTP_201_CREATED)


# --- Problems ---------------------------------------------------------------------------------------


class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    """Problems found on visits (发现问题), with their re-checks; open ones await 销号."""

    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    search_fields = ["description", "school__name", "item_title"]
    ordering_fields = ["found_on", "deadline", "severity", "school__name"]
    ordering = ["-found_on", "-created_at"]

    def get_queryset(self):
        # Only problems that count: those of a draft or reopened checklist wait until it is submitted.
        return _problems().filter(pk__in=access.problems_visible_to(self.request.user).values("pk")).filter(
            visit_selectors.counted_q()
        )


# --- Monthly summaries (月总结报告) ---------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    visits = serializers.IntegerField(help_text=_("入校督导人次。"))
    schools_covered = serializers.IntegerField(help_text=_("督导学校数。"))
    problems_found = serializers.IntegerField(help_text=_("发现问题数。"))
    rechecks_done = serializers.IntegerField(help_text=_("复查次数。"))


def _active_supervisor(user) -> Supervisor | None:
    supervisor = getattr(user, "supervisor", None)
    return supervisor if supervisor is not None and supervisor.is_active else None


class MonthlySummarySerializer(serializers.ModelSerializer):
    supervisor_name = serializers.CharField(source="supervisor.name", read_only=True)
    office = serializers.IntegerField(source="supervisor.office_id", read_only=True)
    office_name = serializers.CharField(source="supervisor.office.name", read_only=True)
    submitted = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField(
        help_text=_("已提交的总结为提交时固定的数据;草稿在单条查看时为实时数据,列表中为空。")
    )
    submit = serializers.BooleanField(default=False, write_only=True, help_text=_("提交并固定数据;提交后不能再修改。"))
    submitted_on = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("提交日期,默认今天;补填以前已报送的总结时填写实际报送日期(补填期限内,更早的需“补录”权限)。"),
    )
    supervisor = ScopedPrimaryKeyRelatedField(
        scope=lambda user: Supervisor.objects.filter(office__in=access.offices_backfilled_by(user).values("pk")),
        queryset=Supervisor.objects.none(), required=False,
        help_text=_("补录他人的月总结时填写督学编号;督学本人填写时省略。"),
    )

    class Meta:
        model = MonthlySummary
        fields = [
            "id", "supervisor", "supervisor_name", "office", "office_name", "year", "month", "text", "figures",
            "submitted", "submitted_on", "submitted_at", "submit", "updated_at",
        ]
        read_only_fields = ["submitted_at", "updated_at"]
        extra_kwargs = {"text": {"default": ""}}
        # One summary per supervisor and month: saving a month again updates its draft.
        validators = []

    def get_submitted(self, obj) -> bool:
        return obj.submitted_at is not None

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, obj):
        if obj.submitted_at:
            return obj.figures
        if self.context.get("live_figures"):
            return coverage_selectors.monthly_summary_figures(supervisor=obj.supervisor, year=obj.year, month=obj.month)
        return None

    def create(self, validated_data):
        user = self.context["request"].user
        supervisor = validated_data.pop("supervisor", None) or _active_supervisor(user)
        if supervisor is None:
            raise serializers.ValidationError({"supervisor": _("请填写督学编号。")})
        if supervisor.user_id != user.pk and not validated_data.get("submit"):
            # A draft is its author's: another's past summary is entered as it was submitted.
            raise serializers.ValidationError({"submit": _("补录他人的月总结时请一并提交(submit 为 true)。")})
        return coverage_services.monthly_summary_save(supervisor=supervisor, by=user, **validated_data)


class MonthlySummaryUpdateSerializer(MonthlySummarySerializer):
    supervisor = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(MonthlySummarySerializer.Meta):
        read_only_fields = ["year", "month", "submitted_at", "updated_at"]

    def update(self, instance, validated_data):
        return coverage_services.monthly_summary_save(
            supervisor=instance.supervisor, year=instance.year, month=instance.month,
            text=validated_data.get("text", instance.text), submit=validated_data.get("submit", False),
            by=self.context["request"].user, submitted_on=validated_data.get("submitted_on"),
        )


class SummaryWrites(permissions.BasePermission):
    """A supervisor writes their own summaries; everyone else who can read one gets 403."""

    message = _("只有填写该总结的督学可以修改。")

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        self.message = _("只有在岗的责任督学(或有“补录”权限的人员)可以填写月总结。")
        return _active_supervisor(request.user) is not None or access.offices_backfilled_by(request.user).exists()

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or obj.supervisor.user_id == request.user.pk


class MonthlySummaryViewSet(ScopedViewSet):
    """Supervisors' monthly summaries (月总结报告): a supervisor's own, drafts too; the submitted
    ones of every office a user oversees. Saving a month again updates its draft."""

    serializer_class = MonthlySummarySerializer
    update_serializer_class = MonthlySummaryUpdateSerializer
    permission_classes = [permissions.IsAuthenticated, SummaryWrites]
    filterset_class = MonthlySummaryFilter
    ordering_fields = ["year", "month", "supervisor__name"]
    ordering = ["-year", "-month", "supervisor__name"]

    def get_queryset(self):
        return access.monthly_summaries_visible_to(self.request.user).select_related("supervisor__office")

    def get_serializer_context(self):
        # Live figures cost four queries a draft: only for one summary at a time, never a list.
        return {**super().get_serializer_context(), "live_figures": self.action != "list"}


# --- Coverage (全覆盖) --------------------------------------------------------------------------------


class CoverageSchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    visit_count = serializers.IntegerField(help_text=_("本月已提交的督导次数。"))
    draft_count = serializers.IntegerField(help_text=_("本月尚在草稿中的督导次数。"))
    last_visit = serializers.DateField(allow_null=True, help_text=_("本月最近一次已提交督导的日期。"))


class RateSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    visited = serializers.IntegerField()
    not_visited = serializers.IntegerField()
    rate = serializers.IntegerField(help_text=_("覆盖率(百分比)。"))


class ZoneCoverageSerializer(RateSerializer):
    zone = serializers.IntegerField(source="zone.pk", allow_null=True)
    zone_name = serializers.CharField(source="zone.name", allow_null=True)
    office = serializers.IntegerField(source="office.pk")
    office_name = serializers.CharField(source="office.name")
    late = serializers.BooleanField(help_text=_("已过27日仍有学校未督导。"))
    warning = serializers.BooleanField(help_text=_("距27日不足一周,仍有学校未督导。"))
    schools = CoverageSchoolSerializer(many=True)


@extend_schema_serializer(many=False)  # one month's coverage, though served by the viewset's ``list``
class CoverageSerializer(RateSerializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    due = serializers.DateField(help_text=_("月报截止日(每月27日)。"))
    deadline_passed = serializers.BooleanField()
    drafts = serializers.IntegerField(help_text=_("本月只有草稿的学校数。"))
    late_zones = serializers.IntegerField()
    zones = ZoneCoverageSerializer(many=True)


class MonthQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, help_text=_("年度,默认本年。"))
    month = serializers.IntegerField(required=False, min_value=1, max_value=12, help_text=_("月份,默认本月。"))

    def validate(self, attrs):
        today = clock.today()
        attrs = {"year": attrs.get("year", today.year), "month": attrs.get("month", today.month)}
        if (attrs["year"], attrs["month"]) > (today.year, today.month):
            raise serializers.ValidationError(_("不能选择未来的月份。"))
        return attrs


class CoverageViewSet(viewsets.GenericViewSet):
    """全覆盖 of one month: every active school a user follows (an office role's offices, a
    supervisor's zones), visited or not, grouped by zone; late zones are flagged."""

    serializer_class = CoverageSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[MonthQuerySerializer], responses=CoverageSerializer, summary=_("某月入校督导全覆盖情况"))
    def list(self, request):
        query = MonthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = coverage_selectors.RosterScope.of(request.user) or coverage_selectors.RosterScope(offices=[], zones=[])
        coverage = coverage_selectors.coverage_for_month(scope=scope, today=clock.today(), **query.validated_data)
        return Response(CoverageSerializer(coverage).data)


# --- Rectification tickets (问题整改) -----------------------------------------------------------------
#
# Reads follow access.tickets_visible_to (a school user: their own school's, else 404). The school's
# actions need access.tickets_answered_by, the supervisor's access.tickets_rechecked_by (others who
# can read the ticket get 403). Each action may send the ticket's ``version`` as the client last saw
# it: if someone acted in between, the answer is 409 with the message and the current version.

SCHOOL_ACTIONS = {"start", "report", "evidence", "evidence_item", "extensions"}
SUPERVISOR_ACTIONS = {"return_ticket", "close", "recheck", "decide"}


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _user_name(user) -> str | None:
    return (user.first_name or user.username) if user is not None else None


class TicketProblemSerializer(ReadOnlyModelSerializer):
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "visit", "item_code", "item_title", "description", "severity", "severity_label", "opinion", "found_on"]


class EvidenceSerializer(ReadOnlyModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=_("下载地址;只有能查看该整改通知的用户可以打开。"))

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "extension", "size", "sha256", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("inspections:evidence_download", args=[obj.pk]))


class TicketReportSerializer(ReadOnlyModelSerializer):
    submitted_by_name = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TicketReport
        fields = ["id", "round", "text", "submitted_on", "submitted_at", "submitted_by_name", "return_reason", "evidence"]

    def get_submitted_by_name(self, obj) -> str | None:
        return _user_name(obj.submitted_by)


class ExtensionSerializer(ReadOnlyModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "id", "requested_deadline", "reason", "status", "status_label", "requested_on", "requested_at", "decided_on",
            "decided_at", "decision_note",
        ]


class EscalationSerializer(ReadOnlyModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "level", "level_label", "status", "status_label", "days_overdue", "proposed_at", "decided_at", "note"]


class TicketEventSerializer(ReadOnlyModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField(help_text=_("操作人;为空表示系统。"))

    class Meta:
        model = TicketEvent
        fields = [
            "id", "action", "action_label", "from_status", "to_status", "actor_name", "note", "ip_address",
            "occurred_on", "at",
        ]

    def get_actor_name(self, obj) -> str | None:
        return _user_name(obj.actor)


class TicketRecheckSerializer(RecheckSerializer):
    photo_urls = serializers.SerializerMethodField()

    class Meta(RecheckSerializer.Meta):
        fields = [*RecheckSerializer.Meta.fields, "photo_urls"]

    def get_photo_urls(self, obj) -> list[str]:
        request = self.context["request"]
        return [request.build_absolute_uri(reverse("inspections:recheck_photo", args=[p.pk])) for p in obj.photos.all()]


class TicketSerializer(ReadOnlyModelSerializer):
    """A ticket with its problem, report rounds (evidence metadata), extensions, re-checks,
    escalations and history. Overdue is derived from the deadline, never stored."""

    office_name = serializers.CharField(source="office.name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    zone = serializers.IntegerField(source="problem.zone_id", read_only=True, allow_null=True,
                                    help_text=_("发现问题当日学校所在的责任区。"))
    zone_name = serializers.CharField(source="problem.zone.name", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField(help_text=_("逾期未整改:未销号且已过整改期限。"))
    days_overdue = serializers.SerializerMethodField(help_text=_("逾期天数:未销号的算到今天,已销号的算到销号日期。"))
    problem = TicketProblemSerializer(read_only=True)
    reports = TicketReportSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    rechecks = TicketRecheckSerializer(source="problem.rechecks", many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "office", "office_name", "school", "school_name", "zone", "zone_name", "status", "status_label",
            "deadline", "opened_on", "is_overdue", "days_overdue", "closed_on", "closed_at", "version", "updated_at",
            "problem",
            "reports", "extensions", "rechecks", "escalations", "events",
        ]

    def get_is_overdue(self, obj) -> bool:
        return ticket_services.is_overdue(obj, self.context["today"])

    def get_days_overdue(self, obj) -> int:
        return rectification.days_overdue(status=obj.status, deadline=obj.deadline, closed_on=obj.closed_on,
                                          day=self.context["today"])


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("客户端看到的整改通知版本号;如已被他人更新,返回 409。")
    )


class DatedInputSerializer(VersionInputSerializer):
    on = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("办理日期,默认今天;补填期限内或有“补录”权限时可填过去的日期,不能早于所办理的事项。"),
    )


class ReportInputSerializer(DatedInputSerializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=_("整改情况说明。"))
    submit = serializers.BooleanField(
        default=True, help_text=_("提交整改报告(需已上传佐证材料);为 false 时只保存草稿。")
    )


class EvidenceInputSerializer(VersionInputSerializer):
    # A plain file: the service decides its type by content and says so in Chinese.
    file = serializers.FileField(help_text=_("佐证材料:照片、PDF、Word 或 Excel 文件。"))


class ReturnInputSerializer(DatedInputSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("退回原因(必填),学校将看到。"))


class CloseInputSerializer(VersionInputSerializer):
    """Close (销号) on a re-check already recorded (``recheck``), or record one now (mode, date, notes)."""

    recheck = serializers.IntegerField(required=False, allow_null=True, help_text=_("已记录的复查编号(复查结果须为已整改到位)。"))
    mode = serializers.ChoiceField(choices=RecheckMode.choices, default=RecheckMode.EVIDENCE)
    date = serializers.DateField(required=False, allow_null=True, help_text=_("复查日期,默认今天。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RecheckTicketInputSerializer(VersionInputSerializer):
    result = serializers.ChoiceField(choices=RecheckResult.choices)
    mode = serializers.ChoiceField(choices=RecheckMode.choices, default=RecheckMode.EVIDENCE)
    date = serializers.DateField(required=False, allow_null=True, help_text=_("复查日期,默认今天。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("未整改到位时必填(即退回原因)。"))
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text=_("复查照片。"))


class ExtensionInputSerializer(DatedInputSerializer):
    requested_deadline = serializers.DateField(help_text=_("申请延期至(不超过本学年结束)。"))
    reason = serializers.CharField(allow_blank=True, help_text=_("延期理由(必填)。"))


class ExtensionDecisionInputSerializer(DatedInputSerializer):
    approve = serializers.BooleanField(help_text=_("true 同意延期(整改期限随之更新),false 不同意。"))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审批意见;不同意时必填。"))


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("整改通知的当前版本号。"))


class TicketWrites(permissions.BasePermission):
    """The school answers its own tickets; the zone's responsibility supervisors re-check, close,
    return and decide extensions. Anyone else who can read the ticket gets 403."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS and view.action in ("list", "retrieve"):
            return True
        # 补录: whoever enters an office's past records acts for either side, with the real dates.
        if access.tickets_backfilled_by(request.user).filter(pk=obj.pk).exists():
            return view.action in SCHOOL_ACTIONS or view.action in SUPERVISOR_ACTIONS
        if view.action in SCHOOL_ACTIONS:
            self.message = _("只有该校的学校联系人可以办理整改。")
            return access.tickets_answered_by(request.user).filter(pk=obj.pk).exists()
        self.message = _("只有该校所在责任区的责任督学可以复查、销号、退回或审批延期。")
        return view.action in SUPERVISOR_ACTIONS and access.tickets_rechecked_by(request.user).filter(pk=obj.pk).exists()


class LedgerImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("台账导出格式的 Excel 文件(.xlsx):工作表“问题整改台账”,表头行不变。"))
    office = serializers.IntegerField(required=False, help_text=_("导入到哪个督导室;只有一个“补录”督导室时可省略。"))
    dry_run = serializers.BooleanField(required=False, default=False, help_text=_("true 只检查并计数,不写入。"))


class LedgerImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("新增的记录数。"))
    updated = serializers.IntegerField(help_text=_("更新了整改情况的记录数。"))
    unchanged = serializers.IntegerField(help_text=_("未变的记录数。"))
    visits = serializers.IntegerField(help_text=_("新建的入校督导次数。"))
    dry_run = serializers.BooleanField()


class LedgerImportIssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=_("Excel 中的行号。"))
    column = serializers.CharField(help_text=_("列名。"))
    value = serializers.CharField(help_text=_("所填内容。"))
    message = serializers.CharField(help_text=_("原因(含行号和列名)。"))


class LedgerImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = LedgerImportIssueSerializer(many=True)


ACTION_RESPONSES = {200: TicketSerializer, 409: StaleSerializer}


class TicketViewSet(ActionInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification tickets (整改通知): a school user sees their own school's; a supervisor those of
    their zones; an office role those of its offices. Filters are the ledger's (台账)."""

    serializer_class = TicketSerializer
    permission_classes = [permissions.IsAuthenticated, TicketWrites]
    filterset_class = TicketFilter
    search_fields = []  # the ledger's own ``q`` searches problem, opinion and school
    ordering_fields = ["deadline", "opened_on", "status", "school__name"]
    ordering = ["-opened_on", "-pk"]

    def get_queryset(self):
        tickets = access.tickets_visible_to(self.request.user)
        if self.action == "list":  # the list counts as the ledger does: a reopened checklist's wait
            tickets = tickets.filter(visit_selectors.counted_q("problem__"))
        return tickets.select_related("office", "school", "problem__zone").prefetch_related(
            Prefetch("reports", queryset=TicketReport.objects.select_related("submitted_by").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))).order_by("round")),
            Prefetch("extensions", queryset=Extension.objects.order_by("-requested_at")),
            Prefetch("problem__rechecks", queryset=Recheck.objects.prefetch_related("photos").order_by("-date", "-created_at")),
            Prefetch("escalations", queryset=Escalation.objects.order_by("level")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor").order_by("occurred_on", "at", "pk")),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": clock.today()}

    def handle_exception(self, exc):
        # A second person acting on a stale ticket is told, with the version to retry on.
        if isinstance(exc, ticket_services.StaleTicket):
            current = Ticket.objects.filter(pk=self.kwargs.get("pk")).values_list("version", flat=True).first()
            return Response({"detail": " ".join(exc.messages), "version": current}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def _ticket_response(self, ticket, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=ticket.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def _call(self, service, data: dict, **kwargs):
        """Run a ticket service as the requesting user, from where they are, on the version they saw."""
        return service(actor=self.request.user, expected_version=data.get("version"), ip=_ip(self.request), **kwargs)

    @extend_schema(
        request={"multipart/form-data": LedgerImportInputSerializer},
        responses={200: LedgerImportResultSerializer, 400: LedgerImportErrorSerializer},
        summary=_("导入往年台账(补录)"),
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_ledger(self, request):
        """The ledger's Excel of past years, all or nothing (inspections.ledger.importer); 补录 holders only."""
        offices = {o.pk: o for o in access.offices_backfilled_by(request.user)}
        if not offices:
            raise PermissionDenied(_("只有有“补录”权限的人员可以导入台账。"))
        data = self._input(LedgerImportInputSerializer)
        if data.get("office") is not None:
            office = offices.get(data["office"])
            if office is None:
                raise Http404
        elif len(offices) == 1:
            office = next(iter(offices.values()))
        else:
            raise serializers.ValidationError({"office": [_("请选择要导入的督导室。")]})
        try:
            summary = ledger_import.ledger_import(office=office, file=data["file"], user=request.user,
                                                  dry_run=data["dry_run"])
        except ledger_import.LedgerImportError as exc:
            errors = [{"row": i.row, "column": i.column, "value": i.value, "message": str(i)} for i in exc.issues]
            return Response({"detail": _("文件有问题,未导入任何数据。"), "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(LedgerImportResultSerializer(dataclasses.asdict(summary)).data)

    @extend_schema(request=VersionInputSerializer, responses=ACTION_RESPONSES, summary=_("开始整改(学校)"))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        ticket = self.get_object()
        return self._ticket_response(self._call(ticket_services.ticket_start, self._input(VersionInputSerializer), ticket=ticket))

    @extend_schema(request=ReportInputSerializer, responses=ACTION_RESPONSES, summary=_("填写并提交整改报告(学校)"))
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ReportInputSerializer)
        ticket = self._call(ticket_services.ticket_report_save, data, ticket=ticket, text=data["text"], submit=data["submit"],
                            on=data.get("on"))
        return self._ticket_response(ticket)

    @extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer}, responses={201: EvidenceSerializer, 409: StaleSerializer},
        summary=_("上传佐证材料(学校)"),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(EvidenceInputSerializer)
        evidence = self._call(ticket_services.evidence_add, data, ticket=ticket, upload=data["file"])
        return Response(EvidenceSerializer(evidence, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, 409: StaleSerializer}, summary=_("删除未提交的佐证材料(学校)"))
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>[0-9]+)")
    def evidence_item(self, request, pk=None, evidence_id=None):
        ticket = self.get_object()
        evidence = get_object_or_404(Evidence.objects.select_related("report__ticket"), report__ticket=ticket, pk=evidence_id)
        version = VersionInputSerializer(data=request.query_params)
        version.is_valid(raise_exception=True)
        self._call(ticket_services.evidence_delete, version.validated_data, evidence=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReturnInputSerializer, responses=ACTION_RESPONSES, summary=_("退回重新整改(责任督学)"))
    @action(detail=True, methods=["post"], url_path="return")
    def return_ticket(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ReturnInputSerializer)
        return self._ticket_response(self._call(ticket_services.ticket_return, data, ticket=ticket, reason=data["reason"],
                                                on=data.get("on")))

    @extend_schema(request=CloseInputSerializer, responses=ACTION_RESPONSES, summary=_("复查销号(责任督学)"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(CloseInputSerializer)
        if data.get("recheck"):
            recheck = get_object_or_404(Recheck.objects.filter(problem_id=ticket.problem_id), pk=data["recheck"])
            ticket = self._call(ticket_services.ticket_close, data, ticket=ticket, recheck=recheck)
        else:
            ticket = self._call(
                ticket_services.ticket_recheck, data, ticket=ticket, result=RecheckResult.RECTIFIED,
                mode=data["mode"], date=data.get("date"), notes=data["notes"],
            )
        return self._ticket_response(ticket)

    @extend_schema(
        request={"multipart/form-data": RecheckTicketInputSerializer, "application/json": RecheckTicketInputSerializer},
        responses=ACTION_RESPONSES, summary=_("复查:已整改到位则销号,未整改到位则退回(责任督学)"),
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(RecheckTicketInputSerializer)
        ticket = self._call(
            ticket_services.ticket_recheck, data, ticket=ticket, result=data["result"], mode=data["mode"],
            date=data.get("date"), notes=data["notes"], photos=data["photos"],
        )
        return self._ticket_response(ticket)

    @extend_schema(
        request=ExtensionInputSerializer, responses={201: ExtensionSerializer, 409: StaleSerializer},
        summary=_("申请延期(学校)"),
    )
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ExtensionInputSerializer)
        extension = self._call(
            ticket_services.extension_request, data, ticket=ticket, requested_deadline=data["requested_deadline"],
            reason=data["reason"], on=data.get("on"),
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecisionInputSerializer, responses=ACTION_RESPONSES, summary=_("审批延期申请(责任督学)"))
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_id>[0-9]+)/decide")
    def decide(self, request, pk=None, extension_id=None):
        ticket = self.get_object()
        extension = get_object_or_404(Extension.objects.filter(ticket=ticket), pk=extension_id)
        data = self._input(ExtensionDecisionInputSerializer)
        self._call(ticket_services.extension_decide, data, extension=extension, approve=data["approve"], note=data["note"],
                   on=data.get("on"))
        return self._ticket_response(ticket)


# --- Notifications (通知) ------------------------------------------------------------------------------


class NotificationSerializer(ReadOnlyModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "ticket", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label=_("未读"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("标记为已读的通知数。"))


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own inbox (站内通知), unread first; another user's notification answers 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = []
    search_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return notifications.inbox_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer, summary=_("标记为已读"))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notifications.notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer, summary=_("全部标记为已读"))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notifications_mark_all_read(user=request.user)})
