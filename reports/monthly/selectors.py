"""Reads of the monthly zone report (责任督学挂牌督导问题管理月报表).

The report of a zone-month is counted as at one day (``calendar.as_at``): the month's last day, or
today while the month runs — the one cut-off rule of every document. As at that day:

- the zone's schools are those in the zone on that day (their membership of the day, so a school
  added in autumn is not in March's report and one moved away in June is in May's); each is visited
  (已督导) when it had a counted visit that month — as the coverage page counts it;
- the visits and 人次 of the report are those made *in the zone* that month (``Visit.zone``, the
  school's zone on the visit's day), also to a school that has since moved to another zone — listed
  as 已调出; a visit to a member school made while it still belonged to another zone shows on its row
  (本月由原责任区督导) but counts for that other zone;
- the problems are those found on the zone's visits, each with its 整改意见, deadline (the one in
  force that day) and its status as at that day, read from the ticket's history by the day each act
  happened (``rectification.statuses_on``): a ticket closed next month still shows open here, and
  rebuilding an old month gives the same figures.

A visit counts once its checklist is submitted (drafts and reopened checklists count nowhere);
special-inspection visits belong to their campaign; a joint visit is one visit and one 人次 per
supervisor present.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace as Row

from django.db.models import Count, Q

from supervision import calendar
from inspections.tickets import rules as rectification
from inspections.models.choices import Conclusion, TicketStatus
from inspections.models import ChecklistAnswer, Problem, Visit
from inspections.visits.selectors import counted_visits
from schools.models import SchoolMembership
from supervision import clock
from supervision.models import Zone, ZoneAssignment

from .choices import FilingState, ZoneMonthlyReportStatus
from .models import ZoneMonthlyReport

DATA_VERSION = 2  # bump when the shape of ``ZoneMonthlyReport.data`` changes
REPORT_DAY = calendar.REPORT_DAY


def due_date(year: int, month: int) -> dt.date:
    return calendar.due_date(year, month)


def _names(zone: Zone, day: dt.date) -> tuple[list[str], list[str]]:
    """The zone's lead(s) and other supervisors on ``day``."""
    leads, others = [], []
    for a in (
        ZoneAssignment.objects.on(day).filter(zone=zone).select_related("supervisor")
        .only("is_lead", "supervisor__name").order_by("-is_lead", "supervisor__name")
    ):
        (leads if a.is_lead else others).append(a.supervisor.name)
    return leads, others


def zone_month_data(*, zone: Zone, year: int, month: int, now: dt.datetime | None = None) -> dict:
    """The rows and totals of a zone's report for a month, as plain JSON (8 queries whatever the size)."""
    now = now or clock.now()
    start, _end = calendar.month_bounds(year, month)
    day = calendar.as_at(year, month, clock.date_of(now))
    # The zone's schools on that day, read once: who is a member, and the rows of those not visited.
    # Plain rows, not model instances: a large zone's hundreds of schools and visits (benchmarks/README.md).
    school_fields = ("code", "name", "kind")
    memberships = [
        {"pk": row["school_id"], **{f: row[f"school__{f}"] for f in school_fields}}
        for row in SchoolMembership.objects.on(day).filter(zone=zone).order_by()
        .values("school_id", *(f"school__{f}" for f in school_fields))
    ]
    members = {m["pk"] for m in memberships}
    # Every counted visit of the month made in the zone, and every one to its member schools.
    visits = [
        Row(pk=row["pk"], date=row["date"], zone_id=row["zone_id"], zone_name=row["zone__name"] or "",
            school={"pk": row["school_id"], **{f: row[f"school__{f}"] for f in school_fields}})
        for row in counted_visits()
        .filter(Q(zone=zone) | Q(school__in=list(members)), date__range=(start, day))
        .order_by("date", "pk")
        .values("pk", "date", "zone_id", "zone__name", "school_id", *(f"school__{f}" for f in school_fields))
    ]
    present: dict[int, list[str]] = defaultdict(list)
    for visit_id, name in Visit.supervisors.through.objects.filter(visit_id__in=[v.pk for v in visits]).values_list(
        "visit_id", "supervisor__name"
    ):
        present[visit_id].append(name)
    here = [v for v in visits if v.zone_id == zone.pk]
    items = {
        row["checklist__visit_id"]: row
        for row in ChecklistAnswer.objects.filter(checklist__visit_id__in=[v.pk for v in here])
        .values("checklist__visit_id")
        .annotate(
            checked=Count("pk", filter=Q(conclusion__in=[Conclusion.OK, Conclusion.PROBLEM])),
            total=Count("pk"),
        )
    }
    # The problems of counted visits count (no need to ask ``counted_q`` again).
    problems = list(
        Problem.objects.filter(visit_id__in=[v.pk for v in here]).select_related("ticket")
        .only("visit_id", "found_on", "item_title", "description", "severity", "opinion", "deadline", "ticket__id")
        .order_by("found_on", "pk")
    )
    first_deadlines = {p.ticket.pk: p.deadline for p in problems if hasattr(p, "ticket")}
    status_on = rectification.statuses_on(first_deadlines, day)
    deadline_on = rectification.deadlines_on(first_deadlines, day)

    schools: dict[int, dict] = {}

    def school_row(school: dict) -> dict:
        row = schools.get(school["pk"])
        if row is None:
            row = schools[school["pk"]] = {
                "id": school["pk"], "code": school["code"], "name": school["name"], "kind": school["kind"],
                "member": school["pk"] in members, "visits": [], "problems": [],
            }
        return row

    for visit in visits:
        in_zone = visit.zone_id == zone.pk
        tally = items.get(visit.pk, {"checked": 0, "total": 0})
        school_row(visit.school)["visits"].append({
            "id": visit.pk,
            "date": visit.date.isoformat(),
            "supervisors": sorted(present[visit.pk]),
            "items_checked": tally["checked"] if in_zone else None,
            "items_total": tally["total"] if in_zone else None,
            "in_zone": in_zone,
            "zone": visit.zone_name,
        })
    visit_school = {v.pk: v.school for v in here}
    for problem in problems:
        ticket = getattr(problem, "ticket", None)
        status = status_on.get(ticket.pk, TicketStatus.OPEN) if ticket else TicketStatus.OPEN
        deadline = deadline_on.get(ticket.pk, problem.deadline) if ticket else problem.deadline
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
            "overdue": status != TicketStatus.CLOSED and deadline < day,
        })
    # The zone's schools on that day that were not visited show as 未督导.
    for school in memberships:
        school_row(school)
    rows = sorted(schools.values(), key=lambda r: (not r["member"], not r["visits"], r["kind"], r["name"]))
    for row in rows:
        mine = [v for v in row["visits"] if v["in_zone"]]
        row["visited"] = bool(row["visits"])
        row["moved_out"] = not row["member"]
        row["person_visits"] = sum(len(v["supervisors"]) for v in mine)
        row["items_checked"] = sum(v["items_checked"] for v in mine)
    member_rows = [r for r in rows if r["member"]]
    all_problems = [p for r in rows for p in r["problems"]]
    rectified = sum(1 for p in all_problems if p["status"] == TicketStatus.CLOSED)
    leads, others = _names(zone, day)
    return {
        "data_version": DATA_VERSION,
        "office": zone.office.name,
        "zone": zone.name,
        "year": year,
        "month": month,
        "lead_supervisors": leads,
        "supervisors": others,
        "as_at": day.isoformat(),
        "cutoff": clock.end_of(day).isoformat(),
        "schools": rows,
        "totals": {
            "schools": len(member_rows),
            "schools_visited": sum(1 for r in member_rows if r["visited"]),
            "schools_not_visited": sum(1 for r in member_rows if not r["visited"]),
            "visits": len(here),
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
