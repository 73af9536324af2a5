"""Reads of the director's dashboard (督导数据看板): every figure is aggregated in the database, grouped
by month, zone, office or school, so a page costs the same number of queries whatever the data size.

Counting rules (inspections.selectors):
- visits: routine visits (经常性督导) with a submitted checklist; a joint visit is one visit and one
  人次 per supervisor present;
- a visit and a problem count for the zone of the day (Visit.zone, Problem.zone), so a school moved
  to another zone mid-year leaves its earlier visits and problems with the zone that made them;
- coverage of a month: active schools with a counted visit / active schools. A zone's schools that
  month are its schools today plus any school visited for it that month which has since left it;
  the coverage of a period is the average of its months (school-months visited / school-months);
- problems: every problem found in the period (all sources feed the same tickets);
- rectification rate: tickets of those problems closed (销号) by today / all of them; on-time rate:
  those closed on or before their deadline / those closed; overdue: tickets open past their deadline
  today, whenever found.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.utils import timezone

from inspections.choices import EscalationLevel, EscalationStatus, Severity, TicketStatus
from inspections.models import Escalation, Problem, Ticket, Visit
from inspections.selectors import REPORT_DAY, counted_visits
from schools.models import School
from supervision import clock
from supervision.models import Office, Zone

TREND_MONTHS = 12

# The field a grouping reads on each model: visits and problems by the zone of the day, tickets by their
# problem's zone, schools by their zone today.
GROUPS = {
    "zone": {"visit": "zone", "problem": "zone", "ticket": "problem__zone", "school": "zone"},
    "office": {"visit": "office", "problem": "office", "ticket": "office", "school": "office"},
    "school": {"visit": "school", "problem": "school", "ticket": "school", "school": "pk"},
}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def month_add(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


@dataclass
class Period:
    """A year, or one month of it; this year (or this month) runs to today."""

    year: int
    month: int | None
    today: dt.date

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        month = self.month or 12
        last = dt.date(self.year, month, calendar.monthrange(self.year, month)[1])
        return min(last, self.today)

    @property
    def months(self) -> list[tuple[int, int]]:
        """The months of the period up to today's."""
        if self.month:
            return [(self.year, self.month)]
        return [(self.year, m) for m in range(1, self.end.month + 1)]

    @property
    def trend_months(self) -> list[tuple[int, int]]:
        """The twelve months ending with the period's last month."""
        last = (self.end.year, self.end.month)
        return [month_add(*last, -k) for k in range(TREND_MONTHS - 1, -1, -1)]

    def params(self) -> dict:
        return {"year": self.year, **({"month": self.month} if self.month else {})}


@dataclass
class Scope:
    """What a dashboard counts: the data of ``offices`` (a county, or every county below a higher
    office), optionally only ``zones`` (a supervisor's zones, or one zone when drilling down)."""

    office: Office | None  # the office the dashboard is about (None: a supervisor's zones)
    offices: list[Office]  # that office and every office below it
    zones: list[Zone] | None = None
    children: list[Office] = field(default_factory=list)  # offices right below ``office``: the roll-up rows
    school: School | None = None  # one school (its drill page)
    choices: list[Office] = field(default_factory=list)  # every office the user may pick

    @property
    def office_ids(self) -> list[int]:
        return [o.pk for o in self.offices]

    @property
    def zone_ids(self) -> list[int] | None:
        return None if self.zones is None else [z.pk for z in self.zones]

    @property
    def is_rollup(self) -> bool:
        return bool(self.children)

    def q(self, model: str) -> Q:
        """The scope as a filter of visits, problems, tickets, schools or escalations."""
        prefix = {"visit": "", "problem": "", "ticket": "", "school": "", "escalation": "ticket__"}[model]
        zone_field = {"visit": "zone", "problem": "zone", "ticket": "problem__zone", "school": "zone",
                      "escalation": "ticket__problem__zone"}[model]
        q = Q(**{f"{prefix}office__in": self.office_ids})
        if self.zones is not None:
            q &= Q(**{f"{zone_field}__in": self.zone_ids})
        if self.school is not None:
            q &= Q(**{"pk" if model == "school" else f"{prefix}school": self.school.pk})
        return q


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _month_range(months: list[tuple[int, int]]) -> tuple[dt.date, dt.date]:
    (y0, m0), (y1, m1) = months[0], months[-1]
    return dt.date(y0, m0, 1), dt.date(y1, m1, calendar.monthrange(y1, m1)[1])


def _in_month(field: str, year: int, month: int, *, aware: bool = False) -> Q:
    start, end = _month_range([(year, month)])
    if aware:  # a timestamp: the month in local time
        return Q(**{f"{field}__gte": _aware(start), f"{field}__lt": _aware(end + dt.timedelta(days=1))})
    return Q(**{f"{field}__range": (start, end)})


def _per_month(months, field: str, measures: dict, *, aware: bool = False) -> dict:
    """Conditional aggregates, one column per month and measure (``name_i``): grouping by month with
    plain date ranges, which every database compares natively (SQLite's month truncation is a Python
    function called on every row)."""
    return {
        f"{name}_{i}": make(_in_month(field, y, m, aware=aware))
        for i, (y, m) in enumerate(months)
        for name, make in measures.items()
    }


def _unpack(row: dict, months, names) -> dict:
    """The columns of ``_per_month`` back as {(year, month): {name: value}}."""
    return {ym: {name: row[f"{name}_{i}"] or 0 for name in names} for i, ym in enumerate(months)}


def _school_measures(left: Q) -> dict:
    """Active schools visited in a month, and those of them no longer in the group (their
    denominator)."""
    active = Q(school__is_active=True)
    return {
        "schools": lambda q: Count("school", distinct=True, filter=q & active),
        "left": lambda q: Count("school", distinct=True, filter=q & active & left),
    }


def dashboard_figures(*, scope: Scope, period: Period, today: dt.date, group: str = "zone") -> dict:
    """Every figure of the dashboard for ``scope`` and ``period``, with one row per group (zone,
    child office or school). A constant number of queries (10, or 12 with monthly reports)."""
    fields = GROUPS[group]
    start, end = period.start, period.end
    trend = period.trend_months
    trend_start, trend_end = _month_range(trend)

    # 1. Active schools today, by group.
    schools_by_group = {
        row["key"]: row["n"]
        for row in School.objects.filter(scope.q("school"), is_active=True)
        .values(key=F(fields["school"])).annotate(n=Count("pk")).order_by()
    }
    schools_total = sum(schools_by_group.values())

    # 2. Active schools visited each month of the period, in all (as the coverage page counts them).
    visits = counted_visits().filter(scope.q("visit"))
    still_in_scope = Q(school__office__in=scope.office_ids)
    if scope.zones is not None:
        still_in_scope &= Q(school__zone__in=scope.zone_ids)
    if scope.school is not None:
        still_in_scope = Q(pk__isnull=False)
    schools_visited = _school_measures(~still_in_scope)
    by_month = _unpack(
        visits.filter(date__range=(start, end)).aggregate(**_per_month(period.months, "date", schools_visited)),
        period.months, schools_visited,
    )
    # 3. By group: visits of each trend month, and the schools visited each month of the period. No
    # join to the supervisors here: each visit is one row, so nothing needs DISTINCT but the schools.
    key = fields["visit"]
    if group == "school":
        left_group = Q(pk__isnull=True)  # a school is always its own group
    else:
        left_group = ~Q(**{f"school__{fields['school']}": F(key)}) | Q(**{f"school__{fields['school']}__isnull": True})
    count = {"n": lambda q: Count("pk", filter=q)}
    schools_visited = _school_measures(left_group)
    group_rows = list(
        visits.filter(date__range=(trend_start, trend_end)).values(key)
        .annotate(**_per_month(trend, "date", count), **_per_month(period.months, "date", schools_visited))
        .order_by()
    )
    # 4. 人次 by group and trend month: one row per supervisor present at a visit.
    present = Visit.supervisors.through.objects.filter(visit__in=visits.filter(date__range=(trend_start, trend_end)).values("pk"))
    person_rows = {
        row["key"]: _unpack(row, trend, count)
        for row in present.values(key=F(f"visit__{key}")).annotate(**_per_month(trend, "visit__date", count)).order_by()
    }
    trend_visits = {ym: {"visits": 0, "person_visits": 0} for ym in trend}
    by_group_month: dict = {}
    for row in group_rows:
        counts, schools = _unpack(row, trend, count), _unpack(row, period.months, schools_visited)
        persons = person_rows.get(row[key], {})
        for ym in trend:
            trend_visits[ym]["visits"] += counts[ym]["n"]
            trend_visits[ym]["person_visits"] += persons.get(ym, {"n": 0})["n"]
        by_group_month[row[key]] = {
            ym: {**schools[ym], "visits": counts[ym]["n"], "person_visits": persons.get(ym, {"n": 0})["n"]}
            for ym in period.months
        }

    # 4. Problems of the period by group and severity; 5. by checklist item; 6. trend by month.
    problems = Problem.objects.filter(scope.q("problem"))
    found = problems.filter(found_on__range=(start, end))
    problem_rows = list(found.values(fields["problem"], "severity").annotate(n=Count("pk")).order_by())
    by_item = list(
        found.values("item_code").annotate(n=Count("pk"), title=Max("item_title")).order_by("-n", "item_code")
    )
    problems_by_month = _unpack(
        problems.filter(found_on__range=(trend_start, trend_end)).aggregate(**_per_month(trend, "found_on", count)),
        trend, count,
    )

    # 7. Tickets: those of the period's problems (closed / on time) and every one overdue today.
    in_period = Q(opened_on__range=(start, end))
    closed = Q(status=TicketStatus.CLOSED)
    overdue = ~closed & Q(deadline__lt=today)
    ticket_key = fields["ticket"]
    ticket_rows = {
        row["key"]: row
        for row in Ticket.objects.filter(scope.q("ticket"))
        .filter(in_period | overdue)
        .values(key=F(ticket_key))
        .annotate(
            tickets=Count("pk", filter=in_period),
            closed=Count("pk", filter=in_period & closed),
            on_time=Count("pk", filter=in_period & closed & Q(closed_at__date__lte=F("deadline"))),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    }
    # 8. Tickets closed (销号) each trend month.
    closed_by_month = _unpack(
        Ticket.objects.filter(scope.q("ticket"), closed)
        .filter(closed_at__gte=_aware(trend_start), closed_at__lt=_aware(trend_end + dt.timedelta(days=1)))
        .aggregate(**_per_month(trend, "closed_at", count, aware=True)),
        trend, count,
    )
    # 9. Escalations proposed in the period, by level and status.
    escalations = {
        (row["level"], row["status"]): row["n"]
        for row in Escalation.objects.filter(scope.q("escalation"))
        .filter(proposed_at__gte=_aware(start), proposed_at__lt=_aware(end + dt.timedelta(days=1)))
        .values("level", "status").annotate(n=Count("pk")).order_by()
    }

    # Assembled in Python from those few rows.
    months = []
    for y, m in period.months:
        row = by_month[(y, m)]
        visited, total = row["schools"], schools_total + row["left"]
        months.append({"year": y, "month": m, "visited": visited, "schools": total, "rate": _rate(visited, total),
                       **trend_visits[(y, m)]})
    groups = _group_rows(
        period=period, schools_by_group=schools_by_group, by_group_month=by_group_month,
        problem_rows=problem_rows, problem_key=fields["problem"], ticket_rows=ticket_rows,
    )
    tickets = {k: sum(r[k] for r in ticket_rows.values()) for k in ("tickets", "closed", "on_time", "overdue")}
    severity = {s: 0 for s in Severity.values}
    for row in problem_rows:
        severity[row["severity"]] += row["n"]
    period_rows = [trend_visits[ym] for ym in period.months]
    visited_sum, schools_sum = sum(m["visited"] for m in months), sum(m["schools"] for m in months)
    figures = {
        "period": {"year": period.year, "month": period.month, "start": start.isoformat(), "end": end.isoformat()},
        "schools": schools_total,
        "coverage": {"visited": visited_sum, "school_months": schools_sum, "rate": _rate(visited_sum, schools_sum),
                     "months": months},
        "visits": sum(r["visits"] for r in period_rows),
        "person_visits": sum(r["person_visits"] for r in period_rows),
        "problems": {
            "total": sum(severity.values()),
            "by_severity": [{"severity": s, "label": str(Severity(s).label), "count": severity[s]} for s in Severity.values],
            "by_item": [{"code": r["item_code"], "title": r["title"], "count": r["n"]} for r in by_item],
        },
        "tickets": {**tickets, "rectification_rate": _rate(tickets["closed"], tickets["tickets"]),
                    "on_time_rate": _rate(tickets["on_time"], tickets["closed"])},
        "escalations": [
            {
                "level": level.value, "label": str(level.label),
                # Every proposal of the period (提请), and where each stands: awaiting the director, confirmed, dismissed.
                "proposed": sum(n for (lv, _s), n in escalations.items() if lv == level.value),
                "pending": escalations.get((level.value, EscalationStatus.PROPOSED), 0),
                "confirmed": escalations.get((level.value, EscalationStatus.CONFIRMED), 0),
                "dismissed": escalations.get((level.value, EscalationStatus.DISMISSED), 0),
            }
            for level in EscalationLevel
        ],
        "trend": [
            {"year": y, "month": m, **trend_visits[(y, m)],
             "problems": problems_by_month[(y, m)]["n"], "closed": closed_by_month[(y, m)]["n"]}
            for y, m in trend
        ],
        "groups": groups,
        "monthly_reports": monthly_reports_figures(scope=scope, period=period, today=today),
    }
    return figures


def _group_rows(*, period, schools_by_group, by_group_month, problem_rows, problem_key, ticket_rows) -> dict:
    """One row of figures per group key (zone, office or school id; None for schools outside a zone)."""
    keys = set(schools_by_group) | set(by_group_month) | {r[problem_key] for r in problem_rows} | set(ticket_rows)
    rows = {}
    for key in keys:
        schools = schools_by_group.get(key, 0)
        tally = by_group_month.get(key, {})
        visited = sum(t["schools"] for t in tally.values())
        school_months = schools * len(period.months) + sum(t["left"] for t in tally.values())
        tickets = ticket_rows.get(key, {})
        rows[key] = {
            "schools": schools,
            "visited": visited,
            "school_months": school_months,
            "coverage_rate": _rate(visited, school_months),
            "visits": sum(t["visits"] for t in tally.values()),
            "person_visits": sum(t["person_visits"] for t in tally.values()),
            "problems": sum(r["n"] for r in problem_rows if r[problem_key] == key),
            "tickets": tickets.get("tickets", 0),
            "closed": tickets.get("closed", 0),
            "on_time": tickets.get("on_time", 0),
            "overdue": tickets.get("overdue", 0),
        }
        rows[key]["rectification_rate"] = _rate(rows[key]["closed"], rows[key]["tickets"])
    return rows


def rows_summed(rows: list[dict]) -> dict:
    """Several groups' rows as one (the offices of a child office in a roll-up)."""
    names = ("schools", "visited", "school_months", "visits", "person_visits", "problems", "tickets", "closed",
             "on_time", "overdue")
    total = {n: sum(r[n] for r in rows) for n in names}
    total["coverage_rate"] = _rate(total["visited"], total["school_months"])
    total["rectification_rate"] = _rate(total["closed"], total["tickets"])
    return total


EMPTY_ROW = rows_summed([])


# --- Monthly reports (《责任督学挂牌督导问题管理月报表》, reports.monthly) ------------------------------


def _zone_monthly_report_model():
    """The zones' monthly report model, once the monthly-report app has it (built alongside)."""
    try:
        from reports.monthly.models import ZoneMonthlyReport
    except ImportError:
        return None
    return ZoneMonthlyReport


def monthly_reports_figures(*, scope: Scope, period: Period, today: dt.date) -> dict | None:
    """Zone monthly reports (due by the 27th, seed 003) of the period: how many were due so far (zones ×
    months whose 27th has passed), filed, and filed by the due date (2 queries)."""
    model = _zone_monthly_report_model()
    if model is None or scope.school is not None:
        return None
    zones = Zone.objects.filter(office__in=scope.office_ids)
    reports = model.objects.filter(office__in=scope.office_ids, status="filed")
    if scope.zones is not None:
        zones, reports = zones.filter(pk__in=scope.zone_ids), reports.filter(zone__in=scope.zone_ids)
    in_period = Q()
    for year, month in period.months:
        in_period |= Q(year=year, month=month)
    due_months = [(y, m) for y, m in period.months if dt.date(y, m, REPORT_DAY) < today]
    # One report a zone and month counts, whatever its versions (on time if any version was).
    filed: dict[tuple, bool] = {}
    for r in reports.filter(in_period).values("zone_id", "year", "month", "filed_at", "due_date").order_by():
        on_time = r["filed_at"] is not None and clock.date_of(r["filed_at"]) <= r["due_date"]
        key = (r["zone_id"], r["year"], r["month"])
        filed[key] = filed.get(key, False) or on_time
    expected = zones.count() * len(due_months)
    on_time = sum(filed.values())
    return {"expected": expected, "filed": len(filed), "on_time": on_time, "on_time_rate": _rate(on_time, expected)}


# --- Scope: which data a user's dashboard counts -------------------------------------------------

LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def _parse_id(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _subtree(office: Office, offices: list[Office]) -> list[Office]:
    below = {office.pk}
    for _level in range(2):  # offices nest at most province > city > county
        below |= {o.pk for o in offices if o.parent_id in below}
    return [o for o in offices if o.pk in below]


def office_choices(user) -> list[Office]:
    """Every office whose dashboard the user reads, higher offices first (one query)."""
    from supervision import access

    offices = list(access.dashboard_offices_of(user).only("pk", "name", "level", "parent_id", "division_code"))
    return sorted(offices, key=lambda o: (LEVEL_ORDER.get(o.level, 9), o.division_code))


def dashboard_scope(*, user, office=None) -> Scope:
    """The dashboard a user asked for: an office role reads any office it oversees (by default the
    highest), a supervisor their zones; anything else, and an office outside that, answers 404."""
    from supervision import access

    office_id = _parse_id(office)
    offices = office_choices(user)
    if offices:
        if office_id is None:
            chosen = offices[0]
        else:
            chosen = next((o for o in offices if o.pk == office_id), None)
            if chosen is None:
                raise Http404
        subtree = _subtree(chosen, offices)
        children = [o for o in subtree if o.parent_id == chosen.pk]
        return Scope(office=chosen, offices=subtree, children=children, choices=offices)
    zones = list(access.dashboard_zones_of(user).select_related("office").order_by("name"))
    if not zones or office_id is not None and office_id not in {z.office_id for z in zones}:
        raise Http404
    own = {z.office_id: z.office for z in zones}
    return Scope(office=None, offices=list(own.values()), zones=zones)


def zone_scope(*, user, zone) -> Scope:
    """One zone's drill page: a zone of an office the user oversees, or one of a supervisor's zones."""
    from supervision import access

    zone_id = _parse_id(zone)
    overseen = access.dashboard_offices_of(user).values("pk")
    mine = access.dashboard_zones_of(user).values("pk")
    found = Zone.objects.filter(Q(office__in=overseen) | Q(pk__in=mine), pk=zone_id).select_related("office").first()
    if found is None:
        raise Http404
    return Scope(office=found.office, offices=[found.office], zones=[found])


def school_scope(*, user, school, zone=None) -> Scope:
    """One school's drill page, optionally only what was counted for one zone (a school that moved
    keeps its earlier visits with its former zone): a school the user follows."""
    from supervision import access

    school_id = _parse_id(school)
    found = access.schools_in_coverage_of(user).filter(pk=school_id).select_related("office", "zone").first()
    if found is None:
        raise Http404
    zones = None
    if zone not in (None, ""):
        zones = [zone_scope(user=user, zone=zone).zones[0]]
    elif not access.dashboard_offices_of(user).filter(pk=found.office_id).exists():
        # A supervisor counts only what was done in their zones.
        zones = list(access.dashboard_zones_of(user))
    return Scope(office=found.office, offices=[found.office], zones=zones, school=found)


def school_activity(*, scope: Scope, period: Period, today: dt.date) -> dict:
    """The visits of the period and the tickets (of problems found in the period, or overdue today)
    of one school, for its drill page (3 queries)."""
    from django.db.models import Prefetch

    from supervision.models import Supervisor

    visits = list(
        counted_visits().filter(scope.q("visit"), date__range=(period.start, period.end))
        .select_related("zone")
        .prefetch_related(Prefetch("supervisors", queryset=Supervisor.objects.only("pk", "name").order_by("name")))
        .order_by("-date")
    )
    overdue = ~Q(status=TicketStatus.CLOSED) & Q(deadline__lt=today)
    tickets = list(
        Ticket.objects.filter(scope.q("ticket"))
        .filter(Q(opened_on__range=(period.start, period.end)) | overdue)
        .select_related("problem")
        .order_by("-opened_on", "-pk")
    )
    for ticket in tickets:
        ticket.is_overdue = ticket.status != TicketStatus.CLOSED and ticket.deadline < today
        ticket.in_period = period.start <= ticket.opened_on <= period.end
    return {"visits": visits, "tickets": tickets}
