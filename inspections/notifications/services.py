"""Notifications (通知): an in-app inbox plus e-mail, for the events of rectification.

One event never notifies the same person twice: every notification carries a ``key`` naming the
event (``ticket:12:overdue:2026-11-15``), unique per user, so the daily check running twice, or a
service called again, tells nobody anything twice. E-mail goes out once, after the transaction
commits, only for rows newly created and only to users who have an address; everyone keeps the
inbox. Texts are stored in Chinese (the office's language) when the event happens.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from supervision import access, clock, outbox
from supervision.site import serving, site_url

from inspections.models.choices import EscalationLevel
from inspections.models import Escalation, Notification, Ticket, TicketReport

DEADLINE_SOON_DAYS = 3  # "deadline in 3 days" (issue 4): warned once when 0–3 days are left
SUMMARY_CHARS = 200  # how much of a report or description a notification quotes


# --- Creating notifications ---------------------------------------------------------------------


def _create(*, users: Iterable, key: str, title: str, body: str, url: str, ticket: Ticket | None) -> list[Notification]:
    """The rows newly created for this event (users already told are skipped)."""
    users = {u.pk: u for u in users}
    if not users:
        return []
    told = set(Notification.objects.filter(key=key, user__in=users.keys()).values_list("user_id", flat=True))
    created = []
    for user_id in users.keys() - told:
        # get_or_create, not a bulk insert: a concurrent run of the same event loses the race
        # cleanly on the unique (user, key) constraint and sends no second e-mail.
        notification, was_created = Notification.objects.get_or_create(
            user_id=user_id, key=key,
            defaults={"title": title[:200], "body": body, "url": url[:300], "ticket": ticket},
        )
        if was_created:
            created.append(notification)
    return created


def emails_on_commit(notifications: list[Notification]) -> None:
    """Queue the e-mails of these new notifications in the outbox: nothing is sent for a rolled-back
    event, and a broker or SMTP failure never undoes the user's action nor loses the e-mail."""
    ids = [n.pk for n in notifications]
    if not ids:
        return
    site = site_url()  # the links point where the person acting opened the site (supervision.site)
    outbox.enqueue("inspections.notification_emails_send", ids, site)


@transaction.atomic
def notify(*, users: Iterable, key: str, title: str, body: str, url: str, ticket: Ticket | None = None) -> list[Notification]:
    """Tell ``users`` about the event ``key`` in their inbox and by e-mail; those already told about
    this event are skipped. Returns the notifications created."""
    created = _create(users=users, key=key, title=title, body=body, url=url, ticket=ticket)
    emails_on_commit(created)
    return created


def notification_emails_send(*, ids: list[int], site: str = "") -> int:
    """Send the e-mail of each notification not e-mailed yet whose user has an address; returns how
    many were sent. Safe to run twice: a row is claimed (emailed_at set) before it is sent. Links
    point at ``site`` (captured when the event happened) unless SITE_URL is set."""
    with serving(site):
        return _emails_send(ids)


def _emails_send(ids: list[int]) -> int:
    pending = list(
        Notification.objects.filter(pk__in=ids, emailed_at=None).exclude(user__email="").select_related("user")
    )
    sent = 0
    with get_connection() as connection:
        for notification in pending:
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=clock.now())
            if not claimed:
                continue
            message = EmailMessage(
                subject=notification.title,
                body=_email_body(notification),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notification.user.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:
                # Give the row back so a retry sends it; the inbox has it either way.
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                raise
            sent += 1
    return sent


def _email_body(notification: Notification) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [notification.body]
        if notification.url:
            parts.append(_("查看详情:%(url)s") % {"url": site_url() + notification.url})
        parts.append(_("(本邮件由教育督导系统自动发送,请勿直接回复。)"))
    return "\n\n".join(p for p in parts if p)


# --- The events of a ticket -----------------------------------------------------------------------


def ticket_url(ticket: Ticket) -> str:
    """The ticket's page (the inbox until the ticket pages exist)."""
    try:
        return reverse("inspections:ticket_detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("inspections:inbox")


def cn_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _problem_line(ticket: Ticket) -> str:
    problem = ticket.problem
    return _("%(item)s:%(text)s") % {"item": problem.item_title, "text": problem.description[:SUMMARY_CHARS]}


def _short(ticket: Ticket) -> str:
    return ticket.problem.description[:24]


def _chinese(func):
    """Notification texts are written in the office's language, whoever triggered the event."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def _tell(*, ticket: Ticket, users, event: str, title: str, lines: list[str], url: str = "",
          email: bool = True) -> list[Notification]:
    """One event of a ticket (key ``ticket:<id>:<event>``); ``email=False`` leaves the e-mails to
    the caller (the daily check queues them all at once)."""
    create = notify if email else _create
    return create(users=users, key=f"ticket:{ticket.pk}:{event}", title=title, body="\n".join(lines),
                  url=url or ticket_url(ticket), ticket=ticket)


@_chinese
def ticket_opened_notify(*, tickets: Iterable[Ticket]) -> list[Notification]:
    """New ticket (新的整改通知): the school's own users."""
    created = []
    for ticket in tickets:
        created += _tell(
            ticket=ticket, users=access.school_users_of(ticket.school), event="opened",
            title=_("新的整改通知:%(problem)s") % {"problem": _short(ticket)},
            lines=[
                _problem_line(ticket),
                _("整改意见:%(opinion)s") % {"opinion": ticket.problem.opinion or "—"},
                _("整改期限:%(date)s") % {"date": cn_date(ticket.deadline)},
            ],
        )
    return created


@_chinese
def ticket_report_submitted_notify(*, ticket: Ticket, report: TicketReport) -> list[Notification]:
    """Report submitted (提交整改报告): the responsibility supervisors of the school's zone."""
    return _tell(
        ticket=ticket, users=access.supervisor_users_of(ticket.school), event=f"report:{report.round}:submitted",
        title=_("%(school)s提交了整改报告") % {"school": ticket.school.name},
        lines=[
            _problem_line(ticket),
            _("第%(n)d轮整改报告:%(text)s") % {"n": report.round, "text": report.text[:SUMMARY_CHARS]},
            _("请复查后销号或退回。"),
        ],
    )


@_chinese
def ticket_returned_notify(*, ticket: Ticket, report: TicketReport) -> list[Notification]:
    """Returned (退回): the school's own users, with the reason."""
    return _tell(
        ticket=ticket, users=access.school_users_of(ticket.school), event=f"report:{report.round}:returned",
        title=_("整改报告被退回:%(problem)s") % {"problem": _short(ticket)},
        lines=[
            _problem_line(ticket),
            _("退回原因:%(reason)s") % {"reason": report.return_reason},
            _("请按要求继续整改,重新提交整改报告。"),
        ],
    )


@_chinese
def ticket_deadline_soon_notify(*, ticket: Ticket, today: dt.date) -> list[Notification]:
    """Deadline in 3 days (整改期限临近): the school's own users, once per deadline (an extended
    deadline is warned about again). E-mails are the caller's."""
    return _tell(
        ticket=ticket, users=access.school_users_of(ticket.school), event=f"due_soon:{ticket.deadline.isoformat()}",
        title=_("整改期限临近:%(problem)s") % {"problem": _short(ticket)}, email=False,
        lines=[
            _problem_line(ticket),
            _("整改期限为%(date)s,还剩%(n)d天。请抓紧整改并提交整改报告;确有困难的,请在期限前申请延期。")
            % {"date": cn_date(ticket.deadline), "n": (ticket.deadline - today).days},
        ],
    )


@_chinese
def ticket_overdue_notify(*, ticket: Ticket, today: dt.date) -> list[Notification]:
    """Overdue (已逾期): the school's own users and the zone's supervisors, once per deadline.
    E-mails are the caller's."""
    event = f"overdue:{ticket.deadline.isoformat()}"
    line = _("整改期限为%(date)s,已逾期%(n)d天。") % {"date": cn_date(ticket.deadline), "n": (today - ticket.deadline).days}
    school = _tell(
        ticket=ticket, users=access.school_users_of(ticket.school), event=event, email=False,
        title=_("整改已逾期:%(problem)s") % {"problem": _short(ticket)},
        lines=[_problem_line(ticket), line, _("请尽快整改到位并提交整改报告,逾期将按程序升级督办。")],
    )
    supervisors = _tell(
        ticket=ticket, users=access.supervisor_users_of(ticket.school), event=event, email=False,
        title=_("%(school)s整改已逾期") % {"school": ticket.school.name},
        lines=[_problem_line(ticket), line, _("请督促学校整改。")],
    )
    return school + supervisors


@_chinese
def escalation_proposed_notify(*, escalation: Escalation, today: dt.date) -> list[Notification]:
    """An escalation proposed (提请升级): the director(s) of the office, who confirm each step.
    E-mails are the caller's."""
    ticket = escalation.ticket
    level = EscalationLevel(escalation.level).label
    return _tell(
        ticket=ticket, users=access.directors_of(ticket.office), email=False,
        event=f"escalation:{escalation.level}:proposed:{today.isoformat()}",
        title=_("提请%(level)s:%(school)s") % {"level": level, "school": ticket.school.name},
        url=reverse("inspections:escalation_detail", args=[escalation.pk]),
        lines=[
            _("%(school)s:%(problem)s") % {"school": ticket.school.name, "problem": _problem_line(ticket)},
            _("整改期限为%(date)s,已逾期%(n)d天,系统提请%(level)s。请确认或暂不升级。")
            % {"date": cn_date(ticket.deadline), "n": escalation.days_overdue, "level": level},
        ],
    )


@_chinese
def escalation_confirmed_notify(*, escalation: Escalation) -> list[Notification]:
    """A confirmed 督办 is sent to the school: its users get the notice (督办通知书) to download."""
    ticket = escalation.ticket
    return _tell(
        ticket=ticket, users=access.school_users_of(ticket.school), event=f"escalation:{escalation.level}:confirmed",
        title=_("督办通知书:%(problem)s") % {"problem": _short(ticket)},
        url=reverse("inspections:urge_notice_pdf", args=[escalation.pk]),
        lines=[
            _problem_line(ticket),
            _("该问题整改已逾期%(n)d天,督导室决定予以督办。请下载督办通知书,按要求限期整改到位。")
            % {"n": escalation.days_overdue},
        ],
    )


# --- The inbox (selectors and marking read) -------------------------------------------------------


def inbox_for(user) -> QuerySet[Notification]:
    """A user's notifications, unread first, newest first within each."""
    return Notification.objects.filter(user=user).order_by(
        Case(When(read_at=None, then=Value(0)), default=Value(1), output_field=IntegerField()), "-created_at", "-pk"
    )


def unread_count_for(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=clock.now())


def unread_count(request) -> dict:
    """Context processor: ``unread_notifications`` for the navbar badge. Lazy (a callable the
    template calls, once): a page that shows no badge runs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": functools.cache(lambda: unread_count_for(user))}
