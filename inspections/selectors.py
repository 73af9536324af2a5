"""Reads of the monthly loop; each runs a constant number of queries whatever the data size.

Counting rules (used by summaries, coverage and later the reports):
- a visit counts once it has a submitted checklist; drafts are "in progress";
- a school is covered (全覆盖) in a month when it has at least one counted visit that month;
- a joint visit is one visit to the school and one person-visit (人次) for each supervisor present.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from schools.models import School
from supervision.models import Supervisor, Zone

from .choices import ChecklistStatus, RecheckResult
from .models import Checklist, ChecklistAnswer, Photo, PlanMonth, Problem, Recheck, Visit

REPORT_DAY = 27  # zones file the monthly report by the 27th (seed 003 §三(三)2)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def counted_visits() -> QuerySet[Visit]:
    return Visit.objects.filter(checklist__status=ChecklistStatus.SUBMITTED)


def open_problems() -> QuerySet[Problem]:
    """Problems not yet re-checked as rectified (the rectification workflow refines this)."""
    return Problem.objects.exclude(
        Exists(Recheck.objects.filter(problem=OuterRef("pk"), result=RecheckResult.RECTIFIED))
    )


def problems_to_recheck(*, visit: Visit, include_rechecked_here: bool = False) -> list[Problem]:
    """Earlier open problems of the visited school, with this visit's re-check if already recorded.
    ``include_rechecked_here`` also keeps those found rectified during this very visit (the checklist
    page shows them, so the re-check can be seen and changed until submitted)."""
    problems = open_problems()
    if include_rechecked_here:
        rectified_elsewhere = Recheck.objects.filter(problem=OuterRef("pk"), result=RecheckResult.RECTIFIED).exclude(visit=visit)
        problems = Problem.objects.exclude(Exists(rectified_elsewhere))
    return list(
        problems.filter(school_id=visit.school_id, found_on__lte=visit.date)
        .exclude(visit=visit)
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
class SupervisorTodo:
    year: int
    month: int
    due: dt.date
    days_left: int
    schools_total: int = 0
    visited: list[School] = field(default_factory=list)
    not_visited: list[School] = field(default_factory=list)
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
    schools = list(
        School.objects.filter(
            zone__assignments__supervisor__user=user, zone__assignments__supervisor__is_active=True, is_active=True
        )
        .distinct()
        .select_related("zone")
        .annotate(
            visits_this_month=Count(
                "visits",
                filter=Q(visits__date__range=(start, end), visits__checklist__status=ChecklistStatus.SUBMITTED),
                distinct=True,
            ),
            last_visit=Max("visits__date", filter=Q(visits__checklist__status=ChecklistStatus.SUBMITTED)),
        )
        .order_by("zone__name", "kind", "name")
    )
    todo.schools_total = len(schools)
    todo.visited = [s for s in schools if s.visits_this_month]
    todo.not_visited = [s for s in schools if not s.visits_this_month]
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


@dataclass
class ZoneCoverage:
    zone: Zone | None
    schools: list[School]
    late: bool = False

    @property
    def visited(self) -> int:
        return sum(1 for s in self.schools if s.visit_count)

    @property
    def total(self) -> int:
        return len(self.schools)

    @property
    def rate(self) -> int:
        return round(100 * self.visited / self.total) if self.total else 0


@dataclass
class Coverage:
    year: int
    month: int
    zones: list[ZoneCoverage]
    due: dt.date
    deadline_passed: bool

    @property
    def total(self) -> int:
        return sum(z.total for z in self.zones)

    @property
    def visited(self) -> int:
        return sum(z.visited for z in self.zones)

    @property
    def rate(self) -> int:
        return round(100 * self.visited / self.total) if self.total else 0


def coverage_for_month(*, schools: QuerySet[School], year: int, month: int, today: dt.date) -> Coverage:
    """全覆盖: every active school in scope with its visits that month, grouped by zone (2 queries).
    A zone is late once the 27th has passed with schools still unvisited."""
    start, end = month_bounds(year, month)
    rows = list(
        schools.filter(is_active=True)
        .select_related("zone", "office")
        .annotate(
            visit_count=Count(
                "visits",
                filter=Q(visits__date__range=(start, end), visits__checklist__status=ChecklistStatus.SUBMITTED),
                distinct=True,
            ),
            draft_count=Count(
                "visits",
                filter=Q(visits__date__range=(start, end), visits__checklist__status=ChecklistStatus.DRAFT),
                distinct=True,
            ),
            last_visit=Max(
                "visits__date",
                filter=Q(visits__date__range=(start, end), visits__checklist__status=ChecklistStatus.SUBMITTED),
            ),
        )
        .order_by("office__division_code", "zone__name", "kind", "name")
    )
    due = dt.date(year, month, REPORT_DAY)
    deadline_passed = today > due
    groups: dict[int | None, ZoneCoverage] = {}
    for school in rows:
        group = groups.setdefault(school.zone_id, ZoneCoverage(zone=school.zone, schools=[]))
        group.schools.append(school)
    for group in groups.values():
        group.late = deadline_passed and group.visited < group.total
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
