"""Reads of complaints: the public lookup by receipt code, and the office's response times."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inspections.models.choices import TicketStatus

from .choices import ComplaintStatus
from .models import Complaint
from .services import CLOSED_STATUSES, OPEN_STATUSES, receipt_code_normalize

S = ComplaintStatus


def complaint_for_code(code: str) -> Complaint | None:
    """The complaint whose receipt code this is (a wrong code finds nothing and says nothing more)."""
    code = receipt_code_normalize(code)
    if not code:
        return None
    return Complaint.objects.select_related("school", "problem__ticket").filter(code=code).first()


@dataclass(frozen=True)
class PublicStatus:
    """What the complainant reads: never the notes, the verifier, or anyone's contact."""

    label: str
    style: str
    explanation: str


def public_status(complaint: Complaint) -> PublicStatus:
    if complaint.status == S.RECEIVED:
        return PublicStatus(_("已受理,待核实"), "secondary", _("您反映的情况已转交该校的责任督学,将在5个工作日内核实。"))
    if complaint.status == S.VERIFYING:
        return PublicStatus(_("正在核实"), "info", _("责任督学正在核实您反映的情况。"))
    if complaint.status == S.UNFOUNDED:
        return PublicStatus(_("已办结:经核实不属实"), "secondary", _("经责任督学核实,反映的情况不属实。"))
    if complaint.status == S.RESOLVED:
        return PublicStatus(_("已办结:问题已解决"), "success", _("经责任督学核实,反映的问题已解决。"))
    ticket = getattr(complaint.problem, "ticket", None) if complaint.problem_id else None
    if ticket is not None and ticket.status == TicketStatus.CLOSED:
        return PublicStatus(_("已办结:学校已整改到位"), "success", _("反映的问题经核实属实,学校已按要求整改,责任督学复查后已销号。"))
    return PublicStatus(_("正在处理:已责令学校整改"), "warning", _("反映的问题经核实属实,督导室已向学校下达整改通知,责任督学将督促整改并复查。"))


def verify_overdue_q(today: dt.date) -> Q:
    """Not verified within the rule (VERIFY_WORKING_DAYS) and still waiting today."""
    return Q(first_action_at__isnull=True, verify_due__lt=today)


def is_verify_overdue(complaint: Complaint, today: dt.date) -> bool:
    return complaint.first_action_at is None and complaint.verify_due < today


def _days(value) -> float | None:
    """An averaged duration as days (PostgreSQL gives a timedelta, SQLite microseconds)."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return round(seconds / 86400, 1)


def response_times(complaints: QuerySet[Complaint], *, today: dt.date) -> dict:
    """Counts and response times of these complaints, in one query: received → first action
    (核实) and received → closed (办结), averaged in days; overdue = not verified within 5 working
    days (still waiting, or verified late)."""
    first = ExpressionWrapper(F("first_action_at") - F("received_at"), output_field=DurationField())
    close = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())
    row = complaints.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
        unfounded=Count("pk", filter=Q(status=S.UNFOUNDED)),
        resolved=Count("pk", filter=Q(status=S.RESOLVED)),
        to_ticket=Count("pk", filter=Q(status=S.RECTIFYING)),
        overdue=Count("pk", filter=verify_overdue_q(today)),
        verified_late=Count("pk", filter=Q(first_action_at__isnull=False, first_action_at__date__gt=F("verify_due"))),
        avg_first=Avg(first, filter=Q(first_action_at__isnull=False)),
        avg_close=Avg(close, filter=Q(closed_at__isnull=False)),
    )
    row["avg_first_days"] = _days(row.pop("avg_first"))
    row["avg_close_days"] = _days(row.pop("avg_close"))
    return row
