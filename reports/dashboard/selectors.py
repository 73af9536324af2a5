"""Reads of the director's dashboard (督导数据看板): every figure is aggregated in the database, grouped
by month, zone, office or school, so a page costs the same number of queries whatever the data size.

Counting rules (inspections.visits.selectors, inspections.tickets.rules — each figure defined once):
- visits: routine visits (经常性督导) with a submitted checklist; a joint visit is one visit and one
  人次 per supervisor present; a visit and a problem count for the zone of their day (Visit.zone,
  Problem.zone), so a school moved mid-year leaves its earlier visits and problems with the zone
  that made them; drafts and reopened checklists count nowhere;
- coverage of a month: of the schools in the roster (of the office, the zone) on the day the month is
  counted as at — its last day, or today while it runs — those with a counted visit that month; each
  school-month counts for the zone the school was in that day (a school added in autumn is not in
  March's figures, a school moved in June counts for its old zone until May); the coverage of a
  period is school-months visited / school-months;
- problems: every problem found in the period that counts (all sources feed the same tickets);
- rectification, as at today: 整改率 = tickets of those problems closed (已销号) / all of them;
  按期整改率 = closed by their deadline / those closed or open past their deadline; 逾期未整改 =
  tickets open past their deadline today, whenever found. A rate without a denominator is None (「—」).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.http import Http404

from supervision import calendar
from inspections.tickets import rules as rectification
from inspections.models.choices import EscalationLevel, EscalationStatus, Severity
from inspections.models import Escalation, Problem, Ticket, Visit
from inspections.visits.selectors import counted_q, counted_visits
from schools.models import School
from schools.selectors import members_on, periods_between
from supervision import clock
from supervision.models import Office, Zone

TREND_MONTHS = 12

# The field a grouping reads on each model: visits and problems by the zone of the day, tickets by their
# problem's zone, schools by the zone of their membership.
GROUPS = {
    "zone": {"visit": "zone", "problem": "zone", "ticket": "problem__zone", "membership": "zone_id"},
    "office": {"visit": "office", "problem": "office", "ticket": "office", "membership": "office_id"},
    "school": {"visit": "school", "problem": "school", "ticket": "school", "membership": "school_id"},
}


_rate = rectification.rate


def month_add(year: int, month: int, by: int) -> tuple[int, int]:
    return calendar.month_add(year, month, by)


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
        return calendar.as_at(self.year, self.month or 12, self.today)

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
        """The scope as a filter of visits, problems, tickets or escalations (their office and the zone
        of their day)."""
        prefix = {"visit": "", "problem": "", "ticket": "", "escalation": "ticket__"}[model]
        zone_field = {"visit": "zone", "problem": "zone", "ticket": "problem__zone",
                      "escalation": "ticket__problem__zone"}[model]
        q = Q(**{f"{prefix}office__in": self.office_ids})
        if self.zones is not None:
            q &= Q(**{f"{zone_field}__in": self.zone_ids})
        if self.school is not None:
            q &= Q(**{f"{prefix}school": self.school.pk})
        return q

    def periods(self, start: dt.date, end: dt.date):
        """The membership periods of the schools in scope sharing a day with ``[start, end]`` (1 query)."""
        return periods_between(
            start, end, offices=self.office_ids, zones=self.zone_ids,
            schools=[self.school.pk] if self.school is not None else None,
        )


def _month_range(months: list[tuple[int, int]]) -> tuple[dt.date, dt.date]:
    (y0, m0), (y1, m1) = months[0], months[-1]
    return calendar.month_bounds(y0, m0)[0], calendar.month_bounds(y1, m1)[1]


def _in_month(field: str, year: int, month: int, *, aware: bool = False) -> Q:
    start, end = calendar.month_bounds(year, month)
    if aware:  # a timestamp: the month in local time
        return Q(**{f"{field}__gte": clock.start_of(start), f"{field}__lt": clock.start_of(end + dt.timedelta(days=1))})
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


def coverage_by_group(*, scope: Scope, period: Period, today: dt.date, key: str) -> tuple[dict, dict, dict]:
    """全覆盖 of each month of the period: the schools in scope on the day it is counted as at, by the
    group of their membership that day, and how many of them had a counted visit that month (2 queries).
    Returns ({(y, m): {group: schools}}, {(y, m): {group: visited}}, {group: schools at the period's end})."""
    periods = scope.periods(period.start, period.end)
    months = period.months
    # One row per school with a count per month (not one row per visit day: a year's 10,000 visits).
    visited = {
        (row["school_id"], y, m)
        for row in counted_visits()
        .filter(school__in={p.school_id for p in periods}, date__range=(period.start, period.end))
        .values("school_id").order_by()
        .annotate(**_per_month(months, "date", {"v": lambda q: Count("pk", filter=q)}))
        for i, (y, m) in enumerate(months) if row[f"v_{i}"]
    } if periods else set()
    schools: dict = {}
    covered: dict = {}
    for y, m in period.months:
        day = calendar.as_at(y, m, today)
        totals, hits = schools.setdefault((y, m), {}), covered.setdefault((y, m), {})
        for school, membership in members_on(periods, day).items():
            group = getattr(membership, key)
            totals[group] = totals.get(group, 0) + 1
            if (school, y, m) in visited:
                hits[group] = hits.get(group, 0) + 1
    at_end: dict = {}
    for membership in members_on(periods, period.end).values():
        group = getattr(membership, key)
        at_end[group] = at_end.get(group, 0) + 1
    return schools, covered, at_end


def dashboard_figures(*, scope: Scope, period: Period, today: dt.date, group: str = "zone") -> dict:
    """Every figure of the dashboard for ``scope`` and ``period``, with one row per group (zone,
    child office or school). A constant number of queries (11, or 13 with monthly reports)."""
    fields = GROUPS[group]
    start, end = period.start, period.end
    trend = period.trend_months
    trend_start, trend_end = _month_range(trend)

    # 1–2. Coverage of each month, by the group of each school's membership of that day.
    school_months, visited_months, schools_by_group = coverage_by_group(
        scope=scope, period=period, today=today, key=fields["membership"]
    )
    schools_total = sum(schools_by_group.values())

    # 3. By group: visits of each trend month (made in the group: the zone of the day).
    visits = counted_visits().filter(scope.q("visit"))
    key = fields["visit"]
    count = {"n": lambda q: Count("pk", filter=q)}
    group_rows = list(
        visits.filter(date__range=(trend_start, trend_end)).values(key)
        .annotate(**_per_month(trend, "date", count))
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
        counts = _unpack(row, trend, count)
        persons = person_rows.get(row[key], {})
        for ym in trend:
            trend_visits[ym]["visits"] += counts[ym]["n"]
            trend_visits[ym]["person_visits"] += persons.get(ym, {"n": 0})["n"]
        by_group_month[row[key]] = {
            ym: {"visits": counts[ym]["n"], "person_visits": persons.get(ym, {"n": 0})["n"]} for ym in period.months
        }

    # 5. Problems of the period by group and severity; 6. by checklist item; 7. trend by month.
    problems = Problem.objects.filter(counted_q(), scope.q("problem"))
    found = problems.filter(found_on__range=(start, end))
    problem_rows = list(found.values(fields["problem"], "severity").annotate(n=Count("pk")).order_by())
    by_item = list(
        found.values("item_code").annotate(n=Count("pk"), title=Max("item_title")).order_by("-n", "item_code")
    )
    problems_by_month = _unpack(
        problems.filter(found_on__range=(trend_start, trend_end)).aggregate(**_per_month(trend, "found_on", count)),
        trend, count,
    )

    # 8. Tickets as at today: those of the period's problems (closed / on time) and every one overdue.
    tickets_in_scope = Ticket.objects.filter(counted_q("problem__"), scope.q("ticket"))
    in_period = Q(opened_on__range=(start, end))
    overdue = rectification.overdue_open(today)
    ticket_key = fields["ticket"]
    ticket_rows = {
        row["key"]: row
        for row in tickets_in_scope.filter(in_period | overdue)
        .values(key=F(ticket_key))
        .annotate(
            tickets=Count("pk", filter=in_period),
            closed=Count("pk", filter=in_period & rectification.closed_by(today)),
            on_time=Count("pk", filter=in_period & rectification.closed_on_time(today)),
            decided=Count("pk", filter=in_period & rectification.decided(today)),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    }
    # 9. Tickets closed (销号) each trend month, by the day they were closed.
    closed_by_month = _unpack(
        tickets_in_scope.filter(closed_on__range=(trend_start, trend_end))
        .aggregate(**_per_month(trend, "closed_on", count)),
        trend, count,
    )
    # 10. Escalations proposed in the period, by level and status.
    escalations = {
        (row["level"], row["status"]): row["n"]
        for row in Escalation.objects.filter(scope.q("escalation"))
        .filter(proposed_at__gte=clock.start_of(start), proposed_at__lt=clock.start_of(end + dt.timedelta(days=1)))
        .values("level", "status").annotate(n=Count("pk")).order_by()
    }

    # Assembled in Python from those few rows.
    months = []
    for y, m in period.months:
        visited, total = sum(visited_months[(y, m)].values()), sum(school_months[(y, m)].values())
        months.append({"year": y, "month": m, "visited": visited, "schools": total, "rate": _rate(visited, total),
                       **trend_visits[(y, m)]})
    groups = _group_rows(
        period=period, schools_by_group=schools_by_group, school_months=school_months,
        visited_months=visited_months, by_group_month=by_group_month, problem_rows=problem_rows,
        problem_key=fields["problem"], ticket_rows=ticket_rows,
    )
    names = ("tickets", "closed", "on_time", "decided", "overdue")
    tickets = {k: sum(r[k] for r in ticket_rows.values()) for k in names}
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
                    "on_time_rate": _rate(tickets["on_time"], tickets["decided"])},
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


def _group_rows(*, period, schools_by_group, school_months, visited_months, by_group_month, problem_rows,
                problem_key, ticket_rows) -> dict:
    """One row of figures per group key (zone, office or school id; None for schools outside a zone)."""
    keys = (
        set(schools_by_group) | {k for month in school_months.values() for k in month} | set(by_group_month)
        | {r[problem_key] for r in problem_rows} | set(ticket_rows)
    )
    rows = {}
    for key in keys:
        tally = by_group_month.get(key, {})
        tickets = ticket_rows.get(key, {})
        rows[key] = {
            "schools": schools_by_group.get(key, 0),
            "visited": sum(month.get(key, 0) for month in visited_months.values()),
            "school_months": sum(month.get(key, 0) for month in school_months.values()),
            "visits": sum(t["visits"] for t in tally.values()),
            "person_visits": sum(t["person_visits"] for t in tally.values()),
            "problems": sum(r["n"] for r in problem_rows if r[problem_key] == key),
            "tickets": tickets.get("tickets", 0),
            "closed": tickets.get("closed", 0),
            "on_time": tickets.get("on_time", 0),
            "decided": tickets.get("decided", 0),
            "overdue": tickets.get("overdue", 0),
        }
        rows[key]["coverage_rate"] = _rate(rows[key]["visited"], rows[key]["school_months"])
        rows[key]["rectification_rate"] = _rate(rows[key]["closed"], rows[key]["tickets"])
        rows[key]["on_time_rate"] = _rate(rows[key]["on_time"], rows[key]["decided"])
    return rows


def rows_summed(rows: list[dict]) -> dict:
    """Several groups' rows as one (the offices of a child office in a roll-up)."""
    names = ("schools", "visited", "school_months", "visits", "person_visits", "problems", "tickets", "closed",
             "on_time", "decided", "overdue")
    total = {n: sum(r[n] for r in rows) for n in names}
    total["coverage_rate"] = _rate(total["visited"], total["school_months"])
    total["rectification_rate"] = _rate(total["closed"], total["tickets"])
    total["on_time_rate"] = _rate(total["on_time"], total["decided"])
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
    """Zone monthly reports (due by the 27th, seed 003) of the period: how many were due so far — each
    zone that had schools on the day a month is counted as at, for each month whose 27th has passed —
    filed, and filed by the due date (the day it was filed, 报送日期) (2 queries)."""
    model = _zone_monthly_report_model()
    if model is None or scope.school is not None:
        return None
    reports = model.objects.filter(office__in=scope.office_ids, status="filed")
    zoned = periods_between(period.start, period.end, offices=scope.office_ids, zones=scope.zone_ids)
    if scope.zones is not None:
        reports = reports.filter(zone__in=scope.zone_ids)
    in_period = Q()
    for year, month in period.months:
        in_period |= Q(year=year, month=month)
    due_months = [(y, m) for y, m in period.months if calendar.due_date(y, m) < today]
    expected_keys = {
        (p.zone_id, y, m)
        for y, m in due_months
        for p in members_on(zoned, calendar.as_at(y, m, today)).values() if p.zone_id
    }
    # One report a zone and month counts, whatever its versions (on time if its first filing was).
    filed: dict[tuple, bool] = {}
    for r in reports.filter(in_period).values("zone_id", "year", "month", "filed_on", "due_date").order_by():
        on_time = r["filed_on"] is not None and r["filed_on"] <= r["due_date"]
        key = (r["zone_id"], r["year"], r["month"])
        filed[key] = filed.get(key, False) or on_time
    expected = len(expected_keys)
    on_time = sum(1 for k, v in filed.items() if v and k in expected_keys)
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
    found = access.schools_in_coverage_of(user).filter(pk=school_id).select_related("office").first()
    if found is None:
        raise Http404
    # The offices whose rosters the school was in that the user oversees (its keeper for a supervisor).
    offices = list(
        access.dashboard_offices_of(user).filter(school_memberships__school=found).distinct()
    ) or [found.office]
    zones = None
    if zone not in (None, ""):
        zones = [zone_scope(user=user, zone=zone).zones[0]]
    elif not access.dashboard_offices_of(user).filter(pk__in=[o.pk for o in offices]).exists():
        # A supervisor counts only what was done in their zones.
        zones = list(access.dashboard_zones_of(user))
    return Scope(office=found.office, offices=offices, zones=zones, school=found)


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
    overdue = rectification.overdue_open(today)
    tickets = list(
        Ticket.objects.filter(counted_q("problem__"), scope.q("ticket"))
        .filter(Q(opened_on__range=(period.start, period.end)) | overdue)
        .select_related("problem")
        .order_by("-opened_on", "-pk")
    )
    for ticket in tickets:
        ticket.is_overdue = rectification.is_overdue(ticket, today)
        ticket.in_period = period.start <= ticket.opened_on <= period.end
    return {"visits": visits, "tickets": tickets}
