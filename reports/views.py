"""Report job pages: start, watch (htmx polling), download. Thin: scope from selectors/access."""
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from supervision import clock
from supervision.filters import whole_number
from supervision.downloads import login_or_token_required

from . import selectors, services, submissions
from .choices import JobKind, JobStatus

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


@login_required
def job_detail(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user).select_related("office", "created_by"), pk=pk)
    context = {
        "job": job,
        "title": services.job_describe(job),
        "waits_for_broker": services.job_waits_for_broker(job),
        "can_restart": job.status == JobStatus.FAILED
        and services.job_may_start(user=request.user, kind=job.kind, office=job.office, params=job.params),
    }
    # htmx polls the status block every second while the job is queued or running.
    template = "reports/_job_status.html" if request.headers.get("HX-Request") else "reports/job_detail.html"
    return render(request, template, context)


@login_or_token_required
def job_download(request, pk):
    finished = selectors.jobs_visible_to(request.user).filter(status=JobStatus.SUCCEEDED).exclude(result="")
    job = get_object_or_404(finished.select_related("office"), pk=pk)
    extension = PurePosixPath(job.result.name).suffix.lower()
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=f"{services.job_describe(job)}{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


@login_required
@require_POST
def job_restart(request, pk):
    """Start a failed job again with the same parameters (a new job; the failed one stays on record)."""
    job = get_object_or_404(selectors.jobs_visible_to(request.user).select_related("office"), pk=pk)
    if job.status != JobStatus.FAILED or not services.job_may_start(
        user=request.user, kind=job.kind, office=job.office, params=job.params
    ):
        raise Http404
    try:
        again = services.job_start(kind=job.kind, office=job.office, params=job.params, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:job_detail", pk=job.pk)
    return redirect("reports:job_detail", pk=again.pk)


def _back(request) -> str:
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return referer
    return "home"


@login_required
@require_POST
def plaques_start(request):
    """Print all plaques of an office (POST office=<id>, optional zone=<id>); admins and directors only."""
    office_id = request.POST.get("office", "")
    if whole_number(office_id) is None:
        raise Http404
    office = get_object_or_404(selectors.offices_starting_jobs_for(request.user), pk=office_id)
    try:
        job = services.job_start(
            kind=JobKind.PLAQUES, office=office, params={"zone": request.POST.get("zone") or None}, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request))
    return redirect("reports:job_detail", pk=job.pk)


# --- 报送 (submissions to the higher office) -------------------------------------------------------


@login_required
def submission_list(request):
    """Packages sent by the user's offices and received from the offices below."""
    records = list(
        submissions.submissions_visible_to(request.user)
        .select_related("office", "recipient", "submitted_by", "job")
        .order_by("-submitted_at", "-pk")[:200]
    )
    return render(request, "reports/submission_list.html", {
        "submissions": records,
        "offices": list(selectors.offices_starting_jobs_for(request.user).filter(parent__isnull=False)),
        "today": clock.today(),
    })


@login_required
def submission_new(request):
    """Preview what the period's package holds (and what is missing), then send it (POST)."""
    office_id = request.POST.get("office") or request.GET.get("office") or ""
    if whole_number(office_id) is None:
        raise Http404
    office = get_object_or_404(
        selectors.offices_starting_jobs_for(request.user).filter(parent__isnull=False).select_related("parent"),
        pk=office_id,
    )
    data = request.POST if request.method == "POST" else request.GET
    raw = {"period": data.get("period"), "year": data.get("year"), "month": data.get("month") or None}
    try:
        params = submissions.clean_params(office, raw)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:submission_list")
    if request.method == "POST":
        try:
            submission = submissions.submission_start(
                office=office, params=params, user=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("reports:submission_detail", pk=submission.pk)
    return render(request, "reports/submission_new.html", {
        "office": office,
        "params": params,
        "period": submissions.period_label(params),
        "preview": submissions.package_preview(office=office, params=params),
        "note": request.POST.get("note", ""),
    })


@login_required
def submission_detail(request, pk):
    submission = get_object_or_404(
        submissions.submissions_visible_to(request.user).select_related(
            "office", "recipient", "submitted_by", "job__created_by"
        ),
        pk=pk,
    )
    return render(request, "reports/submission_detail.html", {"submission": submission, "job": submission.job})
