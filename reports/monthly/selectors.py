"""Reads of the monthly zone report (责任督学挂牌督导问题管理月报表).

Which schools a zone's report lists (for a month):
- every school with a counted routine visit made *in that zone* that month (``Visit.zone``, the
  school's zone on the day) — so a school moved to another zone mid-month appears in both zones'
  reports, each with the visits made while it belonged there;
- plus every active school currently in the zone, so a school not yet visited shows as 未督导.

What each school row holds: the counted routine visits (a visit counts once its checklist is
submitted; special-inspection visits belong to their campaign), the supervisors present (a joint
visit is one visit and one 人次 per supervisor), the items checked, and the problems found on
those visits with their 整改意见, deadline and status.

A problem's status is the status *as at the report's cutoff*: the end of the month, or the moment
the report is built if that is earlier — read from the ticket's history (TicketEvent), so a ticket
closed in the next month still shows as open in this month's report, and rebuilding an old month
gives the same figures.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from inspections.choices import Conclusion, TicketStatus
from inspections.models import ChecklistAnswer, Problem, TicketEvent
from inspections.selectors import REPORT_DAY, counted_visits, month_bounds
from schools.models import School
from supervision import clock
from supervision.models import Zone, ZoneAssignment

from .choices import FilingState, ZoneMonthlyReportStatus
from .models import ZoneMonthlyReport

DATA_VERSION = 1  # bump when the shape of ``ZoneMonthlyReport.data`` changes


def due_date(year: int, month: int) -> dt.date:
    return dt.date(year, month, REPORT_DAY)


def month_cutoff(year: int, month: int, now: dt.datetime) -> dt.datetime:
    """The instant a report's statuses are taken at: the end of the month (local time), or now if earlier."""
    last = calendar.monthrange(year, month)[1]
    end = timezone.make_aware(dt.datetime(year, month, last, 23, 59, 59, 999999))
    return min(end, now)


def _names(zone: Zone) -> tuple[list[str], list[str]]:
    leads, others = [], []
    for a in ZoneAssignment.objects.filter(zone=zone, supervisor__is_active=True).select_related("supervisor").order_by(
        "-is_lead", "supervisor__name"
    ):
        (leads if a.is_lead else others).append(a.supervisor.name)
    return leads, others


def zone_month_data(*, zone: Zone, year: int, month: int, now: dt.datetime | None = None) -> dict:
    """The rows and totals of a zone's report for a month, as plain JSON (7 queries whatever the size)."""
    now = now or clock.now()
    start, end = month_bounds(year, month)
    cutoff = month_cutoff(year, month, now)
    # Visits up to the cutoff day (only matters for a report dated in the past, as the demo's are).
    visits = list(
        counted_visits()
        .filter(zone=zone, date__range=(start, min(end, clock.date_of(cutoff))))
        .select_related("school")
        .prefetch_related("supervisors")
        .order_by("date", "pk")
    )
    visit_ids = [v.pk for v in visits]
    items = {
        row["checklist__visit_id"]: row
        for row in ChecklistAnswer.objects.filter(checklist__visit_id__in=visit_ids)
        .values("checklist__visit_id")
        .annotate(
            checked=Count("pk", filter=Q(conclusion__in=[Conclusion.OK, Conclusion.PROBLEM])),
            total=Count("pk"),
        )
    }
    problems = list(
        Problem.objects.filter(visit_id__in=visit_ids)
        .select_related("ticket")
        .order_by("found_on", "pk")
    )
    # Each ticket's status at the cutoff: the last status change recorded up to then.
    status_at: dict[int, str] = {}
    ticket_ids = [p.ticket.pk for p in problems if hasattr(p, "ticket")]
    for event in (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, at__lte=cutoff)
        .exclude(to_status="")
        .order_by("at", "pk")
        .values("ticket_id", "to_status")
    ):
        status_at[event["ticket_id"]] = event["to_status"]
    cutoff_day = clock.date_of(cutoff)

    schools: dict[int, dict] = {}

    def school_row(school) -> dict:
        row = schools.get(school.pk)
        if row is None:
            row = schools[school.pk] = {
                "id": school.pk, "code": school.code, "name": school.name, "kind": school.kind,
                "visits": [], "problems": [],
            }
        return row

    for visit in visits:
        tally = items.get(visit.pk, {"checked": 0, "total": 0})
        school_row(visit.school)["visits"].append({
            "id": visit.pk,
            "date": visit.date.isoformat(),
            "supervisors": sorted(s.name for s in visit.supervisors.all()),
            "items_checked": tally["checked"],
            "items_total": tally["total"],
        })
    visit_school = {v.pk: v.school for v in visits}
    for problem in problems:
        ticket = getattr(problem, "ticket", None)
        status = status_at.get(ticket.pk, TicketStatus.OPEN) if ticket else TicketStatus.OPEN
        deadline = ticket.deadline if ticket else problem.deadline
        school_row(visit_school[problem.visit_id])["problems"].append({
            "id": problem.pk,
            "ticket": ticket.pk if ticket else None,
            "found_on": problem.found_on.isoformat(),
            "item": problem.item_title,
            "description": problem.description,
            "severity": problem.severity,
            "opinion": problem.opinion,
            "deadline": deadline.isoformat(),
            "status": status,
            "overdue": status != TicketStatus.CLOSED and deadline < cutoff_day,
        })
    # Active schools now in the zone, so the unvisited show as 未督导.
    for school in School.objects.filter(zone=zone, is_active=True).only("pk", "code", "name", "kind"):
        school_row(school)
    rows = sorted(schools.values(), key=lambda r: (not r["visits"], r["kind"], r["name"]))
    for row in rows:
        row["visited"] = bool(row["visits"])
        row["person_visits"] = sum(len(v["supervisors"]) for v in row["visits"])
        row["items_checked"] = sum(v["items_checked"] for v in row["visits"])
    all_problems = [p for r in rows for p in r["problems"]]
    rectified = sum(1 for p in all_problems if p["status"] == TicketStatus.CLOSED)
    leads, others = _names(zone)
    return {
        "data_version": DATA_VERSION,
        "office": zone.office.name,
        "zone": zone.name,
        "year": year,
        "month": month,
        "lead_supervisors": leads,
        "supervisors": others,
        "cutoff": cutoff.isoformat(),
        "schools": rows,
        "totals": {
            "schools": len(rows),
            "schools_visited": sum(1 for r in rows if r["visited"]),
            "schools_not_visited": sum(1 for r in rows if not r["visited"]),
            "visits": len(visits),
            "person_visits": sum(r["person_visits"] for r in rows),
            "schools_with_problems": sum(1 for r in rows if r["problems"]),
            "problems": len(all_problems),
            "rectified": rectified,
            "unrectified": len(all_problems) - rectified,
            "overdue": sum(1 for p in all_problems if p["overdue"]),
        },
    }


# --- Reports of a zone-month and the office's status page -----------------------------------------


def reports_of_zone_month(*, zone: Zone, year: int, month: int) -> list[ZoneMonthlyReport]:
    """Every version, newest first."""
    return list(
        ZoneMonthlyReport.objects.filter(zone=zone, year=year, month=month)
        .select_related("filed_by__supervisor")
        .order_by("-version")
    )


def the_report(versions: list[ZoneMonthlyReport]) -> ZoneMonthlyReport | None:
    """The report that counts for the month: the newest filed version."""
    return next((r for r in versions if r.status == ZoneMonthlyReportStatus.FILED), None)


def first_filing(versions: list[ZoneMonthlyReport]) -> ZoneMonthlyReport | None:
    filed = [r for r in versions if r.status == ZoneMonthlyReportStatus.FILED]
    return min(filed, key=lambda r: r.version) if filed else None


def filing_state(versions: list[ZoneMonthlyReport]) -> str:
    first = first_filing(versions)
    if first is not None:
        return FilingState.ON_TIME if first.filed_on_time else FilingState.LATE
    return FilingState.DRAFT if versions else FilingState.MISSING


def filer_name(report: ZoneMonthlyReport | None) -> str:
    """Who filed: the supervisor's name (select ``filed_by__supervisor``), else the user's."""
    user = report.filed_by if report is not None else None
    if user is None:
        return ""
    supervisor = getattr(user, "supervisor", None)
    return supervisor.name if supervisor else (user.get_full_name() or user.username)


class ZoneStatus:
    """A zone's line on the office's status page."""

    def __init__(self, zone: Zone, versions: list[ZoneMonthlyReport], leads: list[str], today: dt.date, due: dt.date):
        self.zone = zone
        self.versions = versions
        self.leads = leads
        self.report = the_report(versions)
        self.first = first_filing(versions)
        self.latest = versions[0] if versions else None
        self.state = filing_state(versions)
        # Not filed and the 27th has passed: the office chases it (shown in red).
        self.overdue = self.first is None and today > due
        self.filer = filer_name(self.report)

    @property
    def state_label(self) -> str:
        return FilingState(self.state).label


def office_month_status(*, zones, year: int, month: int, today: dt.date) -> list[ZoneStatus]:
    """Every zone of ``zones`` (a queryset in scope) with its versions for the month (3 queries)."""
    zones = list(zones.select_related("office").order_by("office__division_code", "name"))
    versions: dict[int, list[ZoneMonthlyReport]] = defaultdict(list)
    for report in (
        ZoneMonthlyReport.objects.filter(zone__in=[z.pk for z in zones], year=year, month=month)
        .select_related("filed_by__supervisor")
        .defer("data")
        .order_by("-version")
    ):
        versions[report.zone_id].append(report)
    leads: dict[int, list[str]] = defaultdict(list)
    for a in (
        ZoneAssignment.objects.filter(zone__in=[z.pk for z in zones], is_lead=True, supervisor__is_active=True)
        .select_related("supervisor")
        .order_by("supervisor__name")
    ):
        leads[a.zone_id].append(a.supervisor.name)
    due = due_date(year, month)
    return [ZoneStatus(z, versions[z.pk], leads[z.pk], today, due) for z in zones]
