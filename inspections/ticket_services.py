"""Rectification tickets: the state machine and every write that changes a ticket.

问题必整改、整改必落实 (seed 003): each problem of a submitted checklist becomes a ticket; the school
answers with a report and evidence; the supervisor re-checks and closes it (销号) or returns it.
Every change goes through ``_move`` or ``_record``, which lock the row, check the version the user
acted on, and write the history (who, when, what, from where).
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import RecheckResult, TicketAction, TicketStatus
from .models import Recheck, Ticket, TicketEvent, TicketReport

O, P, S, C = TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.SUBMITTED, TicketStatus.CLOSED

# The one table of allowed moves: (from, action) -> to. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (O, TicketAction.STARTED): P,
    (O, TicketAction.REPORT_SUBMITTED): S,
    (P, TicketAction.REPORT_SUBMITTED): S,
    (S, TicketAction.RETURNED): P,
    (S, TicketAction.CLOSED): C,
    # An on-site re-check (回访) that finds the problem rectified may close it before a report.
    (O, TicketAction.CLOSED): C,
    (P, TicketAction.CLOSED): C,
}


class StaleTicket(ValidationError):
    """Someone else changed the ticket since this user loaded it."""


def allowed_actions(status: str) -> set[str]:
    return {action for (origin, action) in TRANSITIONS if origin == status}


def is_overdue(ticket: Ticket, today: dt.date | None = None) -> bool:
    """Overdue is derived from the deadline, never stored."""
    return ticket.status != TicketStatus.CLOSED and ticket.deadline < (today or timezone.localdate())


def _locked(ticket: Ticket, expected_version: int | None) -> Ticket:
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleTicket(
            _("该整改通知刚被他人更新(当前状态:%(status)s),请刷新页面后再操作;您填写的内容已保留。")
            % {"status": fresh.get_status_display()}
        )
    return fresh


def _record(ticket: Ticket, action: str, *, actor, note: str = "", ip: str | None = None,
            from_status: str = "", to_status: str = "") -> TicketEvent:
    Ticket.objects.filter(pk=ticket.pk).update(version=ticket.version + 1, updated_at=timezone.now())
    ticket.version += 1
    return TicketEvent.objects.create(
        ticket=ticket, action=action, actor=actor, note=note, ip_address=ip, from_status=from_status, to_status=to_status
    )


def _move(ticket: Ticket, action: str, *, actor, expected_version: int | None, note: str = "",
          ip: str | None = None) -> Ticket:
    ticket = _locked(ticket, expected_version)
    target = TRANSITIONS.get((ticket.status, action))
    if target is None:
        raise ValidationError(
            _("当前状态“%(status)s”下不能执行“%(action)s”。")
            % {"status": ticket.get_status_display(), "action": TicketAction(action).label}
        )
    origin = ticket.status
    ticket.status = target
    fields = ["status"]
    if target == C:
        ticket.closed_at, ticket.closed_by = timezone.now(), actor
        fields += ["closed_at", "closed_by"]
    ticket.save(update_fields=fields)
    _record(ticket, action, actor=actor, note=note, ip=ip, from_status=origin, to_status=target)
    return ticket


@transaction.atomic
def tickets_open(*, problems, actor) -> list[Ticket]:
    """Turn the problems of a submitted checklist into tickets (idempotent: one ticket a problem)."""
    created = []
    for problem in problems:
        ticket, was_created = Ticket.objects.get_or_create(
            problem=problem,
            defaults={"office_id": problem.office_id, "school_id": problem.school_id, "deadline": problem.deadline,
                      "opened_on": problem.found_on},
        )
        if was_created:
            TicketEvent.objects.create(ticket=ticket, action=TicketAction.CREATED, actor=actor, to_status=O,
                                       note=problem.opinion)
            created.append(ticket)
    return created


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor, expected_version: int | None = None, ip: str | None = None) -> Ticket:
    """The school starts rectifying (整改中)."""
    return _move(ticket, TicketAction.STARTED, actor=actor, expected_version=expected_version, ip=ip)


def current_report(ticket: Ticket) -> TicketReport:
    """The report of the current round (created on demand; a returned ticket opens a new round)."""
    report = ticket.reports.order_by("-round").first()
    if report is None or report.submitted_at is not None and ticket.status != S:
        round_no = (report.round + 1) if report else 1
        report = TicketReport.objects.create(ticket=ticket, round=round_no)
    return report


@transaction.atomic
def ticket_report_submit(*, ticket: Ticket, actor, text: str, expected_version: int | None = None,
                         ip: str | None = None) -> Ticket:
    """The school submits its rectification report (整改报告); report and evidence become immutable."""
    if not text.strip():
        raise ValidationError({"text": _("请填写整改情况说明。")})
    locked = _locked(ticket, expected_version)
    report = current_report(locked)
    if not report.evidence.exists():
        raise ValidationError(_("请至少上传一份佐证材料(照片或文件)后再提交。"))
    report.text, report.submitted_at, report.submitted_by = text.strip(), timezone.now(), actor
    report.save(update_fields=["text", "submitted_at", "submitted_by"])
    return _move(locked, TicketAction.REPORT_SUBMITTED, actor=actor, expected_version=None,
                 note=_("第%(n)d轮整改报告") % {"n": report.round}, ip=ip)


@transaction.atomic
def ticket_return(*, ticket: Ticket, actor, reason: str, expected_version: int | None = None,
                  ip: str | None = None) -> Ticket:
    """The supervisor sends the report back (退回) with reasons; the school rectifies again."""
    if not reason.strip():
        raise ValidationError({"reason": _("退回必须说明原因。")})
    ticket = _move(ticket, TicketAction.RETURNED, actor=actor, expected_version=expected_version, note=reason.strip(), ip=ip)
    report = ticket.reports.order_by("-round").first()
    report.return_reason = reason.strip()
    report.save(update_fields=["return_reason"])
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor, recheck: Recheck, expected_version: int | None = None,
                 ip: str | None = None) -> Ticket:
    """销号: a ticket closes only after a re-check that found the problem rectified."""
    if recheck is None or recheck.problem_id != ticket.problem_id or recheck.result != RecheckResult.RECTIFIED:
        raise ValidationError(_("销号前必须完成复查,且复查结果为“已整改到位”。"))
    last_report = ticket.reports.exclude(submitted_at=None).order_by("-submitted_at").first()
    if last_report and recheck.created_at < last_report.submitted_at:
        raise ValidationError(_("复查早于最新一次整改报告,请针对最新报告重新复查。"))
    return _move(ticket, TicketAction.CLOSED, actor=actor, expected_version=expected_version,
                 note=recheck.notes, ip=ip)


