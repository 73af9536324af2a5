"""The escalation ladder (督办 → 通报 → 约谈 → 问责) and the daily rectification check.

问题必整改、整改必落实 (seed 003): an overdue ticket climbs one rung at a time. The daily check
proposes the next rung once the ticket's days overdue reach that rung's threshold (per office,
``EscalationPolicy``) and the rung below is confirmed; the director (督导室主任) of the office
confirms or dismisses each proposal ("the director confirms each step"). Every step is written
in the ticket's history. A confirmed 督办 yields a printable notice (督办通知书) addressed to the
school.

Rules decided here (the issue is silent on them):
- Only tickets waiting on the school (待整改, 整改中) are warned, reported overdue and escalated: a
  ticket whose report is submitted waits on the supervisor's re-check, not on the school.
- A dismissed rung (暂不升级) is proposed again after ``RE_PROPOSE_AFTER_DAYS`` more days if the
  ticket is still overdue — never the same day.
- Days overdue printed on the notice are those on the day the director confirmed it; the notice
  gives the school ``URGE_RECTIFY_DAYS`` more days from that day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision import access, clock
from supervision.models import Office
from supervision.pdf import pdf_from_template

from inspections.models.choices import EscalationLevel, EscalationStatus, TicketAction, TicketStatus
from inspections.models import Escalation, EscalationPolicy, Ticket
from inspections.notifications import services as notifications
from inspections.tickets import rules as rectification
from inspections.tickets.services import ticket_event_record, ticket_lock

RE_PROPOSE_AFTER_DAYS = 7
URGE_RECTIFY_DAYS = 15
# Tickets whose next move is the school's: only these are warned, overdue and escalated.
WAITING_ON_SCHOOL = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)
LADDER = [level for level, _label in EscalationLevel.choices]
THRESHOLD_FIELDS = ["urge_after_days", "notice_after_days", "summons_after_days", "accountability_after_days"]
MAX_THRESHOLD_DAYS = 3650


class EscalationAlreadyDecided(ValidationError):
    """Someone else confirmed or dismissed this proposal first."""


# --- Policy ---------------------------------------------------------------------------------------


def escalation_policy_ensure(*, office: Office) -> EscalationPolicy:
    """The office's thresholds, created with the defaults (7/30/60/90 days) on first use."""
    policy, _created = EscalationPolicy.objects.get_or_create(office=office)
    return policy


@transaction.atomic
def escalation_policy_save(*, office: Office, actor, urge_after_days: int, notice_after_days: int,
                           summons_after_days: int, accountability_after_days: int) -> EscalationPolicy:
    """An office's admin or director sets the days overdue at which each rung is proposed; the rungs
    come in order, so each threshold is later than the one before."""
    if not access.offices_planned_by(actor).filter(pk=office.pk).exists():
        raise ValidationError(_("只有本督导室的管理员或主任可以修改升级督办规则。"))
    values = [urge_after_days, notice_after_days, summons_after_days, accountability_after_days]
    errors = {}
    for field, value in zip(THRESHOLD_FIELDS, values):
        if value is None or not 1 <= value <= MAX_THRESHOLD_DAYS:
            errors[field] = _("请输入 1 到 %(max)d 之间的天数。") % {"max": MAX_THRESHOLD_DAYS}
    for i in range(1, len(values)):
        if not errors.keys() & {THRESHOLD_FIELDS[i], THRESHOLD_FIELDS[i - 1]} and values[i] <= values[i - 1]:
            errors[THRESHOLD_FIELDS[i]] = _("“%(level)s”的天数须多于上一级(%(prev)d天)。") % {
                "level": EscalationLevel(LADDER[i]).label, "prev": values[i - 1],
            }
    if errors:
        raise ValidationError(errors)
    policy = EscalationPolicy.objects.select_for_update().get(pk=escalation_policy_ensure(office=office).pk)
    for field, value in zip(THRESHOLD_FIELDS, values):
        setattr(policy, field, value)
    policy.save()
    return policy


# --- Proposing (the daily check) ------------------------------------------------------------------


def next_rung(escalations, *, policy: EscalationPolicy, days: int, today: dt.date) -> int | None:
    """The rung to propose for a ticket ``days`` overdue, or None: one rung at a time, in order,
    none while a proposal waits, a dismissed rung again only after ``RE_PROPOSE_AFTER_DAYS``."""
    escalations = list(escalations)
    if any(e.status == EscalationStatus.PROPOSED for e in escalations):
        return None
    confirmed = [e.level for e in escalations if e.status == EscalationStatus.CONFIRMED]
    level = max(confirmed, default=0) + 1
    if level > EscalationLevel.ACCOUNTABILITY or days < policy.threshold(level):
        return None
    dismissed = next((e for e in escalations if e.level == level and e.status == EscalationStatus.DISMISSED), None)
    if dismissed and (today - clock.date_of(dismissed.decided_at)).days < RE_PROPOSE_AFTER_DAYS:
        return None
    return level


def _propose(ticket: Ticket, *, level: int, days: int) -> Escalation:
    ticket = ticket_lock(ticket, None)
    escalation, created = Escalation.objects.get_or_create(
        ticket=ticket, level=level, defaults={"days_overdue": days}
    )
    if not created:  # a dismissed rung proposed again
        escalation.status, escalation.days_overdue, escalation.proposed_at = EscalationStatus.PROPOSED, days, clock.now()
        escalation.decided_by = escalation.decided_at = None
        escalation.note = ""
        escalation.save()
    ticket_event_record(ticket, TicketAction.ESCALATION_PROPOSED, actor=None, note=_("逾期%(n)d天,提请%(level)s") % {
        "n": days, "level": EscalationLevel(level).label,
    })
    escalation.ticket = ticket
    return escalation


@dataclass
class DailyCheck:
    deadline_soon: int = 0  # tickets whose school was warned of a near deadline
    overdue: int = 0  # tickets reported overdue
    escalations_proposed: int = 0
    notifications: int = 0
    emails_queued: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@transaction.atomic
def rectification_daily_check(*, today: dt.date) -> dict[str, int]:
    """The daily check (Celery beat, 07:30): warn schools 3 days before a deadline, tell schools and
    their supervisors when a ticket falls overdue, and propose the next rung of the ladder to the
    director. Safe to run twice a day: each event notifies each person once (notification keys)
    and a rung is proposed once (one escalation per ticket and level)."""
    result = DailyCheck()
    created = []
    waiting = Ticket.objects.filter(status__in=WAITING_ON_SCHOOL).select_related("problem", "school", "office")
    soon = waiting.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=notifications.DEADLINE_SOON_DAYS))
    for ticket in soon.order_by("deadline", "pk"):
        new = notifications.ticket_deadline_soon_notify(ticket=ticket, today=today)
        result.deadline_soon += bool(new)
        created += new
    policies: dict[int, EscalationPolicy] = {}
    for ticket in waiting.filter(rectification.overdue_open(today)).prefetch_related("escalations").order_by("deadline", "pk"):
        new = notifications.ticket_overdue_notify(ticket=ticket, today=today)
        result.overdue += bool(new)
        created += new
        if ticket.office_id not in policies:
            policies[ticket.office_id] = escalation_policy_ensure(office=ticket.office)
        days = rectification.days_overdue(status=ticket.status, deadline=ticket.deadline, closed_on=ticket.closed_on, day=today)
        level = next_rung(ticket.escalations.all(), policy=policies[ticket.office_id], days=days, today=today)
        if level is None:
            continue
        escalation = _propose(ticket, level=level, days=days)
        result.escalations_proposed += 1
        created += notifications.escalation_proposed_notify(escalation=escalation, today=today)
    result.notifications = len(created)
    notifications.emails_on_commit(created)
    result.emails_queued = len(created)
    return result.as_dict()


# --- Deciding (the director) ----------------------------------------------------------------------


def _decidable(escalation: Escalation, actor) -> Escalation:
    if not access.escalations_decidable_by(actor).filter(pk=escalation.pk).exists():
        raise ValidationError(_("只有本督导室主任可以确认或暂不升级。"))
    fresh = Escalation.objects.select_for_update().select_related("ticket").get(pk=escalation.pk)
    if fresh.status != EscalationStatus.PROPOSED:
        raise EscalationAlreadyDecided(
            _("该提请已由他人处理(%(status)s),请刷新页面;您填写的意见已保留。") % {"status": fresh.get_status_display()}
        )
    return fresh


@transaction.atomic
def escalation_confirm(*, escalation: Escalation, actor, note: str = "", ip: str | None = None,
                       today: dt.date | None = None) -> Escalation:
    """The director confirms the proposed rung. The ticket must still be overdue and open; a
    confirmed 督办 is sent to the school as a notice (督办通知书)."""
    today = today or clock.today()
    escalation = _decidable(escalation, actor)
    ticket = ticket_lock(escalation.ticket, None)
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError(_("该整改通知已销号,无需升级,请选择“暂不升级”。"))
    days = rectification.days_overdue(status=ticket.status, deadline=ticket.deadline, closed_on=ticket.closed_on, day=today)
    if days <= 0:
        raise ValidationError(_("该整改通知已不再逾期(整改期限已延至%(date)s),无需升级,请选择“暂不升级”。")
                              % {"date": notifications.cn_date(ticket.deadline)})
    escalation.status, escalation.decided_by, escalation.decided_at = EscalationStatus.CONFIRMED, actor, clock.now()
    escalation.days_overdue, escalation.note = days, note.strip()
    escalation.save()
    label = EscalationLevel(escalation.level).label
    ticket_event_record(ticket, TicketAction.ESCALATION_CONFIRMED, actor=actor, ip=ip,
            note=_("确认%(level)s(逾期%(n)d天)") % {"level": label, "n": days} + (f":{note.strip()}" if note.strip() else ""))
    escalation.ticket = ticket
    if escalation.level == EscalationLevel.URGE:
        notifications.escalation_confirmed_notify(escalation=escalation)
    return escalation


@transaction.atomic
def escalation_dismiss(*, escalation: Escalation, actor, note: str, ip: str | None = None) -> Escalation:
    """The director decides not to escalate now (暂不升级), saying why; the rung may be proposed
    again after ``RE_PROPOSE_AFTER_DAYS`` days if the ticket is still overdue."""
    if not note.strip():
        raise ValidationError({"note": _("请说明暂不升级的理由。")})
    escalation = _decidable(escalation, actor)
    ticket = ticket_lock(escalation.ticket, None)
    escalation.status, escalation.decided_by, escalation.decided_at = EscalationStatus.DISMISSED, actor, clock.now()
    escalation.note = note.strip()
    escalation.save()
    ticket_event_record(ticket, TicketAction.ESCALATION_DISMISSED, actor=actor, ip=ip, note=_("暂不%(level)s:%(note)s") % {
        "level": EscalationLevel(escalation.level).label, "note": note.strip(),
    })
    escalation.ticket = ticket
    return escalation


# --- Selectors ------------------------------------------------------------------------------------


def escalation_list(escalations, *, pending_only: bool = False):
    """Escalations for the list page: pending first (most overdue first), then the latest decisions;
    ticket, problem, school and office joined (one query)."""
    rows = escalations.select_related("ticket__problem", "ticket__school", "ticket__office", "decided_by")
    if pending_only:
        rows = rows.filter(status=EscalationStatus.PROPOSED)
    pending = When(status=EscalationStatus.PROPOSED, then=Value(0))
    return rows.order_by(
        Case(pending, default=Value(1), output_field=IntegerField()),
        # Pending: the most overdue first. Decided: the latest decision first.
        Case(When(status=EscalationStatus.PROPOSED, then=F("ticket__deadline"))).asc(),
        F("decided_at").desc(nulls_last=True), "-pk",
    )


# --- The notice (督办通知书) ------------------------------------------------------------------------


def urge_notice_number(escalation: Escalation) -> str:
    """编号: the office's short name, the year and the rank of this 督办 among the office's confirmed
    ones that year (柳河县督办〔2026〕3号). Stable: confirmed notices never change."""
    decided = clock.localtime(escalation.decided_at)
    start = timezone.make_aware(dt.datetime(decided.year, 1, 1))
    rank = Escalation.objects.filter(
        ticket__office=escalation.ticket.office_id, level=EscalationLevel.URGE, status=EscalationStatus.CONFIRMED,
        decided_at__gte=start, decided_at__lte=escalation.decided_at,
    ).exclude(decided_at=escalation.decided_at, pk__gt=escalation.pk).count()
    short = escalation.ticket.office.name.replace("人民政府教育督导室", "").replace("教育督导室", "")
    return _("%(office)s督办〔%(year)d〕%(n)d号") % {"office": short, "year": decided.year, "n": rank}


def urge_notice_context(escalation: Escalation) -> dict:
    ticket, problem = escalation.ticket, escalation.ticket.problem
    decided_on = clock.date_of(escalation.decided_at)
    # The original deadline as it stood when the director confirmed (a later extension changes nothing).
    original_deadline = decided_on - dt.timedelta(days=escalation.days_overdue)
    return {
        "number": urge_notice_number(escalation),
        "office": ticket.office,
        "school": ticket.school,
        "problem": problem,
        "found_on": notifications.cn_date(problem.found_on),
        "original_deadline": notifications.cn_date(original_deadline),
        "days_overdue": escalation.days_overdue,
        "new_deadline": notifications.cn_date(decided_on + dt.timedelta(days=URGE_RECTIFY_DAYS)),
        "decided_on": notifications.cn_date(decided_on),
        "note": escalation.note,
    }


def urge_notice_filename(escalation: Escalation) -> str:
    return _("督办通知书-%(school)s-%(pk)d.pdf") % {"school": escalation.ticket.school.name, "pk": escalation.pk}


def urge_notice_pdf(escalation: Escalation) -> bytes:
    """The 督办通知书 as a PDF (GB/T 9704 look: A4, red masthead, title, addressee, body, office and
    date, page numbers "— 1 —"). Fonts are the system's Noto CJK; nothing is fetched."""
    if escalation.level != EscalationLevel.URGE or escalation.status != EscalationStatus.CONFIRMED:
        raise ValidationError(_("只有已确认的督办才有督办通知书。"))
    return pdf_from_template("inspections/urge_notice_pdf.html", urge_notice_context(escalation))
