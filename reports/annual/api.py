"""/api/v1/annual-summaries/: year-end summaries (年度工作总结) a user may read — the list without
figures (constant queries), one summary with its live figures and filled-in sections; its editors
change the words (PATCH) or save a first version (POST). Same scope as the pages."""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from supervision import access
from supervision.api import ScopedPrimaryKeyRelatedField
from supervision.models import Office, Zone

from . import blocks as summary_blocks
from .document import figures_of
from .models import AnnualSummary
from .services import annual_summary_save


class AnnualSummarySerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AnnualSummary
        fields = ["id", "office", "office_name", "zone", "zone_name", "year", "title", "until", "signature",
                  "blocks", "updated_by", "updated_at"]
        read_only_fields = fields


class AnnualSummaryDetailSerializer(AnnualSummarySerializer):
    """One summary with the figures as they stand and the text as printed (placeholders filled in)."""

    figures = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    class Meta(AnnualSummarySerializer.Meta):
        fields = [*AnnualSummarySerializer.Meta.fields, "figures", "sections"]
        read_only_fields = fields

    def _figures(self, obj):
        if not hasattr(obj, "_figures"):
            obj._figures = figures_of(obj)
        return obj._figures

    def get_figures(self, obj) -> dict:
        f = self._figures(obj)
        with translation.override(settings.LANGUAGE_CODE):
            values = summary_blocks.placeholder_values(f)
        return {
            "placeholders": values,
            "by_item": [{"item_code": c, "item_title": t, "problems": n} for c, t, n in f.by_item],
            "by_severity": [{"severity": v, "label": label, "problems": n} for v, label, n in f.by_severity],
            "zones": [
                {"zone": z.zone_id, "name": z.name, "person_visits": z.person_visits, "school_visits": z.school_visits,
                 "schools_visited": z.schools_visited, "schools_total": z.schools_total, "problems": z.problems,
                 "closed": z.closed, "rectification_rate": z.rectification_rate}
                for z in f.zones
            ],
            "monthly_visits": f.monthly_visits,
        }

    def get_sections(self, obj) -> list[dict]:
        with translation.override(settings.LANGUAGE_CODE):
            sections = summary_blocks.sections(self._figures(obj), obj.blocks)
        return [{"key": s.key, "heading": f"{s.number}{s.heading}", "text": s.text, "paragraphs": s.paragraphs,
                 "errors": s.errors} for s in sections]


class AnnualSummaryWriteSerializer(serializers.Serializer):
    blocks = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    title = serializers.CharField(max_length=200, required=False)
    until = serializers.DateField(required=False)
    signature = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AnnualSummaryCreateSerializer(AnnualSummaryWriteSerializer):
    office = ScopedPrimaryKeyRelatedField(scope=access.offices_overseen_by, queryset=Office.objects.none())
    zone = ScopedPrimaryKeyRelatedField(scope=access.annual_zones_readable_by, queryset=Zone.objects.none(),
                                        required=False, allow_null=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AnnualSummaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Year-end summaries: office summaries for the office roles and higher offices, zone summaries
    also for the zone's lead supervisor. Writes: the own office's admins and director, the lead."""

    def get_queryset(self):
        return (
            access.annual_summaries_visible_to(self.request.user)
            .select_related("office", "zone")
            .order_by("office__division_code", "-year", "zone__name", "pk")
        )

    def get_serializer_class(self):
        return AnnualSummarySerializer if self.action == "list" else AnnualSummaryDetailSerializer

    def _save(self, *, office, zone, year, data) -> Response:
        summary = annual_summary_save(office=office, zone=zone, year=year, user=self.request.user, **data)
        return Response(AnnualSummaryDetailSerializer(summary, context=self.get_serializer_context()).data)

    @extend_schema(request=AnnualSummaryWriteSerializer, responses=AnnualSummaryDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        summary = self.get_object()
        if not access.annual_summaries_editable_by(request.user).filter(pk=summary.pk).exists():
            raise PermissionDenied
        write = AnnualSummaryWriteSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        return self._save(office=summary.office, zone=summary.zone, year=summary.year, data=write.validated_data)

    @extend_schema(request=AnnualSummaryCreateSerializer, responses={201: AnnualSummaryDetailSerializer})
    def create(self, request, *args, **kwargs):
        write = AnnualSummaryCreateSerializer(data=request.data, context=self.get_serializer_context())
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        office, zone, year = data.pop("office"), data.pop("zone", None), data.pop("year")
        if zone is not None:
            allowed = access.annual_zones_editable_by(request.user).filter(pk=zone.pk, office=office).exists()
        else:
            allowed = access.offices_planned_by(request.user).filter(pk=office.pk).exists()
        if not allowed:
            raise PermissionDenied
        response = self._save(office=office, zone=zone, year=year, data=data)
        response.status_code = status.HTTP_201_CREATED
        return response


def register(router) -> None:
    router.register("annual-summaries", AnnualSummaryViewSet, basename="annual-summary")
