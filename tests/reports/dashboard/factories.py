"""A year of the monthly loop in county A (last year, a whole past year: every date is fixed), built
through the services as supervisors fill it in, with the awkward cases the dashboard must count right:
a joint visit, a school moved to another zone mid-year, a draft and a special visit (not counted), a
ticket closed on time, one closed after the period, overdue ones, escalations, and county B's data
(never in county A's figures)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inspections.tickets import services as ticket_services
from inspections.models.choices import EscalationLevel, EscalationStatus, ProblemSource, RecheckResult, Severity, VisitKind
from inspections.models import Escalation, Problem, Ticket, Visit
from supervision.services import zone_assign_schools
from tests import factories as f


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def close(ticket: Ticket, on: dt.date, *, by) -> None:
    """销号 on a given day: the supervisor's re-check on the school's evidence, made that day."""
    with f.on_day(on):
        ticket_services.ticket_recheck(ticket=Ticket.objects.get(pk=ticket.pk), actor=by, result=RecheckResult.RECTIFIED)


def year_of_data(world) -> dict:
    year = timezone.localdate().year - 1
    s, sup_a1, sup_a2 = world["schools"], world["sup_a1"], world["sup_a2"]
    d = lambda m, day: dt.date(year, m, day)  # noqa: E731
    # March: a joint visit to a1 (sup_a1 with sup_a2 present) and a visit to a2 finding two problems.
    joint = f.visit_filled(user=sup_a1.user, school=s["a1"], date=d(3, 10), co_supervisors=[sup_a2])
    a2_march = f.visit_filled(user=sup_a1.user, school=s["a2"], date=d(3, 15), problems=2)
    # April: a1 again, one problem (a1 still in zone A1).
    a1_april = f.visit_filled(user=sup_a1.user, school=s["a1"], date=d(4, 5), problems=1)
    # May: a draft (not counted) and a special inspection's visit (not counted) at a3.
    f.visit_filled(user=sup_a2.user, school=s["a3"], date=d(5, 1), submit=False)
    special = f.visit_filled(user=sup_a2.user, school=s["a3"], date=d(5, 2))
    Visit.objects.filter(pk=special.pk).update(kind=VisitKind.SPECIAL)
    # June: a1 moves to zone A2; in September sup_a2 visits it there and finds a severe problem.
    with f.on_day(d(6, 1)):
        zone_assign_schools(zone=world["zone_a2"], schools=[s["a1"]], on=d(6, 1))
    s["a1"].refresh_from_db()
    a1_sept = f.visit_filled(user=sup_a2.user, school=s["a1"], date=d(9, 10), problems=1)
    Problem.objects.filter(visit=a1_sept).update(severity=Severity.SEVERE)

    t_on_time, t_late = Ticket.objects.filter(problem__visit=a2_march).order_by("pk")
    close(t_on_time, t_on_time.deadline, by=sup_a1.user)  # closed on its deadline: on time
    close(t_late, dt.date(year + 1, 1, 20), by=sup_a1.user)  # closed after the period (and late)
    t_april = Ticket.objects.get(problem__visit=a1_april)  # open, past its deadline: overdue
    t_sept = Ticket.objects.get(problem__visit=a1_sept)  # open, past its deadline: overdue
    urge = Escalation.objects.create(ticket=t_april, level=EscalationLevel.URGE, status=EscalationStatus.CONFIRMED, days_overdue=8)
    notice = Escalation.objects.create(ticket=t_april, level=EscalationLevel.NOTICE, days_overdue=31)
    Escalation.objects.filter(pk=urge.pk).update(proposed_at=at(d(5, 13)))
    Escalation.objects.filter(pk=notice.pk).update(proposed_at=at(d(6, 5)))

    # County B: a visit and a complaint's problem, never part of county A's figures.
    f.visit_filled(user=world["sup_b1"].user, school=s["b1"], date=d(3, 3), problems=1)
    ticket_services.problem_raise(
        school=s["b1"], source=ProblemSource.COMPLAINT, item_code="C1", item_title="违规收费", description="家长举报",
        opinion="核实整改", found_on=d(4, 1), actor=world["admin_b"], severity=Severity.MAJOR,
    )
    return {
        "year": year, "joint": joint, "a2_march": a2_march, "a1_april": a1_april, "a1_sept": a1_sept,
        "t_on_time": t_on_time, "t_late": t_late, "t_april": t_april, "t_sept": t_sept,
    }
