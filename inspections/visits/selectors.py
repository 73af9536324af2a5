"""Which visits and problems count, and the reads of a visit's checklist; each runs a constant number of queries.

Counting rules (used by summaries, coverage, the reports, the dashboard and the year-end summary):
- a visit counts once its checklist is submitted; drafts and reopened checklists — and the problems
  and tickets on them — count nowhere until submitted again (``counted_visits``, ``counted_problems``,
  ``counted_tickets``);
- a school is covered (全覆盖) in a month when it has at least one counted visit that month; the
  schools a month is counted over are those in the roster (of the office, of the zone) on the day the
  month is counted as at — its last day, or today while it runs (``calendar.as_at``), by their
  membership of that day (``schools.selectors``);
- a joint visit is one visit to the school and one person-visit (人次) for each supervisor present;
- only routine visits (经常性督导) count; a special inspection's visits belong to its campaign;
- a visit and its problems count for the zone the school was in on the day (Visit.zone, set from the
  membership of that day), so a school moved to another zone mid-year leaves its earlier visits with
  the zone that made them.
"""
from __future__ import annotations

from django.db.models import Q, Exists, OuterRef, Prefetch, QuerySet

from inspections.models.choices import ChecklistStatus, RecheckResult, TicketStatus, VisitKind
from inspections.models import Checklist, ChecklistAnswer, Photo, Problem, Recheck, Visit


def counted_visits() -> QuerySet[Visit]:
    """Visits that count: routine (经常性督导), their checklist submitted."""
    return Visit.objects.filter(kind=VisitKind.ROUTINE, checklist__status=ChecklistStatus.SUBMITTED)


def counted_q(problem: str = "") -> Q:
    """The problems that count: found on a submitted checklist (routine or special), or raised without
    a visit (an evaluation, a verified complaint). A draft's or a reopened checklist's count nowhere.
    ``problem`` is the path to the problem ("problem__" from a ticket).

    Written as "not among the few problems of unsubmitted checklists" (a small set the database
    hashes once) rather than as a join of every ticket with its problem, visit and checklist: the
    ledger's totals and id list over 20,000 tickets read the ticket table alone."""
    unsubmitted = Checklist.objects.exclude(status=ChecklistStatus.SUBMITTED).values("visit_id")
    uncounted = Problem.objects.filter(visit_id__in=unsubmitted).values("pk")
    return ~Q(**{f"{problem}pk__in": uncounted})


def counted_problems() -> QuerySet[Problem]:
    return Problem.objects.filter(counted_q())


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
        Checklist.objects.select_related("visit__school", "visit__zone", "visit__office", "visit__created_by", "plan_month")
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
