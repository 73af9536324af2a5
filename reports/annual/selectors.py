"""Reads of the year-end summary: every figure it prints, from the year's data.

Counting rules (those of ``inspections.visits.selectors`` and ``inspections.tickets.rules``, over a year up to
a cut-off date ``until`` — the one cut-off rule: everything is counted by the day it happened, up to
and including ``until``, whenever it was entered):
- only routine visits (经常性督导) with a submitted checklist count; a joint visit is one school
  visit (校次) and one person-visit (人次) for each supervisor present — two supervisors at one
  school on one day are 2 人次 and 1 校次;
- a visit and its problems count for the zone the school was in that day (``Visit.zone``,
  ``Problem.zone``): a school moved mid-year counts for each zone for the visits made there;
- a zone's (or the office's) schools are those in its roster on some day of the period (their
  memberships): a school moved mid-year is in both zones' totals, one added in autumn or closed in
  spring in the office's;
- "problems found" (发现问题) are the problems of those visits; rectification (整改) covers the
  tickets of every counted problem found that year, whatever its source (routine and special
  inspections, evaluations, complaints all feed the same tickets);
- as at ``until``: 已销号 when closed on or before it (a ticket closed later is still open in a
  summary cut off before); 逾期未整改 when still open then past its deadline; 逾期整改 when closed by
  then after its deadline; 按期整改率 = closed by the deadline ÷ (closed + 逾期未整改);
- rectification reports (整改报告) are the reports submitted (提交日期) by ``until`` (each round counts);
  monthly summaries (月总结报告) those submitted by ``until``; a zone's are those of the supervisors
  assigned to it in the summary's month;
- escalations (督办、通报、约谈、问责) are the rungs the director confirmed during the period.

``annual_figures`` runs a constant number of queries whatever the data size (plus one call per
registered contributor for an office's summary).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from supervision import calendar
from inspections.tickets import rules as rectification
from inspections.models.choices import EscalationLevel, EscalationStatus, Severity
from inspections.models import Escalation, MonthlySummary, Problem, TicketReport, Visit
from inspections.visits.selectors import counted_q, counted_visits
from schools.models import SchoolMembership
from supervision import clock
from supervision.models import Office, Zone, ZoneAssignment

from .contributions import Contribution, contributions_for
from .models import AnnualSummary


def default_until(year: int, today: dt.date | None = None) -> dt.date:
    """The cut-off of a summary: today during the year, 31 December once it is over."""
    today = today or clock.today()
    return min(today, dt.date(year, 12, 31))


percent = rectification.rate


@dataclass
class ZoneRow:
    """One zone's line in the office summary's table (the visits and problems made in that zone)."""

    zone_id: int | None
    name: str
    person_visits: int = 0
    school_visits: int = 0
    schools_visited: int = 0
    schools_total: int = 0
    problems: int = 0
    closed: int = 0

    @property
    def rectification_rate(self) -> float | None:
        return percent(self.closed, self.problems)


@dataclass
class AnnualFigures:
    office: Office
    zone: Zone | None
    year: int
    start: dt.date
    until: dt.date
    person_visits: int = 0  # 人次
    school_visits: int = 0  # 校次
    schools_visited: int = 0
    schools_total: int = 0
    monthly_summaries: int = 0  # 月总结报告 submitted
    problems: int = 0  # found on routine visits
    schools_with_problems: int = 0
    problems_all: int = 0  # every source, the base of rectification
    tickets_closed: int = 0
    reports_submitted: int = 0
    overdue_open: int = 0  # 逾期未整改
    closed_late: int = 0  # 逾期整改
    closed_on_time: int = 0
    by_item: list[tuple[str, str, int]] = field(default_factory=list)  # (code, title, problems)
    by_severity: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, problems)
    escalations: dict[int, int] = field(default_factory=dict)  # level -> confirmed
    zones: list[ZoneRow] = field(default_factory=list)
    monthly_visits: list[int] = field(default_factory=lambda: [0] * 12)  # 校次 by month
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        """Every ticket that missed its deadline: 逾期整改 + 逾期未整改."""
        return self.overdue_open + self.closed_late

    @property
    def rectification_rate(self) -> float | None:
        return percent(self.tickets_closed, self.problems_all)

    @property
    def overdue_rate(self) -> float | None:
        return percent(self.overdue, self.problems_all)

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.closed_on_time, self.tickets_closed + self.overdue_open)

    @property
    def coverage_rate(self) -> float | None:
        return percent(self.schools_visited, self.schools_total)

    def escalation_count(self, level: int) -> int:
        return self.escalations.get(level, 0)


def annual_figures(*, office: Office, year: int, zone: Zone | None = None, until: dt.date | None = None) -> AnnualFigures:
    """Every figure of an office's (or a zone's) year-end summary, from 1 January to ``until``."""
    start = dt.date(year, 1, 1)
    until = min(until or default_until(year), dt.date(year, 12, 31))
    figures = AnnualFigures(office=office, zone=zone, year=year, start=start, until=until)
    in_zone = {"zone": zone} if zone is not None else {}

    visits = counted_visits().filter(office=office, date__range=(start, until), **in_zone)
    per_zone: dict[int | None, ZoneRow] = {}

    def row(zone_id):
        return per_zone.setdefault(zone_id, ZoneRow(zone_id=zone_id, name=""))

    for r in visits.values("zone").annotate(n=Count("pk")).order_by():
        row(r["zone"]).school_visits = r["n"]
    person_visits = Visit.supervisors.through.objects.filter(visit__in=visits.values("pk"))
    for r in person_visits.values("visit__zone").annotate(n=Count("pk")).order_by():
        row(r["visit__zone"]).person_visits = r["n"]
    for r in visits.annotate(month=ExtractMonth("date")).values("month").annotate(n=Count("pk")).order_by():
        figures.monthly_visits[r["month"] - 1] = r["n"]

    # Schools: those in the roster (of the zone, of the office) on some day of the period.
    visited_pairs = set(visits.values_list("zone", "school").distinct().order_by())
    rostered = set(
        SchoolMembership.objects.overlapping(start, until).filter(office=office, **in_zone)
        .values_list("zone", "school").distinct().order_by()
    )
    for zone_id, _school in visited_pairs:
        row(zone_id).schools_visited += 1
    for zone_id in {z for z, _s in rostered}:
        row(zone_id).schools_total = len({s for z, s in rostered if z == zone_id})
    figures.schools_visited = len({s for _z, s in visited_pairs})
    figures.schools_total = len({s for _z, s in rostered} | {s for _z, s in visited_pairs})

    figures.monthly_summaries = _summaries_submitted(office=office, zone=zone, year=year, until=until)

    found = Problem.objects.filter(visit__in=visits.values("pk"))
    totals = found.aggregate(n=Count("pk"), schools=Count("school", distinct=True))
    figures.problems, figures.schools_with_problems = totals["n"], totals["schools"]
    titles: dict[str, tuple[str, int]] = {}
    for r in found.values("item_code", "item_title").annotate(n=Count("pk")).order_by():
        # The same item may carry two codes (schools S6, kindergartens K4 are both 安全): one line a title.
        code, n = titles.get(r["item_title"], (r["item_code"], 0))
        titles[r["item_title"]] = (min(code, r["item_code"]), n + r["n"])
    figures.by_item = sorted(((c, t, n) for t, (c, n) in titles.items()), key=lambda x: (-x[2], x[0]))
    severities = dict(found.values_list("severity").annotate(n=Count("pk")).order_by())
    figures.by_severity = [(s.value, str(s.label), severities.get(s.value, 0)) for s in Severity]

    # Rectification: the tickets of every counted problem found in the period, as they stood at the cut-off.
    ticketed = Problem.objects.filter(
        counted_q(), office=office, found_on__range=(start, until), ticket__isnull=False, **in_zone
    )
    for r in ticketed.values("zone").annotate(
        n=Count("pk"),
        closed=Count("pk", filter=rectification.closed_by(until, "ticket__")),
        on_time=Count("pk", filter=rectification.closed_on_time(until, "ticket__")),
        late=Count("pk", filter=rectification.closed_late(until, "ticket__")),
        overdue=Count("pk", filter=rectification.overdue_open(until, "ticket__")),
    ).order_by():
        line = row(r["zone"])
        line.problems, line.closed = r["n"], r["closed"]
        figures.problems_all += r["n"]
        figures.tickets_closed += r["closed"]
        figures.closed_on_time += r["on_time"]
        figures.closed_late += r["late"]
        figures.overdue_open += r["overdue"]
    figures.reports_submitted = TicketReport.objects.filter(
        ticket__problem__in=ticketed.values("pk"), submitted_on__isnull=False, submitted_on__lte=until
    ).count()
    figures.escalations = dict(
        Escalation.objects.filter(
            ticket__office=office, status=EscalationStatus.CONFIRMED,
            decided_at__gte=clock.start_of(start), decided_at__lt=clock.start_of(until + dt.timedelta(days=1)),
            **({"ticket__problem__zone": zone} if zone is not None else {}),
        )
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )

    figures.person_visits = sum(r.person_visits for r in per_zone.values())
    figures.school_visits = sum(r.school_visits for r in per_zone.values())
    if zone is None:
        names = dict(Zone.objects.filter(Q(office=office) | Q(pk__in=[z for z in per_zone if z])).values_list("pk", "name"))
        for zone_id in names:
            row(zone_id)
        for line in per_zone.values():
            line.name = names.get(line.zone_id, "") if line.zone_id else _("未划入责任区")
        figures.zones = sorted(per_zone.values(), key=lambda r: (r.zone_id is None, r.name))
        figures.contributions = contributions_for(office=office, year=year, until=until)
    return figures


def _summaries_submitted(*, office: Office, zone: Zone | None, year: int, until: dt.date) -> int:
    """月总结报告 of the year submitted by ``until``: the office's supervisors', or for a zone those
    of the supervisors assigned to it in the summary's month (2 queries)."""
    summaries = MonthlySummary.objects.filter(
        supervisor__office=office, year=year, submitted_at__isnull=False, submitted_on__lte=until
    )
    if zone is None:
        return summaries.count()
    periods = list(ZoneAssignment.objects.filter(zone=zone).values_list("supervisor_id", "valid_from", "valid_to"))
    counted = 0
    for supervisor_id, month in summaries.values_list("supervisor_id", "month"):
        first, last = calendar.month_bounds(year, month)
        if any(s == supervisor_id and begin <= last and (end is None or end > first) for s, begin, end in periods):
            counted += 1
    return counted


ESCALATION_LEVELS = tuple(EscalationLevel)


# --- Summaries -------------------------------------------------------------------------------------


def annual_summary_for(*, office: Office, year: int, zone: Zone | None = None) -> AnnualSummary | None:
    return AnnualSummary.objects.filter(office=office, year=year, zone=zone).first()
