"""REST API of the supervisors' monthly summaries (月总结报告) and of coverage (全覆盖).

Reads are an ``access`` scope (404 outside it); writes go through ``inspections.coverage.services``.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from supervision import access, clock
from supervision.api import ScopedPrimaryKeyRelatedField, ScopedViewSet
from supervision.models import Supervisor

from inspections.coverage import selectors as coverage_selectors, services as coverage_services
from inspections.coverage.filters import MonthlySummaryFilter
from inspections.models import MonthlySummary


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
    rate = serializers.IntegerField(allow_null=True, help_text=_("覆盖率(百分比);没有应督导的学校时为空。"))


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
