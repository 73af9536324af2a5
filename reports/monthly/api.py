"""/api/v1/monthly-reports/: the monthly zone reports in the same scope as the pages, with their
frozen data; ``file`` (报送, lead supervisors) and ``build`` (ask the worker for a fresh draft)."""
from __future__ import annotations

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision import access, clock

from . import selectors, services, tasks
from .models import ZoneMonthlyReport


class ZoneMonthlyReportSerializer(serializers.ModelSerializer):
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    filed_by_name = serializers.SerializerMethodField()
    filed_on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = ZoneMonthlyReport
        fields = [
            "id", "office", "zone", "zone_name", "year", "month", "version", "status", "due_date", "built_at",
            "filed_on", "filed_at", "filed_by", "filed_by_name", "filed_on_time", "data",
        ]
        read_only_fields = fields

    def get_filed_by_name(self, obj) -> str:
        return selectors.filer_name(obj)


class MonthlyReportFileInputSerializer(serializers.Serializer):
    built_at = serializers.DateTimeField(
        required=False, help_text=_("所核对草稿的生成时间;草稿已重新生成时拒绝报送。")
    )
    on = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("报送日期,默认今天;补填以前已报送的月报表时填写实际报送日期。"),
    )


class MonthlyReportBuildInputSerializer(serializers.Serializer):
    zone = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000)
    month = serializers.IntegerField(min_value=1, max_value=12)


class ZoneMonthlyReportFilter(django_filters.FilterSet):
    class Meta:
        model = ZoneMonthlyReport
        fields = ["office", "zone", "year", "month", "status"]


class ZoneMonthlyReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ZoneMonthlyReportSerializer
    filterset_class = ZoneMonthlyReportFilter
    ordering_fields = ["year", "month", "version", "filed_at"]

    def get_queryset(self):
        return (
            access.monthly_reports_visible_to(self.request.user)
            .select_related("zone", "filed_by__supervisor")
            .order_by("-year", "-month", "zone__name", "-version")
        )

    @extend_schema(request=MonthlyReportFileInputSerializer, responses=ZoneMonthlyReportSerializer, summary=_("报送月报表"))
    @action(detail=True, methods=["post"], url_path="file")
    def file(self, request, pk=None):
        report = self.get_object()
        serializer = MonthlyReportFileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.zone_monthly_report_file(
            report=report, user=request.user, built_at=serializer.validated_data.get("built_at"),
            on=serializer.validated_data.get("on"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=MonthlyReportBuildInputSerializer, responses={202: None}, summary=_("生成或刷新月报表草稿"))
    @action(detail=False, methods=["post"], url_path="build")
    def build(self, request):
        serializer = MonthlyReportBuildInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        zone = get_object_or_404(access.monthly_report_zones_built_by(request.user), pk=data["zone"])
        today = clock.today()
        if (data["year"], data["month"]) > (today.year, today.month):
            raise serializers.ValidationError({"month": [_("不能生成未来月份的月报表。")]})
        transaction.on_commit(lambda: tasks.zone_monthly_report_build_enqueue(zone.pk, data["year"], data["month"]))
        return Response(status=status.HTTP_202_ACCEPTED)


def register(router) -> None:
    router.register("monthly-reports", ZoneMonthlyReportViewSet, basename="monthly-report")
