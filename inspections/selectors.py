"""Reads of the monthly loop; each runs a constant number of queries whatever the data size.

Counting rules (used by summaries, coverage and later the reports):
- a visit counts once it has a submitted checklist; drafts are "in progress";
- a school is covered (全覆盖) in a month when it has at least one counted visit that month;
- a joint visit is one visit to the school and one person-visit (人次) for each supervisor present;
- only routine visits (经常性督导) count; a special inspection's visits belong to its campaign;
- a visit and its problems count for the zone the school was in on the day (Visit.zone), so a
  school moved to another zone mid-year leaves its earlier visits with the zone that made them.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from schools.choices import SchoolKind
from schools.models import School
from supervision.models import Office, Supervisor, Zone

from .choices import ChecklistStatus, RecheckResult, TicketStatus, VisitKind
from .models import Checklist, ChecklistAnswer, Photo, PlanMonth, Problem, Recheck, Visit

REPORT_DAY = 27  # zones file the monthly report by the 27th (seed 003 §三(三)2)
WARNING_DAYS = 7  # a zone with gaps this close to the 27th is flagged (amber) before it turns late (red)
LAST_VISIT_DAYS = 92  # the to-do shows a school's last visit within about three months


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def counted_visits() -> QuerySet[Visit]:
    return Visit.objects.filter(kind=VisitKind.ROUTINE, checklist__status=ChecklistStatus.SUBMITTED)


def open_problems() -> QuerySet[Problem]:
    """Problems still to rectify: their ticket is not closed (销号) — or, for a problem with no ticket
    yet (its checklist is still a draft), not re-checked as rectified."""
    rectified = Exists(Recheck.objects.filter(problem=OuterRef("pk"), result=RecheckResult.RECTIFIED))
    return Problem.objects.filter(
        Q(ticket__status__in=[s for s in TicketStatus.values if s != TicketStatus.CLOSED])
        | Q(ticket__isnull=True) & ~Q(rectified)
    )


def problems_to_recheck(*, visit: Visit, include_rechecked_here: bool = False) -> list[Problem]:
    """Earlier open problems of the visited school (with their ticket), with this visit's re-check if
    already recorded. ``include_rechecked_here`` also keeps those re-checked during this very visit
    (the checklist page shows them, so the re-check can be seen and changed until submitted)."""
    problems = open_problems()
    if include_rechecked_here:
        here = Exists(Recheck.objects.filter(problem=OuterRef("pk"), visit=visit))
        problems = Problem.objects.filter(Q(pk__in=open_problems().values("pk")) | Q(here))
    return list(
        problems.filter(school_id=visit.school_id, found_on__lte=visit.date)
        .exclude(visit=visit)
        .select_related("ticket")
        .prefetch_related(Prefetch("rechecks", queryset=Recheck.objects.filter(visit=visit), to_attr="this_visit"))
        .order_by("-found_on")
    )


def checklist_for_form(*, visit_id: int) -> Checklist:
    """A checklist with everything the phone form shows, in a fixed number of queries."""
    return (
        Checklist.objects.select_related("visit__school__zone", "visit__office", "visit__created_by", "plan_month")
        .prefetch_related(
            "visit__supervisors",
            Prefetch(
                "answers",
                queryset=ChecklistAnswer.objects.prefetch_related(
                    Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at")),
                    Prefetch("problems", queryset=Problem.objects.order_by("created_at")),
                ).order_by("position"),
            ),
            "reopenings__by",
        )
        .get(visit_id=visit_id)
    )


@dataclass
class SchoolLine:
    """A school as the to-do and coverage lists show it: plain values rather than a School
    instance, since an office lists a thousand of them on one page."""

    pk: int
    code: str
    name: str
    kind: str
    office_id: int
    zone_id: int | None
    visit_count: int = 0  # counted visits in the month
    draft_count: int = 0  # visits of the month still in draft
    last_visit: dt.date | None = None  # coverage: the last counted visit that month; to-do: within LAST_VISIT_DAYS
    my_draft: Visit | None = None  # set by the supervisor's home for a draft of theirs this month

    FIELDS = ("pk", "code", "name", "kind", "office_id", "zone_id")

    @property
    def id(self) -> int:
        return self.pk

    def get_kind_display(self) -> str:
        return str(SchoolKind(self.kind).label)

    @property
    def is_kindergarten(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN


def school_lines(schools: QuerySet[School], *order: str) -> list[SchoolLine]:
    return [SchoolLine(*values) for values in schools.order_by(*order).values_list(*SchoolLine.FIELDS)]


@dataclass
class SupervisorTodo:
    year: int
    month: int
    due: dt.date
    days_left: int
    schools_total: int = 0
    visited: list[SchoolLine] = field(default_factory=list)
    not_visited: list[SchoolLine] = field(default_factory=list)
    drafts: list[Visit] = field(default_factory=list)
    plan_month: PlanMonth | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def supervisor_todo(*, user, today: dt.date) -> SupervisorTodo:
    """This month's to-do for a supervisor: schools of my zones not visited yet, days left
    before the 27th, drafts in progress, and the plan's focus for the month."""
    start, end = month_bounds(today.year, today.month)
    due = dt.date(today.year, today.month, REPORT_DAY)
    todo = SupervisorTodo(year=today.year, month=today.month, due=due, days_left=(due - today).days)
    mine = School.objects.filter(
        zone__assignments__supervisor__user=user, zone__assignments__supervisor__is_active=True, is_active=True
    )
    schools = school_lines(mine.distinct(), "zone__name", "kind", "name")
    # Visits are tallied in their own grouped query: joining them into the school list would
    # group every school column over the visits. The last visit is looked for in the last three
    # months only (schools are visited monthly), so the page costs the same in any year.
    tally = {
        row["school_id"]: row
        for row in counted_visits()
        .filter(school__in=mine.values("pk"), date__gte=today - dt.timedelta(days=LAST_VISIT_DAYS))
        .values("school_id")
        .annotate(this_month=Count("pk", filter=Q(date__range=(start, end))), last=Max("date"))
    }
    for school in schools:
        row = tally.get(school.pk)
        if row:
            school.visit_count, school.last_visit = row["this_month"], row["last"]
    todo.schools_total = len(schools)
    todo.visited = [s for s in schools if s.visit_count]
    todo.not_visited = [s for s in schools if not s.visit_count]
    todo.drafts = list(
        Visit.objects.filter(supervisors__user=user, checklist__status=ChecklistStatus.DRAFT)
        .select_related("school", "checklist")
        .annotate(
            answered=Count("checklist__answers", filter=~Q(checklist__answers__conclusion="")),
            items=Count("checklist__answers"),
        )
        .order_by("-date")
    )
    todo.plan_month = (
        PlanMonth.objects.filter(plan__year=today.year, month=today.month, plan__office__supervisors__user=user)
        .select_related("plan")
        .first()
    )
    return todo


class _Rate:
    """Coverage rate of anything with ``total`` and ``visited`` schools."""

    @property
    def rate(self) -> int:
        return round(100 * self.visited / self.total) if self.total else 0

    @property
    def not_visited(self) -> int:
        return self.total - self.visited


@dataclass
class ZoneCoverage(_Rate):
    zone: Zone | None
    schools: list[SchoolLine]
    late: bool = False
    office: Office | None = None
    # Not late yet, but the 27th is at most WARNING_DAYS away and schools are still unvisited.
    warning: bool = False

    @property
    def visited(self) -> int:
        return sum(1 for s in self.schools if s.visit_count)

    @property
    def total(self) -> int:
        return len(self.schools)


class _ZoneSums(_Rate):
    zones: list[ZoneCoverage]

    @property
    def total(self) -> int:
        return sum(z.total for z in self.zones)

    @property
    def visited(self) -> int:
        return sum(z.visited for z in self.zones)

    @property
    def late_zones(self) -> int:
        return sum(1 for z in self.zones if z.late)


@dataclass
class Coverage(_ZoneSums):
    year: int
    month: int
    zones: list[ZoneCoverage]
    due: dt.date
    deadline_passed: bool

    @property
    def drafts(self) -> int:
        """Schools with only a draft visit this month (草稿中)."""
        return sum(1 for z in self.zones for s in z.schools if s.draft_count and not s.visit_count)

    @property
    def offices(self) -> list[OfficeCoverage]:
        """The zones grouped by office (for higher offices), offices in division-code order."""
        groups: dict[int, OfficeCoverage] = {}
        for zone in self.zones:
            groups.setdefault(zone.office.pk, OfficeCoverage(office=zone.office, zones=[])).zones.append(zone)
        return sorted(groups.values(), key=lambda g: g.office.division_code)


@dataclass
class OfficeCoverage(_ZoneSums):
    office: Office
    zones: list[ZoneCoverage]


def coverage_for_month(*, schools: QuerySet[School], year: int, month: int, today: dt.date) -> Coverage:
    """全覆盖: every active school in scope with its visits that month, grouped by zone (4 queries).
    A zone is late once the 27th has passed with schools still unvisited; in the last week before
    the 27th a zone with gaps carries a warning."""
    start, end = month_bounds(year, month)
    active = schools.filter(is_active=True)
    # Zones and offices are fetched once each, not joined into 1,000 school rows.
    rows = school_lines(active, "office__division_code", "zone__name", "kind", "name")
    zones = Zone.objects.in_bulk({s.zone_id for s in rows if s.zone_id})
    offices = Office.objects.in_bulk({s.office_id for s in rows})
    # Tallied by office (a few ids) rather than by re-running the scope's subquery; only the
    # listed schools' rows are read.
    tally = {
        row["school_id"]: row
        for row in Visit.objects.filter(
            school__office__in={s.office_id for s in rows}, date__range=(start, end), kind=VisitKind.ROUTINE
        )
        .values("school_id")
        .annotate(
            visit_count=Count("pk", filter=Q(checklist__status=ChecklistStatus.SUBMITTED)),
            draft_count=Count("pk", filter=Q(checklist__status=ChecklistStatus.DRAFT)),
            last_visit=Max("date", filter=Q(checklist__status=ChecklistStatus.SUBMITTED)),
        )
    }
    for school in rows:
        row = tally.get(school.pk)
        if row:
            school.visit_count, school.draft_count, school.last_visit = (
                row["visit_count"], row["draft_count"], row["last_visit"]
            )
    due = dt.date(year, month, REPORT_DAY)
    deadline_passed = today > due
    warning_window = not deadline_passed and (due - today).days <= WARNING_DAYS
    # Keyed by office too: schools outside any zone form one group per office.
    groups: dict[tuple[int, int | None], ZoneCoverage] = {}
    for school in rows:
        key = (school.office_id, school.zone_id)
        group = groups.get(key) or groups.setdefault(
            key, ZoneCoverage(zone=zones.get(school.zone_id), schools=[], office=offices[school.office_id])
        )
        group.schools.append(school)
    for group in groups.values():
        gaps = group.visited < group.total
        group.late = deadline_passed and gaps
        group.warning = warning_window and gaps
    zones = sorted(groups.values(), key=lambda z: (z.zone is None, z.rate, z.zone.name if z.zone else ""))
    return Coverage(year=year, month=month, zones=zones, due=due, deadline_passed=deadline_passed)


def monthly_summary_figures(*, supervisor: Supervisor, year: int, month: int) -> dict:
    """The figures of a supervisor's 月总结报告, from data (4 queries)."""
    start, end = month_bounds(year, month)
    visits = counted_visits().filter(supervisors=supervisor, date__range=(start, end))
    return {
        "visits": visits.count(),
        "schools_covered": visits.values("school").distinct().count(),
        "problems_found": Problem.objects.filter(visit__in=visits.values("pk")).count(),
        "rechecks_done": Recheck.objects.filter(by=supervisor.user_id, date__range=(start, end)).count(),
    }
