"""Scopes of rectification: tickets and the ledger, evidence, escalations and who is told of them."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from inspections.models import Escalation, Evidence, Problem, Ticket, TicketReport, Visit
from schools.models import School, SchoolMembership

from supervision.access.core import (
    ACT_FOR_SCHOOL,
    BACKFILL,
    DIRECT,
    OVERSEE,
    may_backfill,
    offices_backfilled_by,
    offices_directed_by,
    offices_overseen_by,
    schools_acted_for_by,
    schools_of_supervisor,
    schools_of_supervisor_on,
    user_roles,
    visits_attended_by,
    zones_of_supervisor_today,
)
from supervision.choices import Role
from supervision.models import Office, OfficeUserObjectPermission, Supervisor, Zone, ZoneAssignment


def tickets_visible_to(user):
    """Tickets a user sees: a school user only their own school's, a supervisor those of their
    zones' schools, an office role those of its offices and every office below."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    if user.is_superuser:
        return Ticket.objects.all()
    return Ticket.objects.filter(
        Q(office__in=offices_overseen_by(user).values("pk"))
        | Q(school__in=schools_of_supervisor(user).values("pk"))
        | _own_work(user)
        | Q(school__in=schools_acted_for_by(user).values("pk"))
    )


def reports_read_by(user) -> Q:
    """Report rounds a user reads, among those of the tickets they see (a filter on ``TicketReport``):
    every submitted round; a round still being written — its text and its evidence — only by the
    school writing it. A draft stays the school's own until it is submitted (个人信息保护)."""
    return Q(submitted_at__isnull=False) | Q(ticket__school__in=schools_acted_for_by(user).values("pk"))


def reports_visible_to(user) -> QuerySet[TicketReport]:
    return TicketReport.objects.filter(ticket__in=tickets_visible_to(user).values("pk")).filter(reports_read_by(user))


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence files a user may download: those of the report rounds they read."""
    return Evidence.objects.filter(report__in=reports_visible_to(user).values("pk"))


def _own_work_parts(user) -> list[Q]:
    """Tickets of the problems a supervisor found (on visits they attended, or recorded by them):
    still theirs to read after they leave the zone. Two lookups, each by an indexed column of the
    problems (an OR inside one subquery, or across the join to problems, reads every problem)."""
    return [
        Q(problem__in=Problem.objects.filter(visit__in=visits_attended_by(user).values("pk")).values("pk")),
        Q(problem__in=Problem.objects.filter(created_by=user).values("pk")),
    ]


def _own_work(user) -> Q:
    first, second = _own_work_parts(user)
    return first | second


@dataclass(frozen=True)
class Scope:
    """What a user reaches, resolved to ids once — for a page that asks many times in one request
    (the ledger: its rows, totals, filter choices and import link). Built by ``scope_of``; read it
    within the request that built it (it does not follow roster changes made afterwards).

    Plain id lists instead of the nested subqueries of the functions above: the ledger's SQL, built
    and compiled by Django for every one of its queries, was most of the page's time
    (benchmarks/README.md)."""

    user: object
    everything: bool  # a superuser
    overseen: tuple[int, ...]  # offices of the user's office roles, with every office below
    backfilled: tuple[int, ...]  # offices whose past the user enters (补录)
    zones_today: tuple[int, ...]  # a supervisor's zones today
    schools_today: tuple[int, ...]  # the schools in those zones today
    attended: bool  # the user attended visits (their problems' tickets stay theirs to read)
    recorded: bool  # the user recorded problems

    @property
    def keeps_ledger(self) -> bool:
        """Office roles and supervisors keep a ledger; school users have their own workspace."""
        return self.everything or bool(self.overseen) or Role.SUPERVISOR in user_roles(self.user)


def scope_of(user) -> Scope:
    """The user's reach resolved to ids: at most four small queries (see ``Scope``)."""
    if not user.is_authenticated or user.is_superuser:
        everything = bool(user.is_authenticated and user.is_superuser)
        return Scope(user, everything, (), (), (), (), False, False)
    perms = OfficeUserObjectPermission.objects.filter(user=user, permission__codename__in=(OVERSEE, BACKFILL))
    granted: dict[str, set[int]] = {OVERSEE: set(), BACKFILL: set()}
    for office, codename in perms.values_list("content_object_id", "permission__codename"):
        granted[codename].add(office)
    overseen: tuple[int, ...] = ()
    if granted[OVERSEE]:
        ids = granted[OVERSEE]
        overseen = tuple(sorted(Office.objects.filter(
            Q(pk__in=ids) | Q(parent__in=ids) | Q(parent__parent__in=ids)
        ).values_list("pk", flat=True)))
    zones = tuple(sorted(zones_of_supervisor_today(user).values_list("pk", flat=True)))
    schools: tuple[int, ...] = ()
    if zones:
        schools = tuple(sorted(set(
            SchoolMembership.objects.current().filter(zone__in=zones).values_list("school", flat=True)
        )))
    own = get_user_model().objects.filter(pk=user.pk).values_list(
        Exists(Visit.objects.filter(supervisors__user=OuterRef("pk"))),
        Exists(Problem.objects.filter(created_by=OuterRef("pk"))),
    )
    attended, recorded = own.get()
    return Scope(user, False, overseen, tuple(sorted(granted[BACKFILL])), zones, schools, attended, recorded)


def _ledger_parts(scope: Scope) -> list[Q]:
    """The ledger's parts beyond the offices overseen: a supervisor's zones' schools today, and their
    own work (only the lookups the user has anything in)."""
    parts = []
    if scope.schools_today:
        parts.append(Q(school__in=scope.schools_today))
    if scope.attended:
        parts.append(Q(problem__in=Problem.objects.filter(visit__in=visits_attended_by(scope.user).values("pk")).values("pk")))
    if scope.recorded:
        parts.append(Q(problem__in=Problem.objects.filter(created_by=scope.user).values("pk")))
    return parts


def tickets_in_ledger(scope: Scope):
    """The ledger (台账) a user keeps: the tickets of the offices an office role oversees, of a
    supervisor's zones today and of their own work. School users keep none (their workspace lists
    their own school's)."""
    if scope.everything:
        return Ticket.objects.all()
    reach = Q(office__in=scope.overseen) if scope.overseen else Q(pk__in=[])
    for part in _ledger_parts(scope):
        reach |= part
    return Ticket.objects.filter(reach)


def tickets_in_ledger_beyond_offices(scope: Scope) -> list:
    """The parts of a user's ledger not reached through an office it oversees — the tickets of a
    supervisor's zones' schools, and of their own work — as separate querysets (each read through an
    index; one OR of both would read every ticket). Only these can belong to an office, or a zone,
    outside the offices the user oversees (a ticket's office is its problem's, and a problem's zone a
    zone of that office), so the ledger's filter reads its choices from them, not the whole ledger."""
    if scope.everything:
        return []
    return [Ticket.objects.filter(part) for part in _ledger_parts(scope)]


def schools_in_coverage(scope: Scope) -> QuerySet[School]:
    """``schools_in_coverage_of`` for a resolved ``Scope`` (the same schools)."""
    if scope.everything:
        return School.objects.all()
    reach = Q(pk__in=scope.schools_today)
    if scope.overseen:
        reach |= Q(office__in=scope.overseen)
        reach |= Exists(SchoolMembership.objects.filter(school=OuterRef("pk"), office__in=scope.overseen))
    return School.objects.filter(reach)


def zones_in_scope(scope: Scope) -> QuerySet[Zone]:
    """``zones_visible_to`` for a resolved ``Scope`` (the same zones)."""
    if scope.everything:
        return Zone.objects.all()
    return Zone.objects.filter(Q(office__in=scope.overseen) | Q(pk__in=scope.zones_today))


def tickets_answered_by(user):
    """Tickets a school user answers (rectification report, evidence, extension requests): those of
    the school they act for."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(school__in=schools_acted_for_by(user).values("pk"))


def tickets_rechecked_by(user):
    """Tickets a supervisor re-checks, closes (销号), returns and whose extensions they decide: those
    of the schools of the zones they are assigned to, while active."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(school__in=schools_of_supervisor(user).values("pk"))


def may_recheck(user, problem, *, on=None) -> bool:
    """Whether a user may record a re-check of a problem (and so close or return its ticket), by any
    path: the supervisors of the school's zones while assigned (on ``on``, a visit's day, when the
    re-check belongs to a visit entered later), or a 补录 holder of its office."""
    if not user.is_authenticated:
        return False
    schools = schools_of_supervisor(user) if on is None else schools_of_supervisor_on(user, on)
    return schools.filter(pk=problem.school_id).exists() or may_backfill(user, problem.office_id)


def tickets_backfilled_by(user):
    """Tickets whose past acts (the school's report, a re-check, an extension, a close) a 补录 holder
    enters with their real dates, on behalf of the school or the supervisor."""
    return Ticket.objects.filter(office__in=offices_backfilled_by(user).values("pk"))


def tickets_actionable_by(user):
    """Tickets a user may act on at all (school side or supervisor side); everyone else only reads."""
    return Ticket.objects.filter(
        Q(pk__in=tickets_answered_by(user).values("pk")) | Q(pk__in=tickets_rechecked_by(user).values("pk"))
    )


def escalations_visible_to(user):
    """Escalations of the tickets a user sees (the school's own user sees its 督办通知书)."""
    return Escalation.objects.filter(ticket__in=tickets_visible_to(user).values("pk"))


def escalations_overseen_by(user):
    """The escalation list of the offices an office role oversees (admins and viewers read it)."""
    return Escalation.objects.filter(ticket__office__in=offices_overseen_by(user).values("pk"))


def escalations_decidable_by(user):
    """Escalations a user may confirm or dismiss: the director's (督导室主任) of the ticket's own
    office only — not the office admin, not a higher office ("the director confirms each step")."""
    return Escalation.objects.filter(ticket__office__in=offices_directed_by(user).values("pk"))


def active_users():
    return get_user_model().objects.filter(is_active=True)


def school_users_of(school: School):
    """The school's own users (学校联系人), who answer its tickets."""
    return active_users().filter(
        pk__in=School.objects.filter(
            pk=school.pk, schooluserobjectpermission__permission__codename=ACT_FOR_SCHOOL
        ).values("schooluserobjectpermission__user")
    )


def supervisor_users_of(school: School):
    """The active responsibility supervisors of the school's zone today."""
    zone = school.current_zone
    if zone is None:
        return active_users().none()
    return active_users().filter(
        pk__in=Supervisor.objects.filter(
            assignments__in=ZoneAssignment.objects.current().filter(zone=zone), is_active=True
        ).values("user")
    )


def directors_of(office: Office):
    """The director(s) (督导室主任) of exactly this office."""
    return active_users().filter(
        pk__in=Office.objects.filter(
            pk=office.pk, officeuserobjectpermission__permission__codename=DIRECT
        ).values("officeuserobjectpermission__user")
    )
