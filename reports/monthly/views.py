"""Pages of the monthly zone report. Thin: scope from ``supervision.access``, reads from
``selectors``, writes from ``services``; files through the report-job registry."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.coverage.views import MonthForm, month_links, shift_month
from reports.services import job_may_start, job_start
from supervision import access, clock

from . import jobs, selectors, services, tasks

BUILD_WAIT_SECONDS = 60  # the page waits this long for a requested draft before offering a retry


def _zone_or_404(user, zone_id: int):
    return get_object_or_404(access.monthly_report_zones_visible_to(user).select_related("office"), pk=zone_id)


def _period_or_404(year: int, month: int) -> None:
    today = clock.today()
    if not 1 <= month <= 12 or year < 2000 or (year, month) > (today.year, today.month):
        raise Http404


@login_required
@require_GET
def home(request):
    """The nav item: an office role goes to the month's status page; a supervisor to their zone's
    report this month (the zone they lead first)."""
    user = request.user
    if user.is_superuser or access.offices_overseen_by(user).exists():
        return redirect("monthly_reports:status")
    zones = list(
        access.monthly_report_zones_visible_to(user).order_by("name")
    )
    if not zones:
        raise Http404
    led = set(access.monthly_report_zones_filed_by(user).values_list("pk", flat=True))
    zone = next((z for z in zones if z.pk in led), zones[0])
    today = clock.today()
    if len(zones) == 1 or led:
        return redirect("monthly_reports:zone_month", zone.pk, today.year, today.month)
    return render(request, "monthly_reports/zone_choice.html", {"zones": zones, "today": today})


def _zone_month_links(zone, year: int, month: int, today: dt.date) -> dict:
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    return {
        "prev_url": reverse("monthly_reports:zone_month", args=[zone.pk, prev_y, prev_m]) if prev_y >= 2000 else "",
        "next_url": reverse("monthly_reports:zone_month", args=[zone.pk, next_y, next_m])
        if (next_y, next_m) <= (today.year, today.month) else "",
    }


@login_required
@require_GET
def zone_month(request, zone_id: int, year: int, month: int):
    """A zone's report for a month: the newest version (draft or filed), the one that counts, the
    versions list, and the lead's actions (refresh the draft, file it)."""
    zone = _zone_or_404(request.user, zone_id)
    _period_or_404(year, month)
    versions = selectors.reports_of_zone_month(zone=zone, year=year, month=month)
    shown_version = request.GET.get("version", "")
    latest = versions[0] if versions else None
    shown = next((r for r in versions if str(r.version) == shown_version), latest)
    today = clock.today()
    may_build = access.monthly_report_zones_built_by(request.user).filter(pk=zone.pk).exists()
    may_file = access.monthly_report_zones_filed_by(request.user).filter(pk=zone.pk).exists()
    # A draft was requested (the worker builds it): wait for a draft built after the request.
    since = request.GET.get("since", "")
    pending = timed_out = False
    if since:
        try:
            asked = dt.datetime.fromisoformat(since)
        except ValueError:
            asked = None
        if asked and timezone.is_aware(asked) and (latest is None or latest.built_at < asked):
            pending = (clock.now() - asked).total_seconds() < BUILD_WAIT_SECONDS
            timed_out = not pending
    # A supervisor of several zones switches between them here (office roles use the status page).
    other_zones = []
    if not (request.user.is_superuser or access.offices_overseen_by(request.user).exists()):
        other_zones = list(access.monthly_report_zones_visible_to(request.user).exclude(pk=zone.pk).order_by("name"))
    context = {
        "zone": zone,
        "other_zones": other_zones,
        "year": year,
        "month": month,
        "versions": versions,
        "report": shown,
        "latest": latest,
        "the_report": selectors.the_report(versions),
        "state": selectors.filing_state(versions),
        "due": selectors.due_date(year, month),
        "today": today,
        "may_build": may_build,
        "may_file": may_file and latest is not None and latest.status == "draft" and shown == latest,
        "pending": pending,
        "timed_out": timed_out,
        **_zone_month_links(zone, year, month, today),
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "pending":
        if not pending:  # the draft is there (or waiting gave up): show the page afresh
            response = HttpResponse("")
            response["HX-Redirect"] = request.path + (f"?{urlencode({'since': since})}" if timed_out else "")
            return response
        return render(request, "monthly_reports/_pending.html", context)
    return render(request, "monthly_reports/zone_month.html", context)


@login_required
@require_POST
def zone_month_build(request, zone_id: int, year: int, month: int):
    """Ask for a (fresh) draft: the Celery task builds it; the page waits for it."""
    zone = get_object_or_404(access.monthly_report_zones_built_by(request.user), pk=zone_id)
    _period_or_404(year, month)
    asked = clock.now()
    transaction.on_commit(lambda: tasks.zone_monthly_report_build_enqueue(zone.pk, year, month))
    url = reverse("monthly_reports:zone_month", args=[zone.pk, year, month])
    return redirect(f"{url}?since={asked.isoformat().replace('+', '%2B')}")


@login_required
@require_POST
def report_file(request, pk: int):
    """File (报送) the draft the lead looked at."""
    report = get_object_or_404(access.monthly_reports_visible_to(request.user), pk=pk)
    if not access.monthly_report_zones_filed_by(request.user).filter(pk=report.zone_id).exists():
        raise Http404
    built_at = None
    try:
        built_at = dt.datetime.fromisoformat(request.POST.get("built_at", ""))
    except ValueError:
        pass
    try:
        services.zone_monthly_report_file(report=report, user=request.user, built_at=built_at)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("月报表已报送。"))
    return redirect("monthly_reports:zone_month", report.zone_id, report.year, report.month)


@login_required
@require_POST
def report_excel(request, pk: int):
    """Make (or find) the Excel of one version through the job registry, and watch it."""
    report = get_object_or_404(access.monthly_reports_visible_to(request.user).select_related("office"), pk=pk)
    params = {"report": report.pk}
    if not job_may_start(user=request.user, kind=jobs.ZONE_KIND, office=report.office, params=params):
        raise Http404
    job = job_start(kind=jobs.ZONE_KIND, office=report.office, params=params, user=request.user)
    return redirect("reports:job_detail", pk=job.pk)


@login_required
@require_POST
def rollup_excel(request, office_id: int, year: int, month: int):
    """The office roll-up workbook (summary + one sheet per zone), admins and directors."""
    office = get_object_or_404(access.offices_planned_by(request.user), pk=office_id)
    _period_or_404(year, month)
    try:
        job = job_start(kind=jobs.ROLLUP_KIND, office=office, params={"year": year, "month": month}, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('monthly_reports:status')}?year={year}&month={month}")
    return redirect("reports:job_detail", pk=job.pk)


@login_required
@require_GET
def status(request):
    """The office's month: each zone filed on time / late / draft / not yet, who filed and when,
    each zone's Excel and the roll-up. Higher offices see the offices below them, read-only."""
    user = request.user
    offices = access.offices_overseen_by(user)
    if not (user.is_superuser or offices.exists()):
        raise Http404
    today = clock.today()
    form = MonthForm(request.GET or None, today=today)
    year, month = form.period
    zones = access.monthly_report_zones_visible_to(user).filter(office__in=offices.values("pk"))
    lines = selectors.office_month_status(zones=zones, year=year, month=month, today=today)
    groups: dict[int, dict] = {}
    for line in lines:
        groups.setdefault(line.zone.office_id, {"office": line.zone.office, "lines": []})["lines"].append(line)
    planned = set(access.offices_planned_by(user).values_list("pk", flat=True))
    for group in groups.values():
        group["may_export"] = group["office"].pk in planned
        group["filed"] = sum(1 for line in group["lines"] if line.first)
        group["late"] = sum(1 for line in group["lines"] if line.state == "late")
        group["missing"] = len(group["lines"]) - group["filed"]
    return render(request, "monthly_reports/status.html", {
        "form": form, "year": year, "month": month, "groups": list(groups.values()), "today": today,
        "due": selectors.due_date(year, month), **month_links(request, year, month, today),
    })
