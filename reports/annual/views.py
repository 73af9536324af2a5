"""Year-end summary pages: choose a year (and zone), edit the words, see the live figures, print
the PDF. Thin: scope from supervision.access, figures from selectors, writes through services."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.tickets import rules as rectification
from reports import selectors as report_selectors
from reports.choices import JobStatus
from reports.models import Job
from reports.registry import sha256_of
from reports.services import job_describe, job_start
from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.forms import add_service_errors

from . import blocks as summary_blocks
from .document import figures_of, summary_or_draft
from .forms import SummaryForm
from .jobs import KIND, YEARS
from .models import AnnualSummary
from .services import annual_summary_save


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if year in YEARS else default


@login_required
def index(request):
    """Office roles: one office's summary and its zones' for a year (higher offices pick the office).
    Supervisors: the zones they lead."""
    user = request.user
    this_year = clock.today().year
    year = _year(request.GET.get("year"), this_year)
    offices = list(access.offices_overseen_by(user).order_by("division_code"))
    office = None
    if offices:
        wanted = request.GET.get("office", "")
        own = access.offices_planned_by(user).values_list("pk", flat=True)
        office = next((o for o in offices if str(o.pk) == wanted), None) or next(
            (o for o in offices if o.pk in set(own)), offices[0]
        )
    zones, summaries = [], {}
    if office is not None:
        zones = list(access.annual_zones_readable_by(user).filter(office=office).order_by("name"))
        summaries = {
            s.zone_id: s
            for s in AnnualSummary.objects.filter(office=office, year=year).select_related("updated_by")
        }
    led = list(access.annual_zones_led_by(user).select_related("office").order_by("name"))
    led_summaries = {
        s.zone_id: s for s in AnnualSummary.objects.filter(zone__in=[z.pk for z in led], year=year)
    } if led else {}
    return render(request, "annual/index.html", {
        "year": year,
        "years": range(this_year, this_year - 5, -1),
        "offices": offices,
        "office": office,
        "office_summary": summaries.get(None),
        "zones": [(z, summaries.get(z.pk)) for z in zones],
        "led": [(z, led_summaries.get(z.pk)) for z in led],
    })


def _scope(request, office_pk: int, year: int, zone_pk: int | None):
    """(office, zone, may edit) — 404 for a summary outside the user's reach."""
    if year not in YEARS:
        raise Http404
    user = request.user
    if zone_pk is not None:
        zone = get_object_or_404(
            access.annual_zones_readable_by(user).select_related("office"), pk=zone_pk, office_id=office_pk
        )
        return zone.office, zone, access.annual_zones_editable_by(user).filter(pk=zone.pk).exists()
    office = get_object_or_404(access.offices_overseen_by(user), pk=office_pk)
    return office, None, access.offices_planned_by(user).filter(pk=office.pk).exists()


def _page_url(office, year, zone) -> str:
    if zone is not None:
        return reverse("annual:zone_summary", args=[office.pk, year, zone.pk])
    return reverse("annual:summary", args=[office.pk, year])


@login_required
def summary(request, office_pk: int, year: int, zone_pk: int | None = None):
    """The summary with its live figures; its editors change the words (POST) and print it."""
    office, zone, editable = _scope(request, office_pk, year, zone_pk)
    summary = summary_or_draft(office=office, year=year, zone=zone)
    figures = figures_of(summary)
    with translation.override(settings.LANGUAGE_CODE):
        specs = summary_blocks.block_specs(figures)
    initial = {"title": summary.title, "until": summary.until, "signature": summary.signature}
    initial.update({spec.key: summary.blocks.get(spec.key, spec.draft) for spec in specs})
    form = None
    if editable:
        form = SummaryForm(request.POST or None, initial=initial, specs=specs)
        if request.method == "POST" and form.is_valid():
            try:
                annual_summary_save(
                    office=office, year=year, zone=zone, user=request.user, blocks=form.blocks(),
                    title=form.cleaned_data["title"], until=form.cleaned_data["until"],
                    signature=form.cleaned_data["signature"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(_page_url(office, year, zone))
    elif request.method == "POST":
        raise Http404
    with translation.override(settings.LANGUAGE_CODE):
        sections = summary_blocks.sections(figures, summary.blocks)
        legend = summary_blocks.placeholder_legend(figures)
    params_key = sha256_of({"year": year, "zone": zone.pk if zone else None})
    last_job = Job.objects.filter(kind=KIND, office=office, params_key=params_key).order_by("-created_at", "-pk").first()
    return render(request, "annual/summary.html", {
        "office": office,
        "zone": zone,
        "year": year,
        "summary": summary,
        "editor": (summary.updated_by.first_name or summary.updated_by.username) if summary.updated_by else "",
        "figures": figures,
        "headline": [
            (_("入校督导人次"), figures.person_visits),
            (_("入校督导校次"), figures.school_visits),
            (_("覆盖学校"), f"{figures.schools_visited}/{figures.schools_total}"),
            (_("月总结报告"), figures.monthly_summaries),
            (_("发现问题"), figures.problems),
            (_("整改率"), rectification.rate_text(figures.rectification_rate)),
            (str(rectification.LABELS["on_time_rate"]), rectification.rate_text(figures.on_time_rate)),
        ],
        "rows": [(section, form[section.key] if form else None) for section in sections],
        "legend": legend,
        "form": form,
        "editable": editable,
        "last_job": last_job,
        "pdf_start_url": reverse("annual:zone_pdf_start", args=[office.pk, year, zone.pk]) if zone
        else reverse("annual:pdf_start", args=[office.pk, year]),
    })


@login_required
@require_POST
def pdf_start(request, office_pk: int, year: int, zone_pk: int | None = None):
    """Print the summary (a report job; the same words and data give the same job)."""
    office, zone, editable = _scope(request, office_pk, year, zone_pk)
    if not editable:
        raise Http404
    try:
        job = job_start(kind=KIND, office=office, params={"year": year, "zone": zone.pk if zone else None},
                        user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_page_url(office, year, zone))
    if report_selectors.jobs_visible_to(request.user).filter(pk=job.pk).exists():
        return redirect("reports:job_detail", pk=job.pk)
    messages.info(request, _("PDF正在后台生成,稍后刷新本页即可下载。"))
    return redirect(_page_url(office, year, zone))


@login_or_token_required
def pdf_download(request, job_pk: int):
    """A printed summary, for whoever may read that summary (a lead supervisor included)."""
    job = get_object_or_404(Job.objects.select_related("office").exclude(result=""), pk=job_pk, kind=KIND,
                            status=JobStatus.SUCCEEDED)
    zone_id = job.params.get("zone")
    if zone_id:
        allowed = access.annual_zones_readable_by(request.user).filter(pk=zone_id, office=job.office_id).exists()
    else:
        allowed = access.offices_overseen_by(request.user).filter(pk=job.office_id).exists()
    if not allowed:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=f"{job_describe(job)}.pdf",
                        content_type="application/pdf")
