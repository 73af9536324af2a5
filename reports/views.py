"""Report job pages: start, watch (htmx polling), download. Thin: scope from selectors/access."""
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services
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
        "can_restart": job.status == JobStatus.FAILED
        and services.job_may_start(user=request.user, kind=job.kind, office=job.office, params=job.params),
    }
    # htmx polls the status block every second while the job is queued or running.
    template = "reports/_job_status.html" if request.headers.get("HX-Request") else "reports/job_detail.html"
    return render(request, template, context)


@login_required
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
    if not office_id.isdigit():
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
