"""Rectification ticket pages (问题整改): the school's workspace, the ticket with its report rounds,
evidence, re-checks, extension requests and history, and the permission-checked downloads.

Scope comes from ``supervision.access`` (tickets_visible_to to read; tickets_answered_by for the
school's actions, tickets_rechecked_by for the supervisor's); every write from
``inspections.tickets.services``. Each form posts the ticket's version: a stale page gets 409 with
what the user typed kept on the re-rendered form.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from supervision import access, clock
from supervision.choices import Role
from supervision.downloads import login_or_token_required, private_file
from supervision.throttle import request_ip

from supervision import calendar
from inspections.models.choices import ExtensionStatus, RecheckResult, Severity, TicketStatus
from inspections.models import Evidence, Extension, Photo, Recheck, RecheckPhoto, Ticket, TicketReport
from inspections.tickets import rules as rectification, services as ticket_services
from inspections.tickets.forms import ExtensionDecisionForm, ExtensionForm, RecheckForm, ReportForm, VersionedForm
from inspections.tickets.evidence import download_name

PAGE_SIZE = 50
TABS = [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.SUBMITTED, TicketStatus.CLOSED]
TAB_LABELS = {
    TicketStatus.OPEN: gettext_lazy("待整改"), TicketStatus.IN_PROGRESS: gettext_lazy("整改中"),
    TicketStatus.SUBMITTED: gettext_lazy("已提交"), TicketStatus.CLOSED: gettext_lazy("已销号"),
}
STATUS_STYLES = {
    TicketStatus.OPEN: "warning", TicketStatus.IN_PROGRESS: "info", TicketStatus.SUBMITTED: "primary",
    TicketStatus.CLOSED: "success",
}

SEVERITY_STYLES = {Severity.MINOR: "secondary", Severity.MAJOR: "warning", Severity.SEVERE: "danger"}
EXTENSION_STYLES = {ExtensionStatus.PENDING: "warning", ExtensionStatus.APPROVED: "success", ExtensionStatus.REFUSED: "danger"}


def _mark_deadline(ticket: Ticket, today) -> Ticket:
    """Overdue and days left, derived from the deadline (never stored)."""
    ticket.overdue = rectification.is_overdue(ticket, today)
    ticket.days_left = (ticket.deadline - today).days
    ticket.days_overdue = rectification.days_overdue(
        status=ticket.status, deadline=ticket.deadline, closed_on=ticket.closed_on, day=today
    )
    ticket.status_style = STATUS_STYLES[ticket.status]
    return ticket


# --- The workspace ----------------------------------------------------------------------------------


@login_required
def ticket_list(request):
    """A school's tickets by status and deadline; a supervisor's zones'; an office's. Fixed queries."""
    tickets = access.tickets_visible_to(request.user)
    counts = dict(tickets.order_by().values_list("status").annotate(n=Count("pk")))
    roles = access.user_roles(request.user)
    tab = request.GET.get("status")
    if tab not in TABS:
        # Open on what waits for this user: reports to re-check for a supervisor, else the first open tab.
        waiting = [TicketStatus.SUBMITTED] if Role.SUPERVISOR in roles else []
        tab = next((s for s in waiting + TABS[:3] if counts.get(s)), TicketStatus.OPEN)
    rows = tickets.filter(status=tab).select_related("school", "problem")
    rows = rows.order_by("-closed_at", "-pk") if tab == TicketStatus.CLOSED else rows.order_by("deadline", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for ticket in page.object_list:
        _mark_deadline(ticket, today)
    return render(request, "inspections/ticket_list.html", {
        "tabs": [(s, TAB_LABELS[s], counts.get(s, 0)) for s in TABS],
        "tab": tab,
        "page": page,
        "tickets": page.object_list,
        # A school user sees their own school only: no school column.
        "show_school": request.user.is_superuser or bool(roles - {Role.SCHOOL_USER}),
    })


# --- The ticket -----------------------------------------------------------------------------------------


def _visible_or_404(request, pk) -> Ticket:
    return get_object_or_404(access.tickets_visible_to(request.user), pk=pk)


def _school_ticket_or_404(request, pk) -> Ticket:
    return get_object_or_404(access.tickets_answered_by(request.user), pk=pk)


def _supervisor_ticket_or_404(request, pk) -> Ticket:
    return get_object_or_404(access.tickets_rechecked_by(request.user), pk=pk)


def _draft_of(reports: list[TicketReport], ticket: Ticket) -> TicketReport | None:
    """The report the school is still writing, if any (never created here: reading changes nothing)."""
    if ticket.status in ticket_services.DRAFT_STATUSES and reports and reports[-1].submitted_at is None:
        return reports[-1]
    return None


def _render_detail(request, ticket: Ticket, *, status: int = 200, error: str = "", stale: bool = False, **forms):
    ticket = (
        Ticket.objects.select_related("school", "problem__zone", "office", "problem__visit", "problem__answer", "closed_by")
        .get(pk=ticket.pk)
    )
    user = request.user
    is_school = access.tickets_answered_by(user).filter(pk=ticket.pk).exists()
    is_supervisor = access.tickets_rechecked_by(user).filter(pk=ticket.pk).exists()
    reports = list(
        ticket.reports.select_related("submitted_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
        .order_by("round")
    )
    draft = _draft_of(reports, ticket)
    extensions = list(ticket.extensions.select_related("requested_by", "decided_by"))
    for extension in extensions:
        extension.style = EXTENSION_STYLES[extension.status]
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    open_ = ticket.status != TicketStatus.CLOSED
    version = {"version": ticket.version}
    context = {
        "ticket": _mark_deadline(ticket, clock.today()),
        "problem": ticket.problem,
        "severity_style": SEVERITY_STYLES.get(ticket.problem.severity, "secondary"),
        "photos": list(Photo.objects.filter(answer_id=ticket.problem.answer_id).order_by("uploaded_at")),
        "rounds": [r for r in reports if r.submitted_at is not None],
        "draft": draft if is_school else None,
        "extensions": extensions,
        "pending": pending,
        "rechecks": list(
            Recheck.objects.filter(problem_id=ticket.problem_id).select_related("by", "visit")
            .prefetch_related("photos").order_by("-date", "-created_at")
        ),
        "events": list(ticket.events.select_related("actor")),
        "show_addresses": access.may_see_addresses(request.user, ticket.office_id),
        "error": error,
        "stale": stale,  # someone changed the ticket since this user loaded it: show what they saved
        "can_start": is_school and ticket.status == TicketStatus.OPEN,
        "can_report": is_school and ticket.status in ticket_services.DRAFT_STATUSES,
        "can_extend": is_school and open_ and pending is None,
        "can_decide": is_supervisor and open_ and pending is not None,
        "can_recheck": is_supervisor and open_,
        "is_school": is_school,
        "read_only": not (is_school or is_supervisor),
        "SUBMITTED": TicketStatus.SUBMITTED,
        "RECTIFIED": RecheckResult.RECTIFIED,
        "NOT_RECTIFIED": RecheckResult.NOT_RECTIFIED,
        "max_evidence": ticket_services.MAX_EVIDENCE_PER_REPORT,
        "year_end": calendar.school_year_end(clock.today()),
    }
    text = draft.text if draft else ""
    context["report_form"] = forms.get("report_form") or ReportForm(initial={**version, "text": text})
    context["extension_form"] = forms.get("extension_form") or ExtensionForm(initial=version)
    context["decision_form"] = forms.get("decision_form") or ExtensionDecisionForm(initial=version)
    context["recheck_form"] = forms.get("recheck_form") or RecheckForm(initial=version)
    context["start_form"] = forms.get("start_form") or VersionedForm(initial=version)
    return render(request, "inspections/ticket_detail.html", context, status=status)


@login_required
def ticket_detail(request, pk):
    return _render_detail(request, _visible_or_404(request, pk))


def _act(request, ticket: Ticket, form, key: str, call, *, success: str, anchor: str = ""):
    """Run one ticket service with the version the user saw. Stale → 409, refused → 400; both
    re-render the page with what the user typed."""
    if not form.is_valid() and set(form.errors) - {"version"}:  # e.g. a date the browser sent malformed
        return _render_detail(request, ticket, status=400, **{key: form})
    data = form.cleaned_data
    try:
        call(data, data.get("version"))
    except ticket_services.StaleTicket as exc:
        current = Ticket.objects.get(pk=ticket.pk).version
        return _render_detail(request, ticket, status=409, error=" ".join(exc.messages), stale=True,
                              **{key: form.with_version(current)})
    except ValidationError as exc:
        # Field errors show at their field; the others at the top of the page, where they are seen
        # even when the action's form is no longer offered (e.g. the report was submitted meanwhile).
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        general = []
        for field, messages_ in errors.items():
            if field in form.fields and field != "version":
                form.add_error(field, messages_)
            else:
                general += messages_
        return _render_detail(request, ticket, status=400, error=" ".join(general), **{key: form})
    messages.success(request, success)
    return redirect(reverse("inspections:ticket_detail", args=[ticket.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def ticket_start(request, pk):
    ticket = _school_ticket_or_404(request, pk)
    form = VersionedForm(request.POST)
    return _act(
        request, ticket, form, "start_form",
        lambda data, version: ticket_services.ticket_start(
            ticket=ticket, actor=request.user, expected_version=version, ip=request_ip(request)),
        success=_("已开始整改。请填写整改情况并上传佐证材料。"), anchor="report",
    )


@login_required
@require_POST
def ticket_report(request, pk):
    """The school's report form: 保存/上传 keeps the text and adds the files, 删除 takes a file back
    (the text typed stays), 提交 submits the report."""
    ticket = _school_ticket_or_404(request, pk)
    form = ReportForm(request.POST)
    submit = request.POST.get("do") == "submit"
    uploads = request.FILES.getlist("files")
    remove = []
    if request.POST.get("remove"):
        remove = [get_object_or_404(Evidence.objects.filter(report__ticket=ticket), pk=request.POST["remove"])]
    if submit:
        success = _("整改报告已提交,等待责任督学复查。")
    elif remove:
        success = _("已删除“%(name)s”。") % {"name": remove[0].original_name}
    elif uploads:
        success = _("已上传 %(n)d 个佐证材料,整改情况已保存。") % {"n": len(uploads)}
    else:
        success = _("整改情况已保存。")
    return _act(
        request, ticket, form, "report_form",
        lambda data, version: ticket_services.ticket_report_save(
            ticket=ticket, actor=request.user, text=data.get("text", ""), uploads=uploads, remove=remove,
            submit=submit, expected_version=version, ip=request_ip(request)),
        success=success, anchor="report",
    )


@login_required
@require_POST
def extension_request(request, pk):
    ticket = _school_ticket_or_404(request, pk)
    form = ExtensionForm(request.POST)
    return _act(
        request, ticket, form, "extension_form",
        lambda data, version: ticket_services.extension_request(
            ticket=ticket, actor=request.user, requested_deadline=data.get("requested_deadline"),
            reason=data.get("reason", ""), expected_version=version, ip=request_ip(request)),
        success=_("延期申请已提交,等待责任督学审批。"), anchor="extensions",
    )


@login_required
@require_POST
def extension_decide(request, pk, extension_pk):
    ticket = _supervisor_ticket_or_404(request, pk)
    extension = get_object_or_404(Extension.objects.filter(ticket=ticket), pk=extension_pk)
    approve = request.POST.get("decision") == "approve"
    form = ExtensionDecisionForm(request.POST)
    return _act(
        request, ticket, form, "decision_form",
        lambda data, version: ticket_services.extension_decide(
            extension=extension, actor=request.user, approve=approve, note=data.get("note", ""),
            expected_version=version, ip=request_ip(request)),
        success=_("已同意延期,整改期限已更新。") if approve else _("已不同意延期。"), anchor="extensions",
    )


@login_required
@require_POST
def ticket_recheck(request, pk):
    """The supervisor's re-check: 复查合格 → 销号; 未整改到位 → 退回 (a submitted report) or recorded."""
    ticket = _supervisor_ticket_or_404(request, pk)
    form = RecheckForm(request.POST)
    result = request.POST.get("result", "")
    if result == RecheckResult.RECTIFIED:
        success = _("复查合格,已销号。")
    elif ticket.status == TicketStatus.SUBMITTED:
        success = _("已退回学校重新整改。")
    else:
        success = _("已记录复查结果。")
    return _act(
        request, ticket, form, "recheck_form",
        lambda data, version: ticket_services.ticket_recheck(
            ticket=ticket, actor=request.user, result=result, notes=data.get("notes", ""),
            mode=data.get("mode") or request.POST.get("mode", ""), date=data.get("date"),
            photos=request.FILES.getlist("photos"), expected_version=version, ip=request_ip(request)),
        success=success,
    )


# --- Files ------------------------------------------------------------------------------------------------


@login_or_token_required
def evidence_download(request, pk):
    """An evidence file, only for users who may see its ticket (uploads are never served directly).
    Photos open in the browser; documents download under their original (Chinese) name."""
    evidence = get_object_or_404(access.evidence_visible_to(request.user), pk=pk)  # a draft's only for its school
    inline = evidence.content_type.startswith("image/")
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=not inline, filename=download_name(evidence.original_name, evidence.content_type),
        content_type=evidence.content_type,
    )
    return private_file(response, inline=inline)


@login_or_token_required
def recheck_photo(request, pk):
    photo = get_object_or_404(
        RecheckPhoto.objects.filter(recheck__problem__ticket__in=access.tickets_visible_to(request.user)), pk=pk
    )
    return private_file(FileResponse(photo.image.open("rb"), content_type="image/jpeg"), inline=True)
