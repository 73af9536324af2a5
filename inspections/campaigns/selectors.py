"""Reads of special inspections (专项督导): lists, a campaign's schools × progress, report figures.
Each runs a fixed number of queries whatever the number of campaigns, schools or visits."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from inspections.models.choices import ChecklistStatus, TicketStatus
from inspections.models import Problem, Ticket, Visit
from schools.models import SchoolMembership

from .models import Campaign, CampaignSchool, CampaignVisit

SUBMITTED = ChecklistStatus.SUBMITTED


def _count(qs, column="pk"):
    return Coalesce(
        Subquery(qs.order_by().values("campaign").annotate(n=Count(column, distinct=True)).values("n")[:1]),
        0, output_field=IntegerField(),
    )


def campaign_list(campaigns: QuerySet[Campaign]):
    """Campaigns with their number of schools and of schools inspected (submitted special visits)."""
    return (
        campaigns.select_related("office", "leader")
        .annotate(
            n_schools=_count(CampaignSchool.objects.filter(campaign=OuterRef("pk"))),
            n_inspected=_count(
                CampaignVisit.objects.filter(campaign=OuterRef("pk"), visit__checklist__status=SUBMITTED),
                "visit__school",
            ),
        )
        .order_by("-start", "-pk")
    )


@dataclass
class SchoolRow:
    school: object
    visits: list = field(default_factory=list)
    problems: int = 0
    tickets: int = 0
    closed: int = 0

    @property
    def inspected(self) -> bool:
        return any(v.checklist.status == SUBMITTED for v in self.visits)

    @property
    def in_progress(self) -> bool:
        return not self.inspected and bool(self.visits)


def campaign_visits(campaign: Campaign) -> QuerySet[Visit]:
    return Visit.objects.filter(campaign_link__campaign=campaign)


def campaign_problems(campaign: Campaign) -> QuerySet[Problem]:
    """Findings of the campaign: problems recorded on its special visits' checklists."""
    return Problem.objects.filter(visit__campaign_link__campaign=campaign)


def campaign_school_rows(campaign: Campaign) -> list[SchoolRow]:
    """Every school of the campaign with its special visits, findings and tickets (4 queries)."""
    links = CampaignSchool.objects.filter(campaign=campaign).select_related("school").prefetch_related(
        Prefetch("school__memberships", queryset=SchoolMembership.objects.current().select_related("zone"),
                 to_attr="open_memberships")
    ).order_by("position")
    rows = {link.school_id: SchoolRow(school=link.school) for link in links}
    visits = (
        campaign_visits(campaign).select_related("checklist", "created_by").prefetch_related("supervisors").order_by("date", "pk")
    )
    for visit in visits:
        if visit.school_id in rows:
            rows[visit.school_id].visits.append(visit)
    counts = (
        campaign_problems(campaign).values("school")
        .annotate(n=Count("pk"), t=Count("ticket"), c=Count("ticket", filter=Q(ticket__status=TicketStatus.CLOSED)))
    )
    for c in counts:
        if c["school"] in rows:
            row = rows[c["school"]]
            row.problems, row.tickets, row.closed = c["n"], c["t"], c["c"]
    return list(rows.values())


@dataclass
class CampaignFigures:
    schools: int
    inspected: int
    visits: int
    problems: int
    tickets: int
    closed: int
    by_item: list[tuple[str, str, int]]
    by_status: list[tuple[str, int]]

    @property
    def rate(self) -> float:
        """整改率: closed tickets (销号) over tickets opened, in percent."""
        return round(100 * self.closed / self.tickets, 1) if self.tickets else 0.0


def campaign_figures(campaign: Campaign, rows: list[SchoolRow] | None = None) -> CampaignFigures:
    rows = campaign_school_rows(campaign) if rows is None else rows
    by_item = Counter()
    titles = dict(campaign.items.values_list("code", "title"))
    for code, title in campaign_problems(campaign).values_list("item_code", "item_title"):
        by_item[code] += 1
        titles.setdefault(code, title)
    statuses = Counter(
        Ticket.objects.filter(problem__visit__campaign_link__campaign=campaign).values_list("status", flat=True)
    )
    return CampaignFigures(
        schools=len(rows),
        inspected=sum(1 for r in rows if r.inspected),
        visits=sum(1 for r in rows for v in r.visits if v.checklist.status == SUBMITTED),
        problems=sum(r.problems for r in rows),
        tickets=sum(r.tickets for r in rows),
        closed=sum(r.closed for r in rows),
        by_item=[(code, titles[code], by_item.get(code, 0)) for code in [*titles]],
        by_status=[(TicketStatus(s).label, statuses.get(s, 0)) for s in TicketStatus.values],
    )


def year_figures(*, office, year: int, until=None) -> dict:
    """An office's special inspections that year, for the year-end summary: campaigns (started by the
    cut-off ``until``), topics, schools inspected (once per campaign), problems found and rectified
    (ticket closed) by then."""
    until = until or dt.date(year, 12, 31)
    campaigns = list(Campaign.objects.filter(office=office, start__year=year, start__lte=until).order_by("start"))
    inspected = (
        CampaignVisit.objects.filter(campaign__in=campaigns, visit__checklist__status=SUBMITTED, visit__date__lte=until)
        .values("campaign", "visit__school").distinct().count()
    ) if campaigns else 0
    problems = Problem.objects.filter(visit__campaign_link__campaign__in=campaigns, found_on__lte=until,
                                      visit__checklist__status=SUBMITTED)
    per_topic: dict[str, int] = defaultdict(int)
    for c in campaigns:
        per_topic[c.get_topic_display()] += 1
    return {
        "campaigns": len(campaigns),
        "topics": list(per_topic),
        "schools": inspected,
        "problems": problems.count() if campaigns else 0,
        "rectified": problems.filter(ticket__status=TicketStatus.CLOSED, ticket__closed_on__lte=until).count()
        if campaigns else 0,
    }


def campaign_tickets(campaign: Campaign) -> QuerySet[Ticket]:
    """The rectification tickets opened on the campaign's findings, with problem and school."""
    return (
        Ticket.objects.filter(problem__visit__campaign_link__campaign=campaign)
        .select_related("problem", "school")
        .order_by("school__name", "problem__item_code", "pk")
    )
