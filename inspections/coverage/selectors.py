"""Reads of coverage (全覆盖): the month's roster scope, a supervisor's to-do, zone and office coverage, the figures of a 月总结报告. Each runs a constant number of queries whatever the data size; visits count by ``inspections.visits.selectors``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Count, Max, QuerySet

from schools.choices import SchoolKind
from schools.models import SchoolMembership
from supervision.models import Office, Supervisor, Zone

from supervision.calendar import as_at, due_date, month_bounds
from inspections.models.choices import ChecklistStatus, VisitKind
from inspections.models import PlanMonth, Problem, Recheck, Visit
from inspections.visits.selectors import counted_visits


WARNING_DAYS = 7  # a zone with gaps this close to the 27th is flagged (amber) before it turns late (red)


LAST_VISIT_DAYS = 92  # the to-do shows a school's last visit within about three months


@dataclass
class SchoolLine:
    """A school as the to-do and coverage lists show it: plain values rather than a School
    instance, since an office lists a thousand of them on one page. ``office_id`` and ``zone_id``
    are those of the day the list is as at."""

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

    @property
    def id(self) -> int:
        return self.pk

    def get_kind_display(self) -> str:
        return str(SchoolKind(self.kind).label)

    @property
    def is_kindergarten(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN


@dataclass
class RosterScope:
    """Whose schools a figure counts, each as at the day the figure is for: those of ``offices`` (an
    office role's subtree) and of ``zones`` (a supervisor's zones) — both None means every school —
    narrowed to one office, one zone or one kind if asked."""

    offices: list[int] | None = None
    zones: list[int] | None = None
    office: int | None = None
    zone: int | None = None
    kind: str | None = None

    @classmethod
    def of(cls, user) -> RosterScope | None:
        """The schools a user follows (coverage, dashboards): an office role's offices and every office
        below, a supervisor's zones today; None for anyone else (a school user)."""
        from supervision import access

        if user.is_superuser:
            return cls()
        offices = list(access.offices_overseen_by(user).values_list("pk", flat=True))
        zones = list(access.zones_of_supervisor_today(user).values_list("pk", flat=True))
        if not offices and not zones:
            return None
        return cls(offices=offices, zones=zones)

    def narrowed(self, *, office=None, zone=None, kind=None) -> RosterScope:
        return RosterScope(
            offices=self.offices, zones=self.zones, office=office or self.office, zone=zone or self.zone,
            kind=kind or self.kind,
        )

    def memberships_on(self, day: dt.date) -> QuerySet[SchoolMembership]:
        """The membership periods of ``day`` of the schools in scope."""
        periods = SchoolMembership.objects.on(day)
        if self.offices is not None or self.zones is not None:
            periods = periods.filter(Q(office__in=self.offices or []) | Q(zone__in=self.zones or []))
        if self.office is not None:
            periods = periods.filter(office=self.office)
        if self.zone is not None:
            periods = periods.filter(zone=self.zone)
        if self.kind:
            periods = periods.filter(school__kind=self.kind)
        return periods

    def school_ids_on(self, day: dt.date) -> QuerySet:
        """The ids of the schools in scope on ``day``, as a subquery."""
        return self.memberships_on(day).values("school")

    def lines_on(self, day: dt.date) -> list[SchoolLine]:
        """The schools in scope on ``day``, each with its office and zone of that day (1 query)."""
        return [
            SchoolLine(*row)
            for row in self.memberships_on(day)
            .values_list("school_id", "school__code", "school__name", "school__kind", "office_id", "zone_id")
            .order_by("school__kind", "school__name")
        ]


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
    from supervision.access import zones_of_supervisor_today

    start, end = month_bounds(today.year, today.month)
    due = due_date(today.year, today.month)
    todo = SupervisorTodo(year=today.year, month=today.month, due=due, days_left=(due - today).days)
    zones = {zone.pk: zone for zone in zones_of_supervisor_today(user)}
    schools = RosterScope(zones=list(zones)).lines_on(today)
    schools.sort(key=lambda s: (zones[s.zone_id].name, s.kind, s.name))
    # Visits are tallied in their own grouped query: joining them into the school list would
    # group every school column over the visits. The last visit is looked for in the last three
    # months only (schools are visited monthly), so the page costs the same in any year.
    tally = {
        row["school_id"]: row
        for row in counted_visits()
        .filter(school__in=RosterScope(zones=list(zones)).school_ids_on(today),
                date__gte=today - dt.timedelta(days=LAST_VISIT_DAYS))
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
    def rate(self) -> int | None:
        """Whole percent; None (printed 「—」) when there is no school to cover."""
        return round(100 * self.visited / self.total) if self.total else None

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


def coverage_for_month(*, scope: RosterScope, year: int, month: int, today: dt.date) -> Coverage:
    """全覆盖: every school in scope on the day the month is counted as at (its last day, or today),
    with its counted visits that month, grouped by the zone it was in that day (4 queries). A zone is
    late once the 27th has passed with schools still unvisited; in the last week before the 27th a
    zone with gaps carries a warning."""
    start, end = month_bounds(year, month)
    rows = scope.lines_on(as_at(year, month, today))
    # Zones and offices are fetched once each, not joined into 1,000 school rows.
    zones = Zone.objects.in_bulk({s.zone_id for s in rows if s.zone_id})
    offices = Office.objects.in_bulk({s.office_id for s in rows})
    tally = {
        row["school_id"]: row
        for row in Visit.objects.filter(
            school__in=scope.school_ids_on(as_at(year, month, today)), date__range=(start, end), kind=VisitKind.ROUTINE
        )
        .values("school_id")
        .annotate(
            visit_count=Count("pk", filter=Q(checklist__status=ChecklistStatus.SUBMITTED)),
            draft_count=Count("pk", filter=Q(checklist__status=ChecklistStatus.DRAFT)),
            last_visit=Max("date", filter=Q(checklist__status=ChecklistStatus.SUBMITTED)),
        )
    } if rows else {}
    for school in rows:
        row = tally.get(school.pk)
        if row:
            school.visit_count, school.draft_count, school.last_visit = (
                row["visit_count"], row["draft_count"], row["last_visit"]
            )
    rows.sort(key=lambda s: (offices[s.office_id].division_code, zones[s.zone_id].name if s.zone_id else "", s.kind, s.name))
    due = due_date(year, month)
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
