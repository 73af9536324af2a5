"""The director's dashboard (督导数据看板) and its drill pages: zone → school → ticket.

Views stay thin: scope from ``selectors.dashboard_scope`` (built on ``supervision.access``), figures
from ``selectors.dashboard_figures``, chart options from ``charts``.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from supervision import clock

from . import presenters, selectors
from .forms import PeriodForm


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET, today=clock.today())


@login_required
@require_GET
def dashboard(request):
    """督导数据看板: KPI cards, charts, then the zone table (or, for a higher office, the roll-up)."""
    today = clock.today()
    form = _period_form(request)
    scope = selectors.dashboard_scope(user=request.user, office=request.GET.get("office"))
    period = form.period
    group = "office" if scope.is_rollup else "zone"
    figures = selectors.dashboard_figures(scope=scope, period=period, today=today, group=group)
    links = presenters.Links(scope, period, office_role=scope.office is not None)
    rows = presenters.group_table(scope, figures, links)
    offices = scope.choices
    return render(request, "dashboard/dashboard.html", {
        "form": form, "period": period, "period_label": presenters.period_label(period), "scope": scope,
        "figures": figures, "kpis": presenters.kpis(figures, links), "charts": presenters.chart_list(figures, links, rows, by_office=scope.is_rollup),
        "rows": rows, "by_office": scope.is_rollup, "offices": offices if len(offices) > 1 else [],
        "parent_url": links.dashboard(office=scope.office.parent_id)
        if scope.office and scope.office.parent_id in {o.pk for o in offices} else "",
        "months": range(1, 13),
    })


def _drill(request, scope: selectors.Scope) -> dict:
    """What the zone and school pages share: the period, the figures by school, the links."""
    today = clock.today()
    form = _period_form(request)
    period = form.period
    figures = selectors.dashboard_figures(scope=scope, period=period, today=today, group="school")
    office_role = selectors.office_choices(request.user) != []
    links = presenters.Links(scope, period, office_role=office_role)
    return {"form": form, "period": period, "period_label": presenters.period_label(period), "figures": figures,
            "kpis": presenters.kpis(figures, links), "links": links, "office_role": office_role, "today": today,
            "months": range(1, 13)}


@login_required
@require_GET
def zone_detail(request, pk):
    """One zone: its figures and a row per school (→ the school's page)."""
    scope = selectors.zone_scope(user=request.user, zone=pk)
    context = _drill(request, scope)
    zone, links = scope.zones[0], context["links"]
    rows = presenters.school_rows(context["figures"], links, zone)
    back = links.dashboard(office=zone.office_id if context["office_role"] else None)
    return render(request, "dashboard/zone.html", {**context, "zone": zone, "rows": rows, "back_url": back})


@login_required
@require_GET
def school_detail(request, pk):
    """One school: its visits and tickets (→ the ticket page)."""
    scope = selectors.school_scope(user=request.user, school=pk, zone=request.GET.get("zone"))
    context = _drill(request, scope)
    activity = selectors.school_activity(scope=scope, period=context["period"], today=context["today"])
    zone = scope.zones[0] if scope.zones and len(scope.zones) == 1 else None
    back = context["links"].zone(zone.pk) if zone else context["links"].dashboard()
    return render(request, "dashboard/school.html", {
        **context, **activity, "school": scope.school, "zone": zone, "back_url": back,
    })
