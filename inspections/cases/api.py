"""/api/v1/cases/ — supervision cases (督导案例) with the pages' rules: list and retrieve in the
reader's scope (access.cases_visible_to; anything else 404); a supervisor creates cases and updates,
adds files to and submits their own drafts (access.cases_editable_by); the office's admin or director
reviews (access.cases_reviewed_by). Someone who can read a case but may not do the action gets 403;
a refused move of the state machine gets 400 with the Chinese message."""
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from schools.models import School
from supervision import access
from supervision.api import ActionInputMixin, ScopedPrimaryKeyRelatedField, with_current
from supervision.models import Zone

from . import selectors, services
from .filters import CaseFilter
from .models import CaseAttachment, CaseEvent


def _own_office_schools(user):
    return School.objects.filter(office__supervisors__user=user, office__supervisors__is_active=True)


def _own_office_zones(user):
    return Zone.objects.filter(office__supervisors__user=user, office__supervisors__is_active=True)


class CaseEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["action", "action_label", "from_status", "to_status", "actor", "actor_name", "comment", "at"]

    def get_actor_name(self, obj) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor else ""


class CaseAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("cases:attachment", args=[obj.pk]))


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    office = serializers.IntegerField(source="office_id", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)
    title = serializers.CharField(max_length=120)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    school = ScopedPrimaryKeyRelatedField(scope=_own_office_schools, queryset=School.objects.none(), required=False, allow_null=True)
    zone = ScopedPrimaryKeyRelatedField(scope=_own_office_zones, queryset=Zone.objects.none(), required=False, allow_null=True)
    tags = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, help_text="HTML; cleaned on the server (nh3).")
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)  # a draft was never submitted
    recommended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    attachments = CaseAttachmentSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)


class CaseReviewInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in services.REVIEW_ACTIONS])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CaseAttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class CaseViewSet(ActionInputMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.ListModelMixin,
                  mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = CaseFilter
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    FIELDS = ("title", "year", "body", "tags", "school", "zone")

    def get_queryset(self):
        return selectors.case_list_visible_to(self.request.user).prefetch_related(
            "attachments", Prefetch("events", queryset=CaseEvent.objects.select_related("actor")))

    def _editable(self):
        case = self.get_object()
        if not access.cases_editable_by(self.request.user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("只有撰写人可以修改或提交草稿和被退回的案例。"))
        return case

    def perform_create(self, serializer):
        case = services.case_save(actor=self.request.user, **{k: serializer.validated_data.get(k, "" if k in ("body", "tags") else None) for k in self.FIELDS})
        serializer.instance = self.get_queryset().get(pk=case.pk)

    def perform_update(self, serializer):
        case = self._editable()
        values = with_current(case, serializer.validated_data, self.FIELDS)
        case = services.case_save(actor=self.request.user, case=case, **values)
        serializer.instance = self.get_queryset().get(pk=case.pk)

    def _answer(self, case):
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The author submits a draft (or a returned case) to the office."""
        return self._answer(services.case_submit(case=self._editable(), actor=request.user))

    @extend_schema(request=CaseReviewInputSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The office's admin or director: return (comment required), accept, excellent, recommend."""
        case = self.get_object()
        if not access.cases_reviewed_by(request.user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("只有本督导室的管理员或主任可以审核案例。"))
        data = self._input(CaseReviewInputSerializer)
        return self._answer(services.case_review(case=case, actor=request.user, action=data["action"], comment=data["comment"]))

    @extend_schema(request={"multipart/form-data": CaseAttachmentInputSerializer}, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Add a photo or document to one's own draft (type judged by content)."""
        case = self._editable()
        data = self._input(CaseAttachmentInputSerializer)
        case = services.case_save(actor=request.user, case=case, uploads=[data["file"]],
                                  **with_current(case, {}, self.FIELDS))
        return self._answer(case)


def register(router) -> None:
    router.register("cases", CaseViewSet, basename="case")
