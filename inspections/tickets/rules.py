"""Rectification figures, each defined once (STYLE "Each figure is defined once").

Every document — dashboard, ledger, monthly zone report, year-end summary, Excel, PDF, API — counts
tickets with these rules, under these labels, as at a day ``day`` (today, a month's last day, a
summary's cut-off), by the dates things happened:

- 已销号 (closed): closed on or before ``day`` (``Ticket.closed_on``, the re-check's day);
- 逾期未整改 (open past its deadline): not closed by ``day`` and its deadline before ``day``;
- 逾期整改 (closed after its deadline): closed by ``day``, later than its deadline;
- 按期整改率 (on-time rate): tickets closed by their deadline ÷ tickets whose outcome is known by
  ``day`` (closed, or still open past their deadline) — a ticket not yet due is not counted either way;
- 整改率 (rectification rate): closed ÷ all tickets counted.

A rate with nothing to divide by is ``None`` and prints 「—」, never 0.0%. A ticket's deadline is the
one in force (an approved extension moves it); a closed ticket's deadline cannot move any more.
Draft and reopened checklists' problems count nowhere (``counted_tickets`` below).
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inspections.models.choices import TicketStatus
from inspections.models import Ticket, TicketEvent
from inspections.visits.selectors import counted_q

CLOSED = TicketStatus.CLOSED

LABELS = {
    "closed": _("已销号"),
    "unrectified": _("未销号"),
    "overdue_open": _("逾期未整改"),
    "closed_late": _("逾期整改"),
    "on_time_rate": _("按期整改率"),
    "rectification_rate": _("整改率"),
}
NO_RATE = "—"


def closed_by(day: dt.date, prefix: str = "") -> Q:
    """已销号 as at ``day``."""
    return Q(**{f"{prefix}status": CLOSED, f"{prefix}closed_on__lte": day})


def open_on(day: dt.date, prefix: str = "") -> Q:
    """Not closed as at ``day`` (still open then, whatever happened later)."""
    return ~closed_by(day, prefix)


def overdue_open(day: dt.date, prefix: str = "") -> Q:
    """逾期未整改 as at ``day``: not closed by then, its deadline before ``day``."""
    return open_on(day, prefix) & Q(**{f"{prefix}deadline__lt": day})


def closed_late(day: dt.date, prefix: str = "") -> Q:
    """逾期整改 as at ``day``: closed by then, after its deadline."""
    return closed_by(day, prefix) & Q(**{f"{prefix}closed_on__gt": F(f"{prefix}deadline")})


def closed_on_time(day: dt.date, prefix: str = "") -> Q:
    """Closed by ``day`` and by its deadline."""
    return closed_by(day, prefix) & Q(**{f"{prefix}closed_on__lte": F(f"{prefix}deadline")})


def decided(day: dt.date, prefix: str = "") -> Q:
    """Tickets whose on-time outcome is known by ``day``: closed, or open past the deadline."""
    return closed_by(day, prefix) | overdue_open(day, prefix)


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal, or None when there is nothing to divide by (prints 「—」)."""
    return round(100 * part / whole, 1) if whole else None


def rate_text(value: float | None) -> str:
    """A rate as printed in documents: 「76.5%」, or 「—」 without a denominator."""
    if value is None:
        return NO_RATE
    return f"{value:g}%"


def is_overdue(ticket, day: dt.date) -> bool:
    """逾期未整改 on ``day`` for one ticket in hand (``overdue_open`` is the same rule for querysets)."""
    return ticket.status != CLOSED and ticket.deadline < day


def days_overdue(*, status: str, deadline: dt.date, closed_on: dt.date | None, day: dt.date) -> int:
    """Days past the deadline: until ``day`` for an open ticket, until 销号 for a closed one (0 if on time)."""
    end = closed_on if status == CLOSED and closed_on and closed_on <= day else day
    return max(0, (end - deadline).days)


def deadlines_on(first_deadlines: dict[int, dt.date], day: dt.date) -> dict[int, dt.date]:
    """Each ticket's deadline in force on ``day``: its problem's first deadline, moved by the
    extensions approved (审批日期) by then (1 query). ``first_deadlines``: ticket id → problem.deadline."""
    from inspections.models.choices import ExtensionStatus
    from inspections.models import Extension

    deadlines = dict(first_deadlines)
    for ticket_id, deadline in (
        Extension.objects.filter(ticket__in=list(deadlines), status=ExtensionStatus.APPROVED, decided_on__lte=day)
        .order_by("decided_on", "pk")
        .values_list("ticket_id", "requested_deadline")
    ):
        deadlines[ticket_id] = deadline
    return deadlines


def statuses_on(ticket_ids, day: dt.date) -> dict[int, str]:
    """Each ticket's status as at ``day``: its last status change that happened on or before then
    (``TicketEvent.occurred_on``) — a ticket closed later still reads open (1 query)."""
    status: dict[int, str] = {}
    for event in (
        TicketEvent.objects.filter(ticket_id__in=list(ticket_ids), occurred_on__lte=day)
        .exclude(to_status="")
        .order_by("occurred_on", "at", "pk")
        .values("ticket_id", "to_status")
    ):
        status[event["ticket_id"]] = event["to_status"]
    return status


def default_deadline(found_on: dt.date) -> dt.date:
    """限期整改: a month by default."""
    return found_on + relativedelta(months=1)


def counted_tickets() -> QuerySet[Ticket]:
    """Tickets of the problems that count (a reopened checklist's tickets wait until it is submitted again)."""
    return Ticket.objects.filter(counted_q("problem__"))
