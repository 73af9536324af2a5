"""The escalation ladder's pages: the office's list of proposals, the director's decision, the
office's thresholds, and the 督办通知书 PDF. Scope from ``supervision.access``; rules in
``inspections.escalations.services``."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET

from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.forms import add_service_errors
from supervision.models import Office
from supervision.throttle import request_ip

from inspections.models.choices import EscalationLevel, EscalationStatus, TicketStatus
from inspections.escalations import services as escalations
from inspections.models import EscalationPolicy
from inspections.notifications import services as notifications
from inspections.tickets import rules as rectification

PAGE_SIZE = 30


def _days_overdue(ticket, today) -> int:
    return rectification.days_overdue(status=ticket.status, deadline=ticket.deadline, closed_on=ticket.closed_on, day=today)


def _office_role_or_404(user) -> None:
    """The escalation pages are the office's: admins, director and higher offices read them."""
    if not (user.is_superuser or access.offices_overseen_by(user).exists()):
        raise Http404


@login_required
@require_GET
def escalation_list(request):
    """Proposals waiting for the director first, then the decisions, newest first."""
    _office_role_or_404(request.user)
    scope = access.escalations_overseen_by(request.user)
    pending_only = request.GET.get("show") == "pending"
    page = Paginator(escalations.escalation_list(scope, pending_only=pending_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    decidable = set(
        access.escalations_decidable_by(request.user).filter(pk__in=[e.pk for e in page]).values_list("pk", flat=True)
    )
    today = clock.today()
    for escalation in page:
        escalation.can_decide = escalation.pk in decidable and escalation.status == EscalationStatus.PROPOSED
        escalation.days_now = _days_overdue(escalation.ticket, today)
        escalation.ticket_closed = escalation.ticket.status == TicketStatus.CLOSED
    return render(request, "inspections/escalation_list.html", {
        "page": page,
        "pending_only": pending_only,
        "pending_count": scope.filter(status=EscalationStatus.PROPOSED).count(),
        "can_edit_policy": access.offices_planned_by(request.user).exists(),
        "multi_office": access.offices_overseen_by(request.user)[:2].count() > 1,
        "Status": EscalationStatus,
    })


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("意见"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("确认时可填写督办要求;暂不升级时必须说明理由。")}),
    )


@login_required
def escalation_detail(request, pk: int):
    """One proposal: the ticket, how late it is, the ladder so far; the director confirms it or
    dismisses it (暂不升级, with a reason). Others of the office read it."""
    _office_role_or_404(request.user)
    escalation = get_object_or_404(
        access.escalations_overseen_by(request.user).select_related(
            "ticket__problem__zone", "ticket__school", "ticket__office", "decided_by"
        ),
        pk=pk,
    )
    can_decide = (
        escalation.status == EscalationStatus.PROPOSED
        and access.escalations_decidable_by(request.user).filter(pk=escalation.pk).exists()
    )
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not access.escalations_decidable_by(request.user).filter(pk=escalation.pk).exists():
            raise PermissionDenied(_("只有本督导室主任可以确认或暂不升级。"))
        if form.is_valid():
            decide = escalations.escalation_confirm if request.POST.get("action") == "confirm" else escalations.escalation_dismiss
            try:
                decided = decide(escalation=escalation, actor=request.user, note=form.cleaned_data["note"],
                                 ip=request_ip(request))
            except escalations.EscalationAlreadyDecided as exc:
                add_service_errors(form, exc)
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                label = EscalationLevel(decided.level).label
                if decided.status == EscalationStatus.CONFIRMED:
                    messages.success(request, _("已确认%(level)s。") % {"level": label})
                else:
                    messages.success(request, _("已暂不%(level)s。") % {"level": label})
                return redirect("inspections:escalation_detail", pk=decided.pk)
        else:
            status = 400
    if status == 409:
        escalation.refresh_from_db()
        can_decide = False
    ticket = escalation.ticket
    return render(request, "inspections/escalation_detail.html", {
        "escalation": escalation,
        "ticket": ticket,
        "ladder": list(ticket.escalations.select_related("decided_by").order_by("level")),
        "ticket_url": notifications.ticket_url(ticket),
        "days_now": _days_overdue(ticket, clock.today()),
        "can_decide": can_decide,
        "form": form,
        "Status": EscalationStatus,
        "Level": EscalationLevel,
        "re_propose_days": escalations.RE_PROPOSE_AFTER_DAYS,
    }, status=status)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = EscalationPolicy
        fields = escalations.THRESHOLD_FIELDS
        widgets = {name: forms.NumberInput(attrs={"min": 1, "max": escalations.MAX_THRESHOLD_DAYS, "inputmode": "numeric"})
                   for name in escalations.THRESHOLD_FIELDS}


@login_required
def escalation_policy(request):
    """The office's thresholds (days overdue for each rung), edited by its admin or director."""
    offices = list(access.offices_planned_by(request.user).order_by("division_code"))
    if not offices:
        raise Http404
    office: Office = offices[0]
    if request.GET.get("office"):
        office = next((o for o in offices if str(o.pk) == request.GET["office"]), None)
        if office is None:
            raise Http404
    policy = escalations.escalation_policy_ensure(office=office)
    form = PolicyForm(request.POST or None, instance=policy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                escalations.escalation_policy_save(
                    office=office, actor=request.user, **{name: form.cleaned_data[name] for name in escalations.THRESHOLD_FIELDS}
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("升级督办规则已保存。"))
                return redirect(request.path + (f"?office={office.pk}" if len(offices) > 1 else ""))
        status = 400
    return render(request, "inspections/escalation_policy.html", {
        "form": form, "office": office, "offices": offices, "policy": policy,
        "re_propose_days": escalations.RE_PROPOSE_AFTER_DAYS, "urge_days": escalations.URGE_RECTIFY_DAYS,
    }, status=status)


@login_or_token_required
@require_GET
def urge_notice_pdf(request, pk: int):
    """The 督办通知书 of a confirmed 督办: for the office's roles, the school's own users and the
    zone's supervisors (whoever sees the ticket); 404 for everyone else."""
    escalation = get_object_or_404(
        access.escalations_visible_to(request.user)
        .filter(level=EscalationLevel.URGE, status=EscalationStatus.CONFIRMED)
        .select_related("ticket__problem", "ticket__school", "ticket__office"),
        pk=pk,
    )
    response = HttpResponse(escalations.urge_notice_pdf(escalation), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, escalations.urge_notice_filename(escalation))
    return response
