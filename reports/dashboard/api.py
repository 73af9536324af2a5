"""/api/v1/dashboard/: the dashboard's figures as JSON, for the same period, office and scope as the
page (an office outside the user's scope, or a user with no dashboard, answers 404)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from supervision import clock

from . import presenters, selectors
from .forms import PeriodForm


class DashboardViewSet(viewsets.ViewSet):
    """督导数据看板: coverage, visits (人次), problems, rectification, overdue, escalations, monthly
    reports, the zone comparison (or, for a higher office, a row per office below) and 12-month trends."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度(默认今年,截至今日)"),
            OpenApiParameter("month", OpenApiTypes.INT, description="月份 1–12(不填为全年)"),
            OpenApiParameter("office", OpenApiTypes.INT, description="督导室(默认用户所在的最高一级)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        today = clock.today()
        form = PeriodForm(request.query_params, today=today)
        scope = selectors.dashboard_scope(user=request.user, office=request.query_params.get("office"))
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        period = form.period
        figures = selectors.dashboard_figures(
            scope=scope, period=period, today=today, group="office" if scope.is_rollup else "zone"
        )
        links = presenters.Links(scope, period, office_role=scope.office is not None)
        rows = presenters.group_table(scope, figures, links)
        figures["groups"] = [
            {"kind": "office" if scope.is_rollup else "zone", "id": row.pop("key"), **row} for row in rows
        ]
        return Response({
            "office": {"id": scope.office.pk, "name": scope.office.name} if scope.office else None,
            "zones": [{"id": z.pk, "name": z.name} for z in scope.zones] if scope.zones is not None else None,
            **figures,
        })


def register(router) -> None:
    router.register("dashboard", DashboardViewSet, basename="dashboard")
