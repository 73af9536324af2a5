"""What the dashboard pages and the API show of the figures: the drill-down links (zone → school →
ticket), the zone table or roll-up rows, the KPI cards and the charts."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from inspections.tickets import rules as rectification
from supervision.models import Zone

from . import charts, selectors


class Links:
    """Where each figure drills down to, keeping the period (and the office of a county)."""

    def __init__(self, scope: selectors.Scope, period: selectors.Period, *, office_role: bool):
        self.scope, self.period, self.office_role = scope, period, office_role
        # The ledger and the coverage page filter on the office holding the data (a county).
        self.data_office = scope.office.pk if scope.office and not scope.children and office_role else None

    def _with(self, name: str, args=(), **params) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "", [])}
        return reverse(name, args=args) + ("?" + urlencode(query, doseq=True) if query else "")

    def dashboard(self, *, office=None, year=None, month=None) -> str:
        office = office if office is not None else (self.scope.office.pk if self.scope.office and self.office_role else None)
        return self._with("dashboard:dashboard", office=office, year=year or self.period.year, month=month)

    def coverage(self, m: dict) -> str:
        zones = self.scope.zone_ids or []
        return self._with("inspections:coverage", year=m["year"], month=m["month"], office=self.data_office,
                          zone=zones[0] if len(zones) == 1 else None)

    def ledger(self, **filters) -> str:
        """The ledger scoped as the figure is: the office, the zone(s) and school of the scope."""
        scope = self.scope
        return self._with(
            "inspections:ledger", office=self.data_office, zone=scope.zone_ids or None,
            school=scope.school.pk if scope.school else None, **filters,
        )

    def ledger_in_period(self, **filters) -> str:
        return self.ledger(year=self.period.year, month=self.period.month, **filters)

    def zone(self, zone_id: int) -> str:
        return self._with("dashboard:zone", args=[zone_id], **self.period.params())

    def school(self, school_id: int, zone_id=None) -> str:
        return self._with("dashboard:school", args=[school_id], zone=zone_id, **self.period.params())

    def escalations(self) -> str:
        return reverse("inspections:escalation_list") if self.office_role else ""


def group_table(scope: selectors.Scope, figures: dict, links: Links) -> list[dict]:
    """The zone comparison (a county, a supervisor's zones) or the roll-up by child office."""
    groups = figures["groups"]
    if scope.is_rollup:
        rows = []
        owner = {}
        for office in scope.offices:  # each office below belongs to the child it descends from
            node = office
            while node.parent_id not in (None, scope.office.pk) and node.parent_id in {o.pk for o in scope.offices}:
                node = next(o for o in scope.offices if o.pk == node.parent_id)
            owner[office.pk] = node.pk
        for child in sorted(scope.children, key=lambda o: o.division_code):
            members = [groups[o] for o, c in owner.items() if c == child.pk and o in groups]
            rows.append({"name": child.name, "url": links.dashboard(office=child.pk), "key": child.pk,
                         **selectors.rows_summed(members)})
        own = groups.get(scope.office.pk)
        if own and (own["schools"] or own["visits"] or own["problems"] or own["tickets"]):
            rows.append({"name": _("本级直属"), "url": "", "key": scope.office.pk, **own})
        return rows
    zones = scope.zones if scope.zones is not None else list(
        Zone.objects.filter(office__in=scope.office_ids).only("pk", "name").order_by("name")
    )
    rows = [
        {"name": z.name, "url": links.zone(z.pk), "key": z.pk, **groups.get(z.pk, selectors.EMPTY_ROW)}
        for z in zones
    ]
    if None in groups:
        rows.append({"name": _("未划入责任区"), "url": "", "key": None, **groups[None]})
    return rows


def kpis(figures: dict, links: Links) -> list[dict]:
    tickets, problems, coverage = figures["tickets"], figures["problems"], figures["coverage"]
    escalations = figures["escalations"]
    kpis = [
        {"key": "coverage", "label": _("覆盖率"), "value": _pct(coverage["rate"]),
         "note": _("已督导 %(v)d/%(t)d 校次") % {"v": coverage["visited"], "t": coverage["school_months"]},
         "url": links.coverage(coverage["months"][-1]) if coverage["months"] else ""},
        {"key": "visits", "label": _("入校督导"), "value": figures["person_visits"], "unit": _("人次"),
         "note": _("%(n)d 次督导") % {"n": figures["visits"]}, "url": ""},
        {"key": "problems", "label": _("发现问题"), "value": problems["total"], "unit": _("个"),
         "note": _("严重 %(n)d 个") % {"n": next(s["count"] for s in problems["by_severity"] if s["severity"] == "severe")},
         "url": links.ledger_in_period()},
        {"key": "rectification", "label": _("整改率"), "value": _pct(tickets["rectification_rate"]),
         "note": _("已销号 %(c)d/%(t)d") % {"c": tickets["closed"], "t": tickets["tickets"]},
         "url": links.ledger_in_period(status="closed")},
        {"key": "on_time", "label": str(rectification.LABELS["on_time_rate"]), "value": _pct(tickets["on_time_rate"]),
         "note": _("按期销号 %(n)d/%(d)d 个") % {"n": tickets["on_time"], "d": tickets["decided"]}, "url": ""},
        {"key": "overdue", "label": str(rectification.LABELS["overdue_open"]), "value": tickets["overdue"],
         "unit": _("个"), "note": _("截至今日"), "url": links.ledger(overdue="true"), "danger": tickets["overdue"] > 0},
        {"key": "escalations", "label": _("升级督办"), "value": sum(lv["proposed"] for lv in escalations), "unit": _("次"),
         "note": _("已确认 %(n)d 次") % {"n": sum(lv["confirmed"] for lv in escalations)}, "url": links.escalations()},
    ]
    reports = figures.get("monthly_reports")
    if reports is not None:
        kpis.append({"key": "monthly_reports", "label": _("月报按时报送"), "value": _pct(reports["on_time_rate"]),
                     "note": _("按时 %(o)d/应报 %(e)d 份") % {"o": reports["on_time"], "e": reports["expected"]},
                     "url": _monthly_reports_url()})
    return kpis


_pct = rectification.rate_text


def chart_list(figures: dict, links: Links, rows: list[dict], *, by_office: bool) -> list[dict]:
    def month_url(t):
        return links.dashboard(year=t["year"], month=t["month"])

    charts_ = [
        {"id": "chart-coverage", "title": _("每月覆盖率"), "option": charts.coverage_chart(figures["coverage"]["months"], links.coverage)},
        {"id": "chart-trend", "title": _("近12个月趋势"), "option": charts.trend_chart(figures["trend"], month_url)},
        {"id": "chart-items", "title": _("问题分布(按督导事项)"),
         "option": charts.items_chart(figures["problems"]["by_item"], lambda i: links.ledger_in_period(item=i["code"]))},
        {"id": "chart-severity", "title": _("问题分布(按严重程度)"),
         "option": charts.severity_chart(figures["problems"]["by_severity"], lambda s: links.ledger_in_period(severity=s["severity"]))},
        {"id": "chart-groups", "title": _("各督导室对比") if by_office else _("责任区对比"), "option": charts.groups_chart(rows)},
        {"id": "chart-escalations", "title": _("升级督办(按级别)"), "option": charts.escalations_chart(figures["escalations"], links.escalations())},
    ]
    for chart in charts_:
        chart["option_id"] = f"{chart['id']}-option"
    return charts_


def period_label(period: selectors.Period) -> str:
    if period.month:
        return _("%(y)d年%(m)d月") % {"y": period.year, "m": period.month}
    if period.end < dt.date(period.year, 12, 31):
        return _("%(y)d年(截至%(m)d月%(d)d日)") % {"y": period.year, "m": period.end.month, "d": period.end.day}
    return _("%(y)d年") % {"y": period.year}


def _monthly_reports_url() -> str:
    """The monthly reports' status page, once the monthly-report app has one."""
    from django.urls import NoReverseMatch

    try:
        return reverse("monthly_reports:status")
    except NoReverseMatch:
        return ""


def school_rows(figures: dict, links: Links, zone) -> list[dict]:
    """A zone's schools (those in it today and those counted for it before moving away), most overdue
    first, then the least covered (one query for the names)."""
    from schools.models import School

    keys = [k for k in figures["groups"] if k]
    names = dict(School.objects.filter(pk__in=keys).values_list("pk", "name"))
    rows = [{"name": names.get(k, ""), "url": links.school(k, zone.pk), "key": k, **figures["groups"][k]} for k in keys]
    return sorted(rows, key=lambda r: (-r["overdue"], r["coverage_rate"] if r["coverage_rate"] is not None else 101, r["name"]))
