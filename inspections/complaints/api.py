"""/api/v1/complaints/ — staff only (there is no public API): list and retrieve in the reader's
scope (access.complaints_visible_to), verify and close for those who handle the complaint
(access.complaints_handled_by; others who can read it get 403). Contact details appear only for
those who handle it."""
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from inspections.models.choices import Severity
from supervision import access, clock
from supervision.api import ActionInputMixin

from . import selectors, services
from .choices import CloseOutcome, VerifyMethod
from .filters import ComplaintFilter
from .models import Complaint, ComplaintEvent


class ComplaintEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintEvent
        fields = ["action", "action_label", "from_status", "to_status", "actor", "actor_name", "note", "at"]

    def get_actor_name(self, obj) -> str:
        return (obj.actor.first_name or obj.actor.username) if obj.actor else ""


class ComplaintSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_verify_overdue = serializers.SerializerMethodField(help_text=_("受理后5个工作日内未核实。"))
    contact_name = serializers.SerializerMethodField(help_text=_("只有该校责任督学和本督导室可见;其他人为空。"))
    contact_phone = serializers.SerializerMethodField(help_text=_("只有该校责任督学和本督导室可见;其他人为空。"))
    photo_url = serializers.SerializerMethodField()
    ticket = serializers.IntegerField(source="problem.ticket.pk", read_only=True, allow_null=True, default=None)
    events = ComplaintEventSerializer(many=True, read_only=True)
    # Blank until the complaint is verified.
    verify_method = serializers.ChoiceField(choices=VerifyMethod.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id", "office", "office_name", "school", "school_name", "zone", "zone_name", "category", "category_label",
            "text", "reporter_kind", "contact_name", "contact_phone", "photo_url", "status", "status_label",
            "received_at", "verify_due", "is_verify_overdue", "first_action_at", "verified_on", "verify_method",
            "verify_notes", "public_reply", "closed_at", "problem", "ticket", "events",
        ]
        read_only_fields = fields

    def get_is_verify_overdue(self, obj) -> bool:
        return selectors.is_verify_overdue(obj, self.context["today"])

    def get_contact_name(self, obj) -> str:
        return obj.contact_name if getattr(obj, "handled", False) else ""

    def get_contact_phone(self, obj) -> str:
        return obj.contact_phone if getattr(obj, "handled", False) else ""

    def get_photo_url(self, obj) -> str | None:
        if not obj.photo:
            return None
        return self.context["request"].build_absolute_uri(reverse("complaints:photo", args=[obj.pk]))


class ComplaintVerifyInputSerializer(serializers.Serializer):
    verified_on = serializers.DateField()
    method = serializers.ChoiceField(choices=VerifyMethod.choices)
    notes = serializers.CharField()


class ComplaintCloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CloseOutcome.choices)
    public_reply = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    problem_description = serializers.CharField(required=False, allow_blank=True, default="")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default=Severity.MINOR)


class ComplaintWrites(permissions.BasePermission):
    message = _("只有该校所在责任区的责任督学或本督导室可以核实、办结举报投诉。")

    def has_object_permission(self, request, view, obj):
        if view.action in ("list", "retrieve"):
            return True
        return access.complaints_handled_by(request.user).filter(pk=obj.pk).exists()


class ComplaintViewSet(ActionInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints and tips (举报投诉) of the user's scope; school users see none."""

    serializer_class = ComplaintSerializer
    permission_classes = [permissions.IsAuthenticated, ComplaintWrites]
    filterset_class = ComplaintFilter
    search_fields = []
    ordering_fields = ["received_at", "verify_due", "closed_at", "status"]
    ordering = ["-received_at", "-pk"]

    def get_queryset(self):
        handled = access.complaints_handled_by(self.request.user).filter(pk=OuterRef("pk"))
        return (
            access.complaints_visible_to(self.request.user)
            .select_related("office", "school", "zone", "problem__ticket")
            .prefetch_related("events__actor")
            .annotate(handled=Exists(handled))
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": clock.today()}

    def _answer(self, complaint):
        return Response(self.get_serializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=ComplaintVerifyInputSerializer, responses=ComplaintSerializer, summary=_("核实举报投诉"))
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(ComplaintVerifyInputSerializer)
        return self._answer(services.complaint_verify(
            complaint=complaint, actor=request.user, verified_on=data["verified_on"], method=data["method"], notes=data["notes"],
        ))

    @extend_schema(request=ComplaintCloseInputSerializer, responses=ComplaintSerializer, summary=_("办结举报投诉"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(ComplaintCloseInputSerializer)
        return self._answer(services.complaint_close(complaint=complaint, actor=request.user, **data))


def register(router) -> None:
    router.register("complaints", ComplaintViewSet, basename="complaint")
