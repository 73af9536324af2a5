"""REST API of visits (入校督导) with their checklists, photos, problems and re-checks, and of problems.

The rules are the pages' rules (``supervision/api.py`` holds the shared pieces): reads are an ``access``
scope (404 outside it), a forbidden write is 403, every write goes through ``inspections.visits.services``
(a Chinese ValidationError becomes a 400).
"""
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from schools.models import School
from supervision import access
from supervision.api import (
    ActionInputMixin,
    LinesField,
    NameSerializer,
    ReadOnlyModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from supervision.choices import Role
from supervision.models import Supervisor

from inspections.models.choices import Conclusion, Severity, VisitMethod
from inspections.models import Checklist, ChecklistAnswer, ChecklistReopening, Photo, Problem, Recheck, Visit
from inspections.tickets import services as ticket_services
from inspections.visits import selectors as visit_selectors, services as visit_services
from inspections.visits.filters import ProblemFilter, VisitFilter


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
