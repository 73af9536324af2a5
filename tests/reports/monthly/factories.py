"""Helpers for the monthly zone report tests: visits made in a past month, tickets moved through time."""
import datetime as dt

from django.utils import timezone

from inspections.models import Problem, Ticket
from tests import factories as f

YEAR, MONTH = 2026, 10  # a finished month before "today" (the tests run in November 2026 or later)


def day(n: int, month: int = MONTH, year: int = YEAR) -> dt.date:
    return dt.date(year, month, n)


def at(date: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(date.year, date.month, date.day, hour))


def visit(supervisor, school, date: dt.date, *, problems: int = 0, co=()):
    """A submitted routine visit made (and entered) on ``date``."""
    return f.visit_filled(user=supervisor.user, school=school, date=date, problems=problems, co_supervisors=co)


def close_ticket(ticket: Ticket, supervisor, when: dt.date) -> Ticket:
    """Close (销号) a ticket through the service: the supervisor's re-check on ``when``."""
    from inspections.models.choices import RecheckResult
    from inspections.tickets.services import ticket_recheck

    with f.on_day(when, hour=15):
        return ticket_recheck(ticket=Ticket.objects.get(pk=ticket.pk), actor=supervisor.user, result=RecheckResult.RECTIFIED)


def problems_of(v) -> list[Problem]:
    return list(Problem.objects.filter(visit=v).select_related("ticket").order_by("pk"))
