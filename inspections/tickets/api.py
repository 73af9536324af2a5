"""REST API of rectification (问题整改): tickets with their reports, evidence, re-checks, extensions,
escalations and history, and the ledger's import of past years.

A school acts on its own tickets, a supervisor on those of their zones; reads are an ``access`` scope
(404 outside it), a forbidden act is 403, a stale one 409; every write goes through
``inspections.tickets.services``.
"""
import dataclasses

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from supervision import access, clock
from supervision.api import ActionInputMixin, ReadOnlyModelSerializer
from supervision.throttle import request_ip

from inspections.models.choices import RecheckMode, RecheckResult
from inspections.ledger import importer as ledger_import
from inspections.models import Escalation, Evidence, Extension, Problem, Recheck, Ticket, TicketEvent, TicketReport
from inspections.tickets import rules as rectification, services as ticket_services
from inspections.tickets.filters import TicketFilter
from inspections.visits import selectors as visit_selectors
from inspections.visits.api import RecheckSerializer


SCHOOL_ACTIONS = {"start", "report", "evidence", "evidence_item", "extensions"}


SUPERVISOR_ACTIONS = {"return_ticket", "close", "recheck", "decide"}


def _user_name(user) -> str | None:
    return (user.first_name or user.username) if user is not None else None


class TicketProblemSerializer(ReadOnlyModelSerializer):
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "visit", "item_code", "item_title", "description", "severity", "severity_label", "opinion", "found_on"]


class EvidenceSerializer(ReadOnlyModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=_("下载地址;只有能查看该整改通知的用户可以打开。"))

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "extension", "size", "sha256", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("inspections:evidence_download", args=[obj.pk]))


class TicketReportSerializer(ReadOnlyModelSerializer):
    submitted_by_name = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TicketReport
        fields = ["id", "round", "text", "submitted_on", "submitted_at", "submitted_by_name", "return_reason", "evidence"]

    def get_submitted_by_name(self, obj) -> str | None:
        return _user_name(obj.submitted_by)


class ExtensionSerializer(ReadOnlyModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "id", "requested_deadline", "reason", "status", "status_label", "requested_on", "requested_at", "decided_on",
            "decided_at", "decision_note",
        ]


class EscalationSerializer(ReadOnlyModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "level", "level_label", "status", "status_label", "days_overdue", "proposed_at", "decided_at", "note"]


class TicketEventSerializer(ReadOnlyModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField(help_text=_("操作人;为空表示系统。"))

    class Meta:
        model = TicketEvent
        fields = [
            "id", "action", "action_label", "from_status", "to_status", "actor_name", "note", "ip_address",
            "occurred_on", "at",
        ]

    def get_actor_name(self, obj) -> str | None:
        return _user_name(obj.actor)


class TicketRecheckSerializer(RecheckSerializer):
    photo_urls = serializers.SerializerMethodField()

    class Meta(RecheckSerializer.Meta):
        fields = [*RecheckSerializer.Meta.fields, "photo_urls"]

    def get_photo_urls(self, obj) -> list[str]:
        request = self.context["request"]
        return [request.build_absolute_uri(reverse("inspections:recheck_photo", args=[p.pk])) for p in obj.photos.all()]


class TicketSerializer(ReadOnlyModelSerializer):
    """A ticket with its problem, report rounds (evidence metadata), extensions, re-checks,
    escalations and history. Overdue is derived from the deadline, never stored."""

    office_name = serializers.CharField(source="office.name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    zone = serializers.IntegerField(source="problem.zone_id", read_only=True, allow_null=True,
                                    help_text=_("发现问题当日学校所在的责任区。"))
    zone_name = serializers.CharField(source="problem.zone.name", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField(help_text=_("逾期未整改:未销号且已过整改期限。"))
    days_overdue = serializers.SerializerMethodField(help_text=_("逾期天数:未销号的算到今天,已销号的算到销号日期。"))
    problem = TicketProblemSerializer(read_only=True)
    reports = TicketReportSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    rechecks = TicketRecheckSerializer(source="problem.rechecks", many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "office", "office_name", "school", "school_name", "zone", "zone_name", "status", "status_label",
            "deadline", "opened_on", "is_overdue", "days_overdue", "closed_on", "closed_at", "version", "updated_at",
            "problem",
            "reports", "extensions", "rechecks", "escalations", "events",
        ]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        events = [event for event in data.get("events", ()) if event.get("ip_address")]
        if events and not self._addresses_shown(obj.office_id):
            for event in events:
                event["ip_address"] = None  # network addresses are for the office's auditors only
        return data

    def _addresses_shown(self, office_id) -> bool:
        request = self.context.get("request")
        if request is None:
            return False
        shown = self.context.setdefault("_addresses_shown", {})
        if office_id not in shown:
            shown[office_id] = access.may_see_addresses(request.user, office_id)
        return shown[office_id]

    def get_is_overdue(self, obj) -> bool:
        return rectification.is_overdue(obj, self.context["today"])

    def get_days_overdue(self, obj) -> int:
        return rectification.days_overdue(status=obj.status, deadline=obj.deadline, closed_on=obj.closed_on,
                                          day=self.context["today"])


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("客户端看到的整改通知版本号;如已被他人更新,返回 409。")
    )


class DatedInputSerializer(VersionInputSerializer):
    on = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("办理日期,默认今天;补填期限内或有“补录”权限时可填过去的日期,不能早于所办理的事项。"),
    )


class ReportInputSerializer(DatedInputSerializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=_("整改情况说明。"))
    submit = serializers.BooleanField(
        default=True, help_text=_("提交整改报告(需已上传佐证材料);为 false 时只保存草稿。")
    )


class EvidenceInputSerializer(VersionInputSerializer):
    # A plain file: the service decides its type by content and says so in Chinese.
    file = serializers.FileField(help_text=_("佐证材料:照片、PDF、Word 或 Excel 文件。"))


class ReturnInputSerializer(DatedInputSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("退回原因(必填),学校将看到。"))


class CloseInputSerializer(VersionInputSerializer):
    """Close (销号) on a re-check already recorded (``recheck``), or record one now (mode, date, notes)."""

    recheck = serializers.IntegerField(required=False, allow_null=True, help_text=_("已记录的复查编号(复查结果须为已整改到位)。"))
    mode = serializers.ChoiceField(choices=RecheckMode.choices, default=RecheckMode.EVIDENCE)
    date = serializers.DateField(required=False, allow_null=True, help_text=_("复查日期,默认今天。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RecheckTicketInputSerializer(VersionInputSerializer):
    result = serializers.ChoiceField(choices=RecheckResult.choices)
    mode = serializers.ChoiceField(choices=RecheckMode.choices, default=RecheckMode.EVIDENCE)
    date = serializers.DateField(required=False, allow_null=True, help_text=_("复查日期,默认今天。"))
    notes = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("未整改到位时必填(即退回原因)。"))
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text=_("复查照片。"))


class ExtensionInputSerializer(DatedInputSerializer):
    requested_deadline = serializers.DateField(help_text=_("申请延期至(不超过本学年结束)。"))
    reason = serializers.CharField(allow_blank=True, help_text=_("延期理由(必填)。"))


class ExtensionDecisionInputSerializer(DatedInputSerializer):
    approve = serializers.BooleanField(help_text=_("true 同意延期(整改期限随之更新),false 不同意。"))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审批意见;不同意时必填。"))


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("整改通知的当前版本号。"))


class TicketWrites(permissions.BasePermission):
    """The school answers its own tickets; the zone's responsibility supervisors re-check, close,
    return and decide extensions. Anyone else who can read the ticket gets 403."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS and view.action in ("list", "retrieve"):
            return True
        # 补录: whoever enters an office's past records acts for either side, with the real dates.
        if access.tickets_backfilled_by(request.user).filter(pk=obj.pk).exists():
            return view.action in SCHOOL_ACTIONS or view.action in SUPERVISOR_ACTIONS
        if view.action in SCHOOL_ACTIONS:
            self.message = _("只有该校的学校联系人可以办理整改。")
            return access.tickets_answered_by(request.user).filter(pk=obj.pk).exists()
        self.message = _("只有该校所在责任区的责任督学可以复查、销号、退回或审批延期。")
        return view.action in SUPERVISOR_ACTIONS and access.tickets_rechecked_by(request.user).filter(pk=obj.pk).exists()


class LedgerImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("台账导出格式的 Excel 文件(.xlsx):工作表“问题整改台账”,表头行不变。"))
    office = serializers.IntegerField(required=False, help_text=_("导入到哪个督导室;只有一个“补录”督导室时可省略。"))
    dry_run = serializers.BooleanField(required=False, default=False, help_text=_("true 只检查并计数,不写入。"))


class LedgerImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("新增的记录数。"))
    updated = serializers.IntegerField(help_text=_("更新了整改情况的记录数。"))
    unchanged = serializers.IntegerField(help_text=_("未变的记录数。"))
    visits = serializers.IntegerField(help_text=_("新建的入校督导次数。"))
    dry_run = serializers.BooleanField()


class LedgerImportIssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=_("Excel 中的行号。"))
    column = serializers.CharField(help_text=_("列名。"))
    value = serializers.CharField(help_text=_("所填内容。"))
    message = serializers.CharField(help_text=_("原因(含行号和列名)。"))


class LedgerImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = LedgerImportIssueSerializer(many=True)


ACTION_RESPONSES = {200: TicketSerializer, 409: StaleSerializer}


class TicketViewSet(ActionInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification tickets (整改通知): a school user sees their own school's; a supervisor those of
    their zones; an office role those of its offices. Filters are the ledger's (台账)."""

    serializer_class = TicketSerializer
    permission_classes = [permissions.IsAuthenticated, TicketWrites]
    filterset_class = TicketFilter
    search_fields = []  # the ledger's own ``q`` searches problem, opinion and school
    ordering_fields = ["deadline", "opened_on", "status", "school__name"]
    ordering = ["-opened_on", "-pk"]

    def get_queryset(self):
        tickets = access.tickets_visible_to(self.request.user)
        if self.action == "list":  # the list counts as the ledger does: a reopened checklist's wait
            tickets = tickets.filter(visit_selectors.counted_q("problem__"))
        return tickets.select_related("office", "school", "problem__zone").prefetch_related(
            Prefetch("reports", queryset=TicketReport.objects.filter(access.reports_read_by(self.request.user))
                     .select_related("submitted_by").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))).order_by("round")),
            Prefetch("extensions", queryset=Extension.objects.order_by("-requested_at")),
            Prefetch("problem__rechecks", queryset=Recheck.objects.prefetch_related("photos").order_by("-date", "-created_at")),
            Prefetch("escalations", queryset=Escalation.objects.order_by("level")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor").order_by("occurred_on", "at", "pk")),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": clock.today()}

    def handle_exception(self, exc):
        # A second person acting on a stale ticket is told, with the version to retry on.
        if isinstance(exc, ticket_services.StaleTicket):
            current = Ticket.objects.filter(pk=self.kwargs.get("pk")).values_list("version", flat=True).first()
            return Response({"detail": " ".join(exc.messages), "version": current}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def _ticket_response(self, ticket, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=ticket.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def _call(self, service, data: dict, **kwargs):
        """Run a ticket service as the requesting user, from where they are, on the version they saw."""
        return service(actor=self.request.user, expected_version=data.get("version"), ip=request_ip(self.request), **kwargs)

    @extend_schema(
        request={"multipart/form-data": LedgerImportInputSerializer},
        responses={200: LedgerImportResultSerializer, 400: LedgerImportErrorSerializer},
        summary=_("导入往年台账(补录)"),
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_ledger(self, request):
        """The ledger's Excel of past years, all or nothing (inspections.ledger.importer); 补录 holders only."""
        offices = {o.pk: o for o in access.offices_backfilled_by(request.user)}
        if not offices:
            raise PermissionDenied(_("只有有“补录”权限的人员可以导入台账。"))
        data = self._input(LedgerImportInputSerializer)
        if data.get("office") is not None:
            office = offices.get(data["office"])
            if office is None:
                raise Http404
        elif len(offices) == 1:
            office = next(iter(offices.values()))
        else:
            raise serializers.ValidationError({"office": [_("请选择要导入的督导室。")]})
        try:
            summary = ledger_import.ledger_import(office=office, file=data["file"], user=request.user,
                                                  dry_run=data["dry_run"])
        except ledger_import.LedgerImportError as exc:
            errors = [{"row": i.row, "column": i.column, "value": i.value, "message": str(i)} for i in exc.issues]
            return Response({"detail": _("文件有问题,未导入任何数据。"), "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(LedgerImportResultSerializer(dataclasses.asdict(summary)).data)

    @extend_schema(request=VersionInputSerializer, responses=ACTION_RESPONSES, summary=_("开始整改(学校)"))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        ticket = self.get_object()
        return self._ticket_response(self._call(ticket_services.ticket_start, self._input(VersionInputSerializer), ticket=ticket))

    @extend_schema(request=ReportInputSerializer, responses=ACTION_RESPONSES, summary=_("填写并提交整改报告(学校)"))
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ReportInputSerializer)
        ticket = self._call(ticket_services.ticket_report_save, data, ticket=ticket, text=data["text"], submit=data["submit"],
                            on=data.get("on"))
        return self._ticket_response(ticket)

    @extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer}, responses={201: EvidenceSerializer, 409: StaleSerializer},
        summary=_("上传佐证材料(学校)"),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(EvidenceInputSerializer)
        evidence = self._call(ticket_services.evidence_add, data, ticket=ticket, upload=data["file"])
        return Response(EvidenceSerializer(evidence, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, 409: StaleSerializer}, summary=_("删除未提交的佐证材料(学校)"))
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>[0-9]+)")
    def evidence_item(self, request, pk=None, evidence_id=None):
        ticket = self.get_object()
        evidence = get_object_or_404(Evidence.objects.select_related("report__ticket"), report__ticket=ticket, pk=evidence_id)
        version = VersionInputSerializer(data=request.query_params)
        version.is_valid(raise_exception=True)
        self._call(ticket_services.evidence_delete, version.validated_data, evidence=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReturnInputSerializer, responses=ACTION_RESPONSES, summary=_("退回重新整改(责任督学)"))
    @action(detail=True, methods=["post"], url_path="return")
    def return_ticket(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ReturnInputSerializer)
        return self._ticket_response(self._call(ticket_services.ticket_return, data, ticket=ticket, reason=data["reason"],
                                                on=data.get("on")))

    @extend_schema(request=CloseInputSerializer, responses=ACTION_RESPONSES, summary=_("复查销号(责任督学)"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(CloseInputSerializer)
        if data.get("recheck"):
            recheck = get_object_or_404(Recheck.objects.filter(problem_id=ticket.problem_id), pk=data["recheck"])
            ticket = self._call(ticket_services.ticket_close, data, ticket=ticket, recheck=recheck)
        else:
            ticket = self._call(
                ticket_services.ticket_recheck, data, ticket=ticket, result=RecheckResult.RECTIFIED,
                mode=data["mode"], date=data.get("date"), notes=data["notes"],
            )
        return self._ticket_response(ticket)

    @extend_schema(
        request={"multipart/form-data": RecheckTicketInputSerializer, "application/json": RecheckTicketInputSerializer},
        responses=ACTION_RESPONSES, summary=_("复查:已整改到位则销号,未整改到位则退回(责任督学)"),
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(RecheckTicketInputSerializer)
        ticket = self._call(
            ticket_services.ticket_recheck, data, ticket=ticket, result=data["result"], mode=data["mode"],
            date=data.get("date"), notes=data["notes"], photos=data["photos"],
        )
        return self._ticket_response(ticket)

    @extend_schema(
        request=ExtensionInputSerializer, responses={201: ExtensionSerializer, 409: StaleSerializer},
        summary=_("申请延期(学校)"),
    )
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(ExtensionInputSerializer)
        extension = self._call(
            ticket_services.extension_request, data, ticket=ticket, requested_deadline=data["requested_deadline"],
            reason=data["reason"], on=data.get("on"),
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecisionInputSerializer, responses=ACTION_RESPONSES, summary=_("审批延期申请(责任督学)"))
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_id>[0-9]+)/decide")
    def decide(self, request, pk=None, extension_id=None):
        ticket = self.get_object()
        extension = get_object_or_404(Extension.objects.filter(ticket=ticket), pk=extension_id)
        data = self._input(ExtensionDecisionInputSerializer)
        self._call(ticket_services.extension_decide, data, extension=extension, approve=data["approve"], note=data["note"],
                   on=data.get("on"))
        return self._ticket_response(ticket)
