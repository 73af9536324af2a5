"""/api/v1/campaigns/: special inspections (专项督导) — list and retrieve what the user may see
(office roles their subtree, team members their campaigns), the schools with their progress, and
create (office admins). Scope from ``supervision.access``; every write through ``services``."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from schools.choices import SchoolKind
from supervision import access
from supervision.api import OfficeAdminWrites, OfficeRecordSerializer, ScopedPrimaryKeyRelatedField
from supervision.models import Supervisor

from . import selectors, services
from .choices import SchoolSelection
from .filters import CampaignFilter
from .models import Campaign, CampaignItem


class CampaignItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignItem
        fields = ["id", "code", "title", "guidance", "position"]


class CampaignSerializer(OfficeRecordSerializer):
    leader = ScopedPrimaryKeyRelatedField(scope=access.supervisors_managed_by, queryset=Supervisor.objects.none())
    team = ScopedPrimaryKeyRelatedField(
        scope=access.supervisors_managed_by, queryset=Supervisor.objects.none(), many=True, required=False
    )
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=SchoolKind.choices), required=False)
    schools = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True, help_text=_("指定学校时的学校编号。")
    )
    topic_label = serializers.CharField(source="get_topic_display", read_only=True)
    n_schools = serializers.IntegerField(read_only=True)
    n_inspected = serializers.IntegerField(read_only=True)
    items = CampaignItemSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "office", "office_name", "topic", "topic_label", "title", "start", "end", "leader", "team",
            "selection", "kinds", "schools", "sample_size", "seed", "population_size", "items_version",
            "n_schools", "n_inspected", "items",
        ]
        read_only_fields = ["population_size", "items_version"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def create(self, validated_data):
        office = validated_data.pop("office")
        school_ids = validated_data.pop("schools", [])
        schools = list(access.schools_managed_by(self.context["request"].user).filter(pk__in=school_ids, office=office))
        if validated_data.get("selection") == SchoolSelection.CHOSEN and len(schools) != len(set(school_ids)):
            raise serializers.ValidationError({"schools": [_("部分学校不存在或不属于该督导室。")]})
        return services.campaign_create(
            office=office, actor=self.context["request"].user, topic=validated_data["topic"],
            title=validated_data.get("title", ""), start=validated_data["start"], end=validated_data["end"],
            leader=validated_data["leader"], team=validated_data.get("team", []), selection=validated_data["selection"],
            kinds=validated_data.get("kinds", []), schools=schools, sample_size=validated_data.get("sample_size"),
            seed=validated_data.get("seed"),
        )


class CampaignSchoolSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school.pk")
    school_name = serializers.CharField(source="school.name")
    inspected = serializers.BooleanField()
    in_progress = serializers.BooleanField()
    visits = serializers.SerializerMethodField()
    problems = serializers.IntegerField()
    tickets = serializers.IntegerField()
    closed = serializers.IntegerField()

    def get_visits(self, row) -> list[int]:
        return [v.pk for v in row.visits]


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer
    permission_classes = [permissions.IsAuthenticated, OfficeAdminWrites]
    filterset_class = CampaignFilter

    def get_queryset(self):
        return selectors.campaign_list(access.campaigns_visible_to(self.request.user)).prefetch_related("team", "items")

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    @extend_schema(responses=CampaignSchoolSerializer(many=True), summary=_("专项督导的学校及进度"))
    # Every school of the campaign in one answer (a campaign has tens of schools): a plain list, as the schema says.
    @action(detail=True, methods=["get"], pagination_class=None)
    def schools(self, request, pk=None):
        campaign = self.get_object()
        return Response(CampaignSchoolSerializer(selectors.campaign_school_rows(campaign), many=True).data)


def register(router) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
