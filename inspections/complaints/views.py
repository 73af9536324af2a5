"""Complaint pages. Public (no login): the form reached from a school's plaque page, the receipt,
and the status lookup by receipt code. Staff: the list with response times, the complaint with its
verify and close forms, the permission-checked photo.

Scope comes from ``supervision.access`` (complaints_visible_to to read, complaints_handled_by to
verify, close and see contact details); every write from ``services``."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schools.models import School
from supervision import access, clock
from supervision.choices import Role
from supervision.downloads import login_or_token_required
from supervision.forms import add_service_errors
from supervision.throttle import client_ip, throttle_hit

from . import selectors, services
from .choices import CloseOutcome, ComplaintStatus
from .filters import ComplaintFilter
from .forms import CloseForm, ComplaintForm, VerifyForm, form_age, form_token
from .models import Complaint

PAGE_SIZE = 50
SESSION_RECEIPT = "complaint_receipt"
# Flood limits (per hour): what one phone may send, what one school may receive, codes one phone may try.
SUBMIT_PER_IP, SUBMIT_PER_SCHOOL, LOOKUP_PER_IP = 10, 60, 30
HOUR = 3600
# Photos one address may send a day: each costs decoding and storage, and the form is anonymous.
PHOTOS_PER_IP_DAY, DAY = 20, 24 * 3600
STATUS_STYLES = {
    ComplaintStatus.RECEIVED: "warning", ComplaintStatus.VERIFYING: "info", ComplaintStatus.UNFOUNDED: "secondary",
    ComplaintStatus.RESOLVED: "success", ComplaintStatus.RECTIFYING: "primary",
}


def min_fill_seconds() -> float:
    """A person needs a few seconds to fill the form in; robots do not wait."""
    return getattr(settings, "COMPLAINT_MIN_FILL_SECONDS", 3)


# --- Public pages ------------------------------------------------------------------------------------


def _render_form(request, school, form, *, status=200, error=""):
    return render(request, "complaints/new.html", {"school": school, "form": form, "error": error}, status=status)


@never_cache
def complaint_new(request, school_code):
    school = get_object_or_404(School.objects.current().select_related("office"), code=school_code)
    if request.method != "POST":
        return _render_form(request, school, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    ip = client_ip(request)
    if not throttle_hit(scope="complaint-ip", key=ip, limit=SUBMIT_PER_IP, window_seconds=HOUR) or not throttle_hit(
        scope="complaint-school", key=str(school.pk), limit=SUBMIT_PER_SCHOOL, window_seconds=HOUR
    ):
        return _render_form(request, school, form, status=429,
                            error=_("提交过于频繁,请稍后再试。您填写的内容已保留。"))
    if request.FILES.get("photo") and not throttle_hit(
        scope="complaint-photo", key=ip, limit=PHOTOS_PER_IP_DAY, window_seconds=DAY
    ):  # counted before the photo is decoded
        return _render_form(request, school, form, status=429, error=_(
            "今天从您的网络上传的照片已达上限,请明天再上传照片,或不附照片直接提交。您填写的内容已保留。"))
    if request.POST.get("website"):
        return _render_form(request, school, form, status=400, error=_("提交未成功,请刷新页面后重试。"))
    age = form_age(request.POST.get("started", ""))
    if age is None:
        form.data["started"] = form_token()
        return _render_form(request, school, form, status=400, error=_("页面已过期,请核对内容后再次提交。"))
    if age < min_fill_seconds():
        return _render_form(request, school, form, status=400, error=_("提交过快,请核对内容后再次提交。"))
    if not form.is_valid():
        return _render_form(request, school, form, status=400)
    data = form.cleaned_data
    try:
        complaint = services.complaint_submit(
            school=school, category=data["category"], text=data["text"], reporter_kind=data["reporter_kind"],
            contact_name=data["contact_name"], contact_phone=data["contact_phone"], photo=data["photo"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_form(request, school, form, status=400)
    request.session[SESSION_RECEIPT] = complaint.code
    return redirect("complaints:receipt")


@never_cache
def complaint_receipt(request):
    """The receipt code, shown after the redirect (a refresh does not send the complaint twice)."""
    code = request.session.get(SESSION_RECEIPT)
    complaint = selectors.complaint_for_code(code) if code else None
    if complaint is None:
        return redirect("complaints:lookup")
    return render(request, "complaints/receipt.html", {
        "complaint": complaint, "code": services.receipt_code_display(complaint.code),
    })


@never_cache
def complaint_lookup(request):
    """Follow a complaint by its receipt code: status and public reply only. A wrong code answers
    the same 'not found' whatever it is; tries are limited per phone (no guessing codes)."""
    context = {"code": ""}
    if request.method != "POST":
        return render(request, "complaints/lookup.html", context)
    context["code"] = request.POST.get("code", "")[:32]
    if not throttle_hit(scope="complaint-lookup", key=client_ip(request), limit=LOOKUP_PER_IP, window_seconds=HOUR):
        context["error"] = _("查询过于频繁,请稍后再试。")
        return render(request, "complaints/lookup.html", context, status=429)
    complaint = selectors.complaint_for_code(context["code"])
    if complaint is None:
        context["error"] = _("没有找到这个回执码。请核对后重新输入(回执码为10位字母和数字)。")
        return render(request, "complaints/lookup.html", context, status=404)
    context.update({
        "found": complaint, "status": selectors.public_status(complaint),
        "display_code": services.receipt_code_display(complaint.code),
    })
    return render(request, "complaints/lookup.html", context)


# --- Staff pages -------------------------------------------------------------------------------------


def _reader_or_404(request) -> set[str]:
    roles = access.user_roles(request.user)
    if not request.user.is_superuser and not roles & {Role.SUPERVISOR, Role.OFFICE_ADMIN, Role.DIRECTOR, Role.VIEWER}:
        raise Http404
    return roles


@login_required
def complaint_list(request):
    """Complaints of the user's scope, newest first, with response times (fixed queries)."""
    roles = _reader_or_404(request)
    visible = access.complaints_visible_to(request.user)
    flt = ComplaintFilter(request.GET or None, queryset=visible, request=request)
    rows = flt.qs.select_related("school", "zone").order_by("-received_at", "-pk")
    today = clock.today()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.overdue = selectors.is_verify_overdue(c, today)
        c.status_style = STATUS_STYLES[c.status]
        c.first_days = _days_between(c.received_at, c.first_action_at)
        c.close_days = _days_between(c.received_at, c.closed_at)
    is_office = request.user.is_superuser or bool(roles & {Role.OFFICE_ADMIN, Role.DIRECTOR, Role.VIEWER})
    return render(request, "complaints/list.html", {
        "filter": flt, "page": page, "complaints": page.object_list,
        "stats": selectors.response_times(flt.qs, today=today) if is_office else None,
        "show_office": access.offices_overseen_by(request.user).count() > 1 if is_office else False,
        "verify_days": services.VERIFY_WORKING_DAYS,
    })


def _days_between(start, end) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 86400, 1)


def _render_detail(request, complaint: Complaint, *, status=200, verify_form=None, close_form=None):
    complaint = (
        Complaint.objects.select_related("school", "zone", "office", "verified_by", "closed_by", "problem__ticket")
        .get(pk=complaint.pk)
    )
    handles = access.complaints_handled_by(request.user).filter(pk=complaint.pk).exists()
    is_open = complaint.status in services.OPEN_STATUSES
    return render(request, "complaints/detail.html", {
        "c": complaint,
        "status_style": STATUS_STYLES[complaint.status],
        "overdue": selectors.is_verify_overdue(complaint, clock.today()),
        "public": selectors.public_status(complaint),
        "events": list(complaint.events.select_related("actor")),
        "show_contact": handles,
        "can_verify": handles and is_open,
        "can_close": handles and complaint.status == ComplaintStatus.VERIFYING,
        "verify_form": verify_form or VerifyForm(initial={
            "method": complaint.verify_method or None, "notes": complaint.verify_notes,
            **({"verified_on": complaint.verified_on} if complaint.verified_on else {}),
        }),
        "close_form": close_form or CloseForm(),
        "outcome_ticket": CloseOutcome.TICKET,
        "ticket": getattr(complaint.problem, "ticket", None) if complaint.problem_id else None,
    }, status=status)


@login_required
def complaint_detail(request, pk):
    complaint = get_object_or_404(access.complaints_visible_to(request.user), pk=pk)
    return _render_detail(request, complaint)


@login_required
@require_POST
def complaint_verify(request, pk):
    complaint = get_object_or_404(access.complaints_handled_by(request.user), pk=pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_verify(complaint=complaint, actor=request.user, verified_on=form.cleaned_data["verified_on"],
                                      method=form.cleaned_data["method"], notes=form.cleaned_data["notes"])
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_detail(request, complaint, status=400, verify_form=form)


@login_required
@require_POST
def complaint_close(request, pk):
    complaint = get_object_or_404(access.complaints_handled_by(request.user), pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_close(complaint=complaint, actor=request.user, **form.cleaned_data)
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_detail(request, complaint, status=400, close_form=form)


@login_or_token_required
def complaint_photo(request, pk):
    """The complaint's photo, only for users who may read the complaint (uploads are never served directly)."""
    complaint = get_object_or_404(access.complaints_visible_to(request.user).exclude(photo=""), pk=pk)
    response = FileResponse(complaint.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
