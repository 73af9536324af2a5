"""Supervision case pages (督导案例): the list (a supervisor's own, the office's review queue by year
and status, a higher office's recommended cases), writing and revising, the case with its review
actions and history, and the permission-checked attachment downloads.

Scope comes from ``supervision.access`` (cases_visible_to, cases_editable_by, cases_reviewed_by);
every write from ``cases.services``.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.tickets.evidence import download_name
from supervision import access, clock
from supervision.choices import Role
from supervision.downloads import login_or_token_required, private_file
from supervision.forms import add_service_errors
from supervision.models import Supervisor

from . import selectors, services
from .choices import CaseAction, CaseStatus
from .filters import CaseFilter
from .forms import CaseForm, ReviewForm
from .models import Case, CaseAttachment
from .richtext import clean_html

PAGE_SIZE = 30
STATUS_STYLES = {
    CaseStatus.DRAFT: "secondary", CaseStatus.SUBMITTED: "primary", CaseStatus.RETURNED: "warning",
    CaseStatus.ACCEPTED: "info", CaseStatus.EXCELLENT: "success", CaseStatus.RECOMMENDED: "danger",
}
REVIEW_BUTTONS = {
    CaseAction.RETURNED: "outline-warning", CaseAction.ACCEPTED: "outline-primary",
    CaseAction.EXCELLENT: "success", CaseAction.RECOMMENDED: "danger",
}


@login_required
def case_list(request):
    """One list for everyone, limited by scope: a supervisor's own cases, the office's cases by year
    and status (the review queue is status=submitted), a higher office's recommended cases."""
    params = request.GET.copy()
    if "year" not in params:  # the list is by year; “全部年度” is an empty year
        # It opens on the latest year that has cases: in January the office still reviews last year's.
        this_year = clock.today().year
        params["year"] = str(next((y for y in selectors.case_years(request.user) if y <= this_year), this_year))
    cases = selectors.case_list_visible_to(request.user)
    without_status = {k: v for k, v in params.items() if k not in ("status", "page")}
    counts = selectors.case_status_counts(CaseFilter(without_status, queryset=cases).qs)
    reviewer = access.cases_reviewed_by(request.user).exists()
    if not request.GET and reviewer and counts.get(CaseStatus.SUBMITTED):
        params["status"] = CaseStatus.SUBMITTED  # the office opens on what waits for it: the review queue
    status = params.get("status", "")
    filterset = CaseFilter(params, queryset=cases)
    tabs = [("", _("全部"), sum(counts.values()), urlencode(without_status))] + [
        (s.value, s.label, counts.get(s.value, 0), urlencode({**without_status, "status": s.value}))
        for s in CaseStatus if counts.get(s.value) or s.value == status
    ]
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(params.get("page"))
    for case in page.object_list:
        case.status_style = STATUS_STYLES[case.status]
    roles = access.user_roles(request.user)
    return render(request, "cases/case_list.html", {
        "filter": filterset, "page": page, "cases": page.object_list, "tabs": tabs, "status": status,
        "can_write": Role.SUPERVISOR in roles and Supervisor.objects.filter(user=request.user, is_active=True).exists(),
        "show_author": request.user.is_superuser or bool(roles - {Role.SUPERVISOR}),
        # A higher office reads only what was recommended to it: say so.
        "recommended_only": not reviewer and not request.user.is_superuser and bool(roles - {Role.SUPERVISOR, Role.SCHOOL_USER}),
    })


def _form_page(request, form, case: Case | None, *, status: int = 200):
    return render(request, "cases/case_form.html", {
        "form": form, "case": case, "attachments": list(case.attachments.all()) if case else [],
        "max_mb": int(services.settings_max_bytes() / 1024 / 1024),
        "return_comment": case and case.status == CaseStatus.RETURNED and (
            case.events.filter(action=CaseAction.RETURNED).order_by("-at", "-pk").values_list("comment", flat=True).first()),
    }, status=status)


def _save(request, case: Case | None):
    supervisor = Supervisor.objects.filter(user=request.user, is_active=True).first()
    if supervisor is None:
        raise Http404
    office_id = case.office_id if case else supervisor.office_id
    if request.method != "POST":
        initial = {}
        if case:
            initial = {"title": case.title, "year": case.year, "tags": case.tags, "school": case.school_id,
                       "zone": case.zone_id, "body": case.body}
        return _form_page(request, CaseForm(initial=initial, office_id=office_id), case)
    form = CaseForm(request.POST, office_id=office_id)
    remove = []
    if case and request.POST.get("remove"):
        remove = [get_object_or_404(case.attachments.all(), pk=request.POST["remove"])]
    submit = request.POST.get("do") == "submit"
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_save(
                actor=request.user, case=case, title=data["title"], year=data["year"], body=data["body"],
                tags=data["tags"], school=data["school"], zone=data["zone"],
                uploads=request.FILES.getlist("files"), remove=remove, submit=submit,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if submit:
                messages.success(request, _("案例已提交,等待督导室审核。"))
                return redirect("cases:detail", pk=case.pk)
            messages.success(request, _("案例已保存。"))
            return redirect("cases:edit", pk=case.pk)
    # Refused: the page comes back with everything typed (files must be chosen again); the body goes
    # back into the editor only after cleaning, like everything the editor ever shows.
    form.data = form.data.copy()
    form.data["body"] = clean_html(form.data.get("body", ""))
    return _form_page(request, form, case, status=400)


@login_required
def case_create(request):
    return _save(request, None)


@login_required
def case_edit(request, pk):
    return _save(request, get_object_or_404(access.cases_editable_by(request.user), pk=pk))


@login_required
def case_detail(request, pk):
    case = selectors.case_detail(request.user, pk)
    return _detail_page(request, case)


def _detail_page(request, case: Case, *, review_form=None, status: int = 200):
    reviewable = access.cases_reviewed_by(request.user).filter(pk=case.pk).exists()
    actions = [a for a in services.MACHINE.allowed_actions(case.status) if a in services.REVIEW_ACTIONS] if reviewable else []
    return render(request, "cases/case_detail.html", {
        "case": case, "status_style": STATUS_STYLES[case.status],
        "editable": access.cases_editable_by(request.user).filter(pk=case.pk).exists(),
        "review_actions": [(a, CaseAction(a).label, REVIEW_BUTTONS[a]) for a in actions],
        "review_form": review_form or ReviewForm(),
        "attachments": list(case.attachments.all()), "events": list(case.events.all()),
    }, status=status)


@login_required
@require_POST
def case_submit(request, pk):
    case = get_object_or_404(access.cases_editable_by(request.user), pk=pk)
    try:
        services.case_submit(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:edit", pk=case.pk)
    messages.success(request, _("案例已提交,等待督导室审核。"))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_review(request, pk):
    case = get_object_or_404(access.cases_reviewed_by(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.case_review(case=case, actor=request.user, action=form.cleaned_data["action"],
                                 comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已%(action)s。") % {"action": CaseAction(form.cleaned_data["action"]).label})
            return redirect("cases:detail", pk=case.pk)
    return _detail_page(request, selectors.case_detail(request.user, pk), review_form=form, status=400)


@login_or_token_required
def attachment_download(request, pk):
    """A case's photo or document, only for users who may read the case (uploads are never served
    directly). Photos open in the browser; documents download under their original name."""
    attachment = get_object_or_404(
        CaseAttachment.objects.filter(case__in=access.cases_visible_to(request.user).values("pk")), pk=pk
    )
    inline = attachment.is_image
    response = FileResponse(attachment.file.open("rb"), as_attachment=not inline, filename=download_name(attachment.original_name, attachment.content_type),
                            content_type=attachment.content_type)
    return private_file(response, inline=inline)
