"""/api/v1/ endpoints of evaluations; ``register`` is called by supervision.api_urls.

Same rules as the pages: reads are the ``access`` scopes (outside answers 404); scores are written
through ``services.scores_save`` by whoever may score that stage (a reader who may not: 403).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from supervision import access
from supervision.api import ActionInputMixin

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
        "zone": school.zone.name if school.zone else None,
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


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator systems (评估指标体系) of the offices the user reads."""

    serializer_class = SchemeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (access.evaluation_schemes_visible_to(self.request.user).select_related("office")
                .prefetch_related("indicators").order_by("-year", "pk"))


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


class RoundViewSet(_RoundsBase):
    """Evaluation rounds (幼儿园办园行为督导评估 and the assessments)."""


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


class EntryViewSet(ActionInputMixin, viewsets.ReadOnlyModelViewSet):
    """Schools in a round with their stage totals; ``?round=`` narrows to one round. A user who may
    score a stage posts that stage's scores to ``scores/``."""

    serializer_class = EntrySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        qs = access.evaluation_entries_visible_to(self.request.user).select_related("school", "round")
        round_id = self.request.query_params.get("round")
        if round_id and round_id.isdigit():
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


def register(router) -> None:
    router.register("evaluation-schemes", SchemeViewSet, basename="evaluation-scheme")
    router.register("evaluation-rounds", RoundViewSet, basename="evaluation-round")
    router.register("evaluation-entries", EntryViewSet, basename="evaluation-entry")
    router.register("assessments", AssessmentViewSet, basename="assessment")
