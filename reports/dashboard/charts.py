"""ECharts options of the dashboard, built from the figures (static/js/charts.js draws them as SVG).
Each data item may carry a ``url``: a click on it drills down (zone → school → ticket)."""
from __future__ import annotations

from django.utils.translation import gettext as _

BLUE, GREEN, ORANGE, RED, GREY, PURPLE = "#0d6efd", "#198754", "#fd7e14", "#dc3545", "#adb5bd", "#6f42c1"
SEVERITY_COLOURS = {"minor": "#ffc107", "major": ORANGE, "severe": RED}
ESCALATION_COLOURS = {"confirmed": RED, "pending": ORANGE, "dismissed": GREY}


def _base(**extra) -> dict:
    return {
        "animation": False,
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "confine": True},
        **extra,
    }


def month_label(year: int, month: int, *, with_year: bool = False) -> str:
    return _("%(y)d年%(m)d月") % {"y": year, "m": month} if with_year else _("%(m)d月") % {"m": month}


def coverage_chart(months: list[dict], url_of) -> dict:
    """每月覆盖率: schools visited / active schools, one bar a month (→ that month's coverage page).
    On a phone a year's bar labels would overlap: the tooltip shows them instead."""
    return {"baseOption": _coverage_base(months, url_of),
            "media": [{"query": {"maxWidth": 520}, "option": {"series": [{"label": {"show": len(months) <= 6}}]}}]}


def _coverage_base(months: list[dict], url_of) -> dict:
    return _base(
        xAxis={"type": "category", "data": [month_label(m["year"], m["month"]) for m in months]},
        yAxis={"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        series=[{
            "name": _("覆盖率"), "type": "bar", "itemStyle": {"color": GREEN}, "barMaxWidth": 36,
            "label": {"show": True, "position": "top", "formatter": "{c}%", "fontSize": 11},
            "data": [{"value": m["rate"] or 0, "url": url_of(m)} for m in months],
        }],
    )


def trend_chart(trend: list[dict], url_of) -> dict:
    """Twelve months: 人次, problems found and tickets closed (→ the dashboard of that month)."""
    crosses = trend[0]["year"] != trend[-1]["year"]
    labels = [month_label(t["year"], t["month"], with_year=crosses and t["month"] in (1, trend[0]["month"])) for t in trend]
    series = [
        (_("入校督导人次"), "person_visits", BLUE, "bar"),
        (_("发现问题"), "problems", ORANGE, "line"),
        (_("整改销号"), "closed", GREEN, "line"),
    ]
    return _base(
        legend={"top": 0},
        xAxis={"type": "category", "data": labels},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            {"name": name, "type": kind, "itemStyle": {"color": colour}, "barMaxWidth": 28, "symbolSize": 7,
             "data": [{"value": t[key], "url": url_of(t)} for t in trend]}
            for name, key, colour, kind in series
        ],
    )


def items_chart(by_item: list[dict], url_of) -> dict:
    """Problems by checklist item, most first (→ the ledger filtered on that item)."""
    items = list(reversed(by_item[:12]))
    return _base(
        grid={"left": 8, "right": 36, "top": 8, "bottom": 8, "containLabel": True},
        tooltip={"trigger": "item", "confine": True},
        xAxis={"type": "value", "minInterval": 1},
        yAxis={"type": "category", "data": [_short(i["title"] or i["code"]) for i in items],
               "axisLabel": {"width": 150, "overflow": "truncate"}},
        series=[{
            "name": _("问题数"), "type": "bar", "itemStyle": {"color": ORANGE}, "barMaxWidth": 22,
            "label": {"show": True, "position": "right"},
            "data": [{"value": i["count"], "url": url_of(i), "name": f"{i['code']} {i['title']}"} for i in items],
        }],
    )


def severity_chart(by_severity: list[dict], url_of) -> dict:
    """Problems by severity (→ the ledger filtered on it)."""
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True, "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0},
        "series": [{
            "type": "pie", "radius": ["38%", "66%"], "center": ["50%", "45%"],
            "label": {"formatter": "{b} {c}"},
            "data": [
                {"name": s["label"], "value": s["count"], "url": url_of(s),
                 "itemStyle": {"color": SEVERITY_COLOURS.get(s["severity"], GREY)}}
                for s in by_severity
                if s["count"]
            ],
        }],
    }


def groups_chart(rows: list[dict]) -> dict:
    """Zones (or offices) side by side: 人次, problems and overdue tickets (→ that zone's page)."""
    series = [
        (_("入校督导人次"), "person_visits", BLUE),
        (_("发现问题"), "problems", ORANGE),
        (_("逾期未整改"), "overdue", RED),
    ]
    many = len(rows) > 12  # a county of 50 zones: show 12 at a time, with a slider to scroll
    return _base(
        legend={"top": 0},
        **({"dataZoom": [{"type": "inside", "startValue": 0, "endValue": 11},
                         {"type": "slider", "height": 14, "bottom": 2, "startValue": 0, "endValue": 11}],
            "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True}} if many else {}),
        xAxis={"type": "category", "data": [_short(r["name"]) for r in rows],
               "axisLabel": {"interval": 0, "rotate": 30 if len(rows) > 4 else 0, "width": 90, "overflow": "truncate"}},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            {"name": name, "type": "bar", "itemStyle": {"color": colour}, "barMaxWidth": 22,
             "data": [{"value": r[key], "url": r.get("url", "")} for r in rows]}
            for name, key, colour in series
        ],
    )


def escalations_chart(levels: list[dict], url: str) -> dict:
    """Escalations proposed in the period by rung: confirmed, awaiting the director, dismissed."""
    from inspections.models.choices import EscalationStatus

    return _base(
        legend={"top": 0},
        xAxis={"type": "category", "data": [lv["label"] for lv in levels]},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            {"name": str(label), "type": "bar", "stack": "all", "itemStyle": {"color": ESCALATION_COLOURS[key]},
             "barMaxWidth": 36, "data": [{"value": lv[key], "url": url} for lv in levels]}
            for key, label in (("pending", EscalationStatus.PROPOSED.label), ("confirmed", EscalationStatus.CONFIRMED.label),
                               ("dismissed", EscalationStatus.DISMISSED.label))
        ],
    )


def _short(name: str) -> str:
    return name.replace("人民政府教育督导室", "")
