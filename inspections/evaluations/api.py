"""/api/v1/ endpoints of evaluations; ``register`` is called by supervision.api_urls.

Same rules as the pages: reads are the ``access`` scopes (outside answers 404); the office's admins
create schemes (with their own indicators or the default ones), edit them until scoring locks them,
and organise rounds with the schools taking part; scores are written through ``services.scores_save``
by whoever may score that stage, and the admin turns weak results into rectification tickets (a
reader who may not: 403).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from schools.models import School
from supervision import access, clock
from supervision.filters import whole_number
from supervision.api import ActionInputMixin, OfficeAdminWrites, ScopedPrimaryKeyRelatedField, with_current
from supervision.models import Office

from inspections.plans.api import PlannedRecordSerializer

from . import selectors, services
from .choices import SchemeKind, Stage
from .models import Entry, Indicator, Round, Scheme


def _num(value):
    return float(value) if value is not None else None


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "area", "code", "title", "max_points", "guidance", "order"]


class SchemeSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    scheme_kind = serializers.CharField(source="kind", read_only=True)
    scheme_kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "office", "office_name", "year", "scheme_kind", "scheme_kind_label", "name", "excellent_min",
                  "good_min", "pass_min", "weak_share", "indicators"]


class RoundSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    scheme_kind = serializers.CharField(source="scheme.kind", read_only=True)
    stages = serializers.ListField(child=serializers.CharField(), read_only=True)
    schools = serializers.IntegerField(read_only=True)

    class Meta:
        model = Round
        fields = ["id", "office", "office_name", "year", "name", "scheme", "scheme_kind", "self_evaluation", "stages",
                  "schools", "notes"]


def _result_row(row: selectors.ResultRow) -> dict:
    school = row.entry.school
    return {
        "entry": row.entry.pk, "school": school.pk, "school_name": school.name,
        "zone": row.entry.zone.name if row.entry.zone else None,
        "totals": {s: _num(row.totals[s]) for s in row.totals if s in row.complete},
        "complete": row.complete, "level": row.level, "level_label": row.level_label, "rank": row.rank,
        "passed": row.passed, "weak": bool(row.weak and row.final_stage), "weak_indicators": row.weak_count,
        "tickets": row.tickets, "follow_up_due": row.follow_up_due,
        "followed_up_on": row.followed_up_on, "satisfaction": row.satisfaction,
    }


def _results(results: selectors.Results) -> dict:
    return {
        "stages": results.stages, "indicators": results.indicator_count, "max_total": _num(results.max_total),
        "average": _num(results.average), "passed": results.passed_count, "pass_rate": results.pass_rate,
        "rows": [_result_row(r) for r in results.rows],
        "zones": [{"zone": z["zone"].name if z["zone"] else None, **{k: _num(v) if k == "average" else v
                   for k, v in z.items() if k != "zone"}} for z in results.zones],
    }


SCHEME_FIELDS = ("name", "excellent_min", "good_min", "pass_min", "weak_share")
INDICATOR_FIELDS = ("area", "code", "title", "max_points", "guidance")


class IndicatorInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        # indicator_save checks the code within the scheme, with its own message.
        validators = []


class SchemeCreateSerializer(PlannedRecordSerializer):
    """A new indicator system of an office the user administers."""

    office = ScopedPrimaryKeyRelatedField(scope=access.offices_managed_by, queryset=Office.objects.none())
    scheme_kind = serializers.ChoiceField(choices=SchemeKind.choices, source="kind")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text=gettext_lazy("留空则用评估类型作名称。"))
    load_default = serializers.BooleanField(default=True, help_text=gettext_lazy("载入该评估类型的默认指标。"))
    indicators = IndicatorInputSerializer(many=True, required=False,
                                          help_text=gettext_lazy("自定义指标;给出时不载入默认指标。"))

    class Meta:
        model = Scheme
        fields = ["office", "office_name", "year", "scheme_kind", "name", "load_default", "indicators"]
        validators = []


class SchemeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scheme
        fields = list(SCHEME_FIELDS)
        validators = []


@extend_schema_view(
    create=extend_schema(request=SchemeCreateSerializer, responses={201: SchemeSerializer},
                         summary=gettext_lazy("新建指标体系")),
    update=extend_schema(request=SchemeUpdateSerializer, responses=SchemeSerializer,
                         summary=gettext_lazy("修改名称和分数线")),
    partial_update=extend_schema(request=SchemeUpdateSerializer, responses=SchemeSerializer,
                                 summary=gettext_lazy("修改名称和分数线")),
)
class SchemeViewSet(ActionInputMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Indicator systems (评估指标体系) of the offices the user reads; the office's admins write them."""

    serializer_class = SchemeSerializer
    permission_classes = [permissions.IsAuthenticated, OfficeAdminWrites]

    def get_queryset(self):
        return (access.evaluation_schemes_visible_to(self.request.user).select_related("office")
                .prefetch_related("indicators").order_by("-year", "pk"))

    def get_serializer_class(self):
        if self.action == "create":
            return SchemeCreateSerializer
        if self.action in ("update", "partial_update"):
            return SchemeUpdateSerializer
        return SchemeSerializer

    def _scheme_response(self, scheme, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=scheme.pk)
        return Response(SchemeSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request):
        data = self._input(SchemeCreateSerializer)
        scheme = services.scheme_create(
            office=data["office"], year=data["year"], kind=data["kind"], name=data["name"],
            load_default=data["load_default"], indicators=data.get("indicators"),
        )
        return self._scheme_response(scheme, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        scheme = self.get_object()
        data = self._input(SchemeUpdateSerializer, partial=partial)
        services.scheme_update(scheme=scheme, **with_current(scheme, data, SCHEME_FIELDS))
        return self._scheme_response(scheme)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=IndicatorInputSerializer, responses={201: SchemeSerializer},
                   summary=gettext_lazy("添加指标"))
    @action(detail=True, methods=["post"], url_path="indicators")
    def add_indicator(self, request, pk=None):
        scheme = self.get_object()
        services.indicator_save(scheme=scheme, **self._input(IndicatorInputSerializer))
        return self._scheme_response(scheme, status.HTTP_201_CREATED)

    @extend_schema(methods=["PATCH"], request=IndicatorInputSerializer, responses=SchemeSerializer,
                   summary=gettext_lazy("修改指标"))
    @extend_schema(methods=["DELETE"], request=None, responses={204: None}, summary=gettext_lazy("删除指标"))
    @action(detail=True, methods=["patch", "delete"], url_path=r"indicators/(?P<indicator_id>[0-9]+)")
    def indicator(self, request, pk=None, indicator_id=None):
        scheme = self.get_object()
        indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_id)
        if request.method == "DELETE":
            services.indicator_delete(indicator=indicator)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = self._input(IndicatorInputSerializer, partial=True)
        services.indicator_save(scheme=scheme, indicator=indicator, **with_current(indicator, data, INDICATOR_FIELDS))
        return self._scheme_response(scheme)


class _RoundsBase(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer
    permission_classes = [permissions.IsAuthenticated]
    kinds: tuple[str, ...] = tuple(SchemeKind.values)

    def get_queryset(self):
        user = self.request.user
        return (Round.objects.filter(office__in=access.evaluation_offices_visible_to(user).values("pk"),
                                     scheme__kind__in=self.kinds)
                .select_related("office", "scheme").annotate(schools=Count("entries")).order_by("-year", "-pk"))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Every school's stage totals side by side, level, rank, pass, weak flag, tickets and follow-up."""
        return Response(_results(selectors.round_results(self.get_object())))


class RoundCreateSerializer(serializers.Serializer):
    scheme = ScopedPrimaryKeyRelatedField(scope=access.evaluation_schemes_editable_by, queryset=Scheme.objects.none())
    name = serializers.CharField(max_length=100)
    schools = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to, queryset=School.objects.none(), many=True,
        help_text=gettext_lazy("参评学校编号(本督导室的学校;幼儿园办园行为督导评估只能选幼儿园)。"),
    )
    self_evaluation = serializers.BooleanField(default=True, help_text=gettext_lazy("要求幼儿园先自评(仅幼儿园评估)。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(create=extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer},
                                         summary=gettext_lazy("组织一轮评估")))
class RoundViewSet(ActionInputMixin, mixins.CreateModelMixin, _RoundsBase):
    """Evaluation rounds (幼儿园办园行为督导评估 and the assessments); the office's admins organise them."""

    permission_classes = [permissions.IsAuthenticated, OfficeAdminWrites]

    def create(self, request):
        data = self._input(RoundCreateSerializer)
        rnd = services.round_create(scheme=data["scheme"], name=data["name"], schools=data["schools"],
                                    self_evaluation=data["self_evaluation"], notes=data["notes"])
        fresh = self.get_queryset().get(pk=rnd.pk)
        return Response(RoundSerializer(fresh, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class AssessmentViewSet(_RoundsBase):
    """Assessments of schools: 目标管理考核 and acceptance checks (ranked, passed against a mark)."""

    kinds = (SchemeKind.TARGET, SchemeKind.ACCEPTANCE)


class EntrySerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    round_name = serializers.CharField(source="round.name", read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "round", "round_name", "school", "school_name", "notes", "rectification_raised_on", "totals"]

    def get_totals(self, entry) -> dict:
        return {s: _num(getattr(entry, f"total_{s}", None)) for s in Stage.values}


class ScoresInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    points = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True),
                                   help_text="指标编码 → 得分(空为未评)")
    notes = serializers.CharField(required=False, allow_blank=True)


class RectifyInput(serializers.Serializer):
    indicators = serializers.ListField(child=serializers.CharField(), allow_empty=False,
                                       help_text=gettext_lazy("需整改的指标编码"))
    opinion = serializers.CharField(help_text=gettext_lazy("整改意见"))
    deadline = serializers.DateField(required=False, allow_null=True, help_text=gettext_lazy("整改期限;不填默认一个月。"))


class RaisedProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item_code = serializers.CharField()
    item_title = serializers.CharField()
    deadline = serializers.DateField()


class EntryViewSet(ActionInputMixin, viewsets.ReadOnlyModelViewSet):
    """Schools in a round with their stage totals; ``?round=`` narrows to one round. A user who may
    score a stage posts that stage's scores to ``scores/``."""

    serializer_class = EntrySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        qs = access.evaluation_entries_visible_to(self.request.user).select_related("school", "round")
        round_id = whole_number(self.request.query_params.get("round"))
        if round_id is not None:
            qs = qs.filter(round=round_id)
        totals = {f"total_{s}": Sum("scores__points", filter=Q(scores__stage=s)) for s in Stage.values}
        return qs.annotate(**totals).order_by("round", "school__code")

    def retrieve(self, request, pk=None):
        entry = self.get_object()
        sheet = selectors.entry_sheet(entry)
        data = self.get_serializer(entry).data
        data["stages"] = sheet.stages
        data["indicators"] = [
            {"code": r.indicator.code, "title": r.indicator.title, "area": r.indicator.area,
             "max_points": _num(r.indicator.max_points), "points": {s: _num(r.points[s]) for s in sheet.stages}}
            for r in sheet.rows
        ]
        return Response(data)

    @extend_schema(request=ScoresInput, responses={200: dict})
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        entry = self.get_object()
        data = self._input(ScoresInput)
        if not access.evaluation_entries_scorable_by(request.user, data["stage"]).filter(pk=entry.pk).exists():
            raise PermissionDenied(_("您不能录入该环节的得分。"))
        codes = dict(Indicator.objects.filter(scheme=entry.round.scheme_id).values_list("code", "pk"))
        unknown = sorted(set(data["points"]) - set(codes))
        if unknown:
            raise serializers.ValidationError({"points": [_("未知的指标编码:%(codes)s。") % {"codes": "、".join(unknown)}]})
        try:
            services.scores_save(entry=entry, stage=data["stage"], actor=request.user, notes=data.get("notes"),
                                 points={codes[c]: v for c, v in data["points"].items()})
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            by_field = {f"i{pk}": code for code, pk in codes.items()}
            raise serializers.ValidationError(
                {"points": {by_field.get(k, k): v for k, v in exc.message_dict.items()}}) from None
        return self.retrieve(request, pk=pk)

    @extend_schema(request=RectifyInput, responses={201: RaisedProblemSerializer(many=True)},
                   summary=gettext_lazy("薄弱指标下达整改"))
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        """Weak indicators of an entry become rectification tickets (问题整改), as the admin does on the
        entry page; a follow-up visit (回访) is then due."""
        entry = self.get_object()
        if not access.evaluation_rounds_managed_by(request.user).filter(pk=entry.round_id).exists():
            raise PermissionDenied(_("只有该督导室的管理员可以下达整改。"))
        data = self._input(RectifyInput)
        codes = dict(Indicator.objects.filter(scheme=entry.round.scheme_id).values_list("code", "pk"))
        unknown = sorted(set(data["indicators"]) - set(codes))
        if unknown:
            raise serializers.ValidationError({"indicators": [_("未知的指标编码:%(codes)s。") % {"codes": "、".join(unknown)}]})
        raised = services.weak_indicators_raise(
            entry=entry, indicator_ids=[codes[c] for c in data["indicators"]], opinion=data["opinion"],
            actor=request.user, found_on=clock.today(), deadline=data.get("deadline"),
        )
        return Response(RaisedProblemSerializer(raised, many=True).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("evaluation-schemes", SchemeViewSet, basename="evaluation-scheme")
    router.register("evaluation-rounds", RoundViewSet, basename="evaluation-round")
    router.register("evaluation-entries", EntryViewSet, basename="evaluation-entry")
    router.register("assessments", AssessmentViewSet, basename="assessment")
