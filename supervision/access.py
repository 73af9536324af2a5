"""What may this user see and do — the one place that answers it.

Pages, API endpoints, exports and file downloads all call these functions; nothing re-derives
scope by hand. Every function returns a lazy queryset (no query until evaluated), so callers can
filter, annotate and paginate with a constant number of SQL queries.

Scope rules (DOMAIN.md "Who is who"):
- office roles (admin, director, higher-office viewer) are guardian object permissions on an
  Office and reach that office and every office below it — every school that was ever in their
  roster, with its whole history;
- a supervisor works on the schools that are in their zones today (their open ZoneAssignment and the
  school's open SchoolMembership, so moving a school moves its access at once) and reads those
  schools' whole history; they keep read access to what they did themselves (visits they attended,
  the problems found there and their tickets) in a zone they have left;
- a school user reaches only the school they hold ``act_for_school`` on;
- 补录 (``backfill_office``, office admins by default, grantable) enters past records of an office.

A missing object and a forbidden one both answer 404: use ``get_object_or_404(<selector>, pk=...)``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from schools.models import School, SchoolMembership

from inspections import calendar

from . import clock
from .choices import Role
from .models import Office, Supervisor, Zone, ZoneAssignment

OVERSEE = "oversee_office"
DIRECT = "direct_office"
MANAGE = "manage_office"
BACKFILL = "backfill_office"
ACT_FOR_SCHOOL = "act_for_school"

# Guardian permissions each office role carries (granted on one Office object). 补录 (BACKFILL) comes
# with the admin role and may be granted to anyone of the office (services.backfill_grant).
ROLE_OFFICE_PERMS: dict[str, tuple[str, ...]] = {
    Role.OFFICE_ADMIN: (OVERSEE, MANAGE, BACKFILL),
    Role.DIRECTOR: (OVERSEE, DIRECT),
    Role.VIEWER: (OVERSEE,),
}


def user_roles(user) -> set[str]:
    """The roles a user holds (Django groups named after ``Role`` values), cached per request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_supervision_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._supervision_roles = cached
    return cached


def _offices_with_perm(user, codename: str) -> QuerySet[Office]:
    return Office.objects.filter(
        officeuserobjectpermission__user=user,
        officeuserobjectpermission__permission__codename=codename,
    )


def _subtree(granted: QuerySet[Office]) -> QuerySet[Office]:
    # Offices nest at most province > city > county, so three levels reach every descendant.
    ids = granted.values("pk")
    return Office.objects.filter(Q(pk__in=ids) | Q(parent__in=ids) | Q(parent__parent__in=ids))


def offices_overseen_by(user) -> QuerySet[Office]:
    """Offices a user holds an office role on (admin, director, viewer), with every office below."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return _subtree(_offices_with_perm(user, OVERSEE))


def offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose details the user may read: those overseen, plus their own office."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    own = Q(pk__in=offices_overseen_by(user).values("pk"))
    # Supervisors and school users see their own office's public details (name, contact).
    own |= Q(supervisors__user=user) | Q(schools__schooluserobjectpermission__user=user)
    return Office.objects.filter(own).distinct()


def offices_managed_by(user) -> QuerySet[Office]:
    """Offices whose roster (schools, zones, supervisors, users) the user may edit."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return _offices_with_perm(user, MANAGE)


def offices_directed_by(user) -> QuerySet[Office]:
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return _offices_with_perm(user, DIRECT)


def zones_of_supervisor_today(user) -> QuerySet[Zone]:
    """The zones an active supervisor is assigned to today (their open assignments)."""
    return Zone.objects.filter(
        pk__in=ZoneAssignment.objects.current()
        .filter(supervisor__user=user, supervisor__is_active=True)
        .values("zone")
    )


def _in_zones_today(zones: QuerySet[Zone]) -> Exists:
    """A school (``OuterRef("pk")``) whose open membership is in one of ``zones``."""
    return Exists(SchoolMembership.objects.current().filter(school=OuterRef("pk"), zone__in=zones.values("pk")))


def _ever_in_offices(offices) -> Exists:
    """A school (``OuterRef("pk")``) that was in the roster of one of ``offices`` on some day."""
    return Exists(SchoolMembership.objects.filter(school=OuterRef("pk"), office__in=offices))


def schools_visible_to(user) -> QuerySet[School]:
    """Schools a user reads: office roles every school that was ever in their offices' rosters; a
    supervisor the schools in their zones today and those of the visits they attended; a school user
    their own."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    overseen = _subtree(_offices_with_perm(user, OVERSEE)).values("pk")
    scope = (
        Q(office__in=overseen)
        | _ever_in_offices(overseen)
        | _in_zones_today(zones_of_supervisor_today(user))
        | Q(pk__in=_visits_attended_by(user).values("school"))
        | Q(schooluserobjectpermission__user=user, schooluserobjectpermission__permission__codename=ACT_FOR_SCHOOL)
    )
    return School.objects.filter(pk__in=School.objects.filter(scope).values("pk"))


def schools_of_supervisor(user) -> QuerySet[School]:
    """Exactly the schools in the zones this user supervises today (the supervisor's workspace)."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(_in_zones_today(zones_of_supervisor_today(user)))


def schools_of_supervisor_on(user, day) -> QuerySet[School]:
    """The schools that were in this supervisor's zones on ``day``: both the school's membership and
    the supervisor's assignment of that day (a visit entered late is checked against its own day)."""
    if not user.is_authenticated:
        return School.objects.none()
    zones = ZoneAssignment.objects.on(day).filter(supervisor__user=user, supervisor__is_active=True).values("zone")
    return School.objects.filter(
        Exists(SchoolMembership.objects.on(day).filter(school=OuterRef("pk"), zone__in=zones))
    )


def schools_of_supervisor_between(user, start, end) -> QuerySet[School]:
    """The schools that were in this supervisor's zones on some day of ``[start, end]`` — those a
    visit entered late may be for (the visit's own day is checked when it is saved)."""
    if not user.is_authenticated:
        return School.objects.none()
    zones = ZoneAssignment.objects.overlapping(start, end).filter(supervisor__user=user, supervisor__is_active=True)
    return School.objects.filter(
        Exists(SchoolMembership.objects.overlapping(start, end).filter(school=OuterRef("pk"), zone__in=zones.values("zone")))
    )


def _visits_attended_by(user):
    from inspections.models import Visit

    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(supervisors__user=user)


def schools_acted_for_by(user) -> QuerySet[School]:
    """The school(s) a school user answers for."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(
        schooluserobjectpermission__user=user, schooluserobjectpermission__permission__codename=ACT_FOR_SCHOOL
    )


def schools_managed_by(user) -> QuerySet[School]:
    return School.objects.filter(office__in=offices_managed_by(user).values("pk"))


def offices_backfilled_by(user) -> QuerySet[Office]:
    """Offices whose past records (补录) the user may enter: visits of any earlier date, and the real
    dates of reports, re-checks, extensions and closes."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return _offices_with_perm(user, BACKFILL)


def may_backfill(user, office_id: int) -> bool:
    """补录: the user enters past records of this office (any earlier date, on behalf of others)."""
    return offices_backfilled_by(user).filter(pk=office_id).exists()


def entry_date_check(*, day: dt.date, office: Office, user, field: str = "date", what: str | None = None) -> None:
    """The date a record is entered with (a visit, a report, a re-check, a close …): never in the
    future; a supervisor or school may go back only as far as the office's late-entry window (this
    month and ``office.late_entry_months`` before it, ``calendar.earliest_entry``); older records
    need 补录."""
    today = clock.today()
    what = what or _("日期")
    if day > today:
        raise ValidationError({field: _("%(what)s不能晚于今天。") % {"what": what}})
    earliest = calendar.earliest_entry(today, office.late_entry_months)
    if day < earliest and not may_backfill(user, office.pk):
        raise ValidationError({field: _(
            "%(what)s %(d)s 早于本督导室允许补填的期限(%(e)s 起);更早的记录请由有“补录”权限的人员录入。"
        ) % {"what": what, "d": calendar.day_label(day), "e": calendar.day_label(earliest)}})


def zones_visible_to(user) -> QuerySet[Zone]:
    """Zones a user reads: every zone of the offices an office role oversees, a supervisor's zones today."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    overseen = _subtree(_offices_with_perm(user, OVERSEE)).values("pk")
    scope = Q(office__in=overseen) | Q(pk__in=zones_of_supervisor_today(user).values("pk"))
    return Zone.objects.filter(pk__in=Zone.objects.filter(scope).values("pk"))


def zones_managed_by(user) -> QuerySet[Zone]:
    return Zone.objects.filter(office__in=offices_managed_by(user).values("pk"))


def supervisors_visible_to(user) -> QuerySet[Supervisor]:
    if not user.is_authenticated:
        return Supervisor.objects.none()
    if user.is_superuser:
        return Supervisor.objects.all()
    overseen = _subtree(_offices_with_perm(user, OVERSEE)).values("pk")
    # A supervisor sees themself and the colleagues sharing one of their zones today.
    colleagues = ZoneAssignment.objects.current().filter(zone__in=zones_of_supervisor_today(user).values("pk"))
    scope = Q(office__in=overseen) | Q(user=user) | Q(pk__in=colleagues.values("supervisor"))
    return Supervisor.objects.filter(pk__in=Supervisor.objects.filter(scope).values("pk"))


def supervisors_managed_by(user) -> QuerySet[Supervisor]:
    return Supervisor.objects.filter(office__in=offices_managed_by(user).values("pk"))


def can_manage_office(user, office: Office) -> bool:
    return offices_managed_by(user).filter(pk=office.pk).exists()


# --- The monthly loop -----------------------------------------------------------------------------


def visits_visible_to(user):
    """Visits a user reads: an office role those made in (or at schools ever in) its offices; a
    supervisor every visit of the schools in their zones today and the visits they attended anywhere;
    a school user only the submitted ones (not drafts) of their own school."""
    from inspections.choices import ChecklistStatus
    from inspections.models import Visit

    if not user.is_authenticated:
        return Visit.objects.none()
    if user.is_superuser:
        return Visit.objects.all()
    overseen = offices_overseen_by(user).values("pk")
    visible = Visit.objects.filter(
        Q(office__in=overseen)
        | Q(school__in=School.objects.filter(_ever_in_offices(overseen)).values("pk"))
        | Q(school__in=schools_of_supervisor(user).values("pk"))
        | Q(pk__in=_visits_attended_by(user).values("pk"))
    )
    acted_for = Q(school__in=schools_acted_for_by(user).values("pk"), checklist__status=ChecklistStatus.SUBMITTED)
    return Visit.objects.filter(Q(pk__in=visible.values("pk")) | acted_for)


def visits_editable_by(user):
    """Visits a user may fill in: those they were present at as a supervisor, and the past visits a
    补录 holder entered for others."""
    from inspections.models import Visit

    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(
        Q(supervisors__user=user, supervisors__is_active=True) | Q(entered_by=user)
    ).distinct()


def visits_readable_by(user):
    """Visits a user may open: those in their scope plus those they attended (a joint visit with a
    colleague of another zone), and a campaign team's special visits (专项督导)."""
    from inspections.models import Visit

    return Visit.objects.filter(
        Q(pk__in=visits_visible_to(user).values("pk"))
        | Q(pk__in=visits_editable_by(user).values("pk"))
        | Q(pk__in=campaign_visits_of_team(user).values("pk"))
    )


def problems_visible_to(user):
    """Problems of the visits a user sees, and those raised without a visit (an evaluation, a
    verified complaint) that the user's tickets scope reaches."""
    from inspections.models import Problem

    return Problem.objects.filter(
        Q(visit__in=visits_visible_to(user).values("pk"))
        | Q(visit__isnull=True, ticket__in=tickets_visible_to(user).values("pk"))
    )


# --- Annual plans and checklist templates ---------------------------------------------------------


def offices_planned_by(user) -> QuerySet[Office]:
    """Offices whose annual plan and checklist templates the user may edit: that office's admins and
    director (not higher offices, which only read)."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(
        pk__in=Office.objects.filter(
            officeuserobjectpermission__user=user,
            officeuserobjectpermission__permission__codename__in=[MANAGE, DIRECT],
        ).values("pk")
    )


def plan_offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose plan and templates the user may read: those overseen, plus an active
    supervisor's own office (supervisors need to know the month's focus)."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    scope = Q(pk__in=offices_overseen_by(user).values("pk")) | Q(supervisors__user=user, supervisors__is_active=True)
    return Office.objects.filter(pk__in=Office.objects.filter(scope).values("pk"))


def plans_visible_to(user):
    from inspections.models import Plan

    return Plan.objects.filter(office__in=plan_offices_visible_to(user).values("pk"))


def plans_editable_by(user):
    from inspections.models import Plan

    return Plan.objects.filter(office__in=offices_planned_by(user).values("pk"))


def checklist_templates_visible_to(user):
    from inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.filter(office__in=plan_offices_visible_to(user).values("pk"))


def checklist_templates_editable_by(user):
    from inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.filter(office__in=offices_planned_by(user).values("pk"))


# --- Coverage and monthly summaries ---------------------------------------------------------------


def schools_in_coverage_of(user) -> QuerySet[School]:
    """Schools whose monthly coverage (全覆盖) a user follows: the offices an office role oversees and
    a supervisor's zones. School users follow none (they see only their own school)."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    overseen = _subtree(_offices_with_perm(user, OVERSEE)).values("pk")
    scope = Q(office__in=overseen) | _ever_in_offices(overseen) | _in_zones_today(zones_of_supervisor_today(user))
    return School.objects.filter(pk__in=School.objects.filter(scope).values("pk"))


def monthly_summaries_visible_to(user):
    """A supervisor's own monthly summaries (drafts too) and the submitted ones of every office a
    user oversees; a draft is its author's until submitted."""
    from inspections.models import MonthlySummary

    if not user.is_authenticated:
        return MonthlySummary.objects.none()
    if user.is_superuser:
        return MonthlySummary.objects.all()
    overseen = offices_overseen_by(user).values("pk")
    return MonthlySummary.objects.filter(
        Q(supervisor__user=user)
        | Q(supervisor__office__in=overseen, submitted_at__isnull=False)
    )


# --- Rectification tickets (问题整改) --------------------------------------------------------------


# An office role reaches tickets through the ticket's own office column (indexed with status and
# deadline), not through its schools: counting an office's 100,000 tickets stays one index scan.


def tickets_visible_to(user):
    """Tickets a user sees: a school user only their own school's, a supervisor those of their
    zones' schools, an office role those of its offices and every office below."""
    from inspections.models import Ticket

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


def _own_work_parts(user) -> list[Q]:
    """Tickets of the problems a supervisor found (on visits they attended, or recorded by them):
    still theirs to read after they leave the zone. Two lookups, each by an indexed column of the
    problems (an OR inside one subquery, or across the join to problems, reads every problem)."""
    from inspections.models import Problem

    return [
        Q(problem__in=Problem.objects.filter(visit__in=_visits_attended_by(user).values("pk")).values("pk")),
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
    from inspections.models import Problem, Visit
    from supervision.models import OfficeUserObjectPermission

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
    from django.contrib.auth import get_user_model

    own = get_user_model().objects.filter(pk=user.pk).values_list(
        Exists(Visit.objects.filter(supervisors__user=OuterRef("pk"))),
        Exists(Problem.objects.filter(created_by=OuterRef("pk"))),
    )
    attended, recorded = own.get()
    return Scope(user, False, overseen, tuple(sorted(granted[BACKFILL])), zones, schools, attended, recorded)


def _ledger_parts(scope: Scope) -> list[Q]:
    """The ledger's parts beyond the offices overseen: a supervisor's zones' schools today, and their
    own work (only the lookups the user has anything in)."""
    from inspections.models import Problem

    parts = []
    if scope.schools_today:
        parts.append(Q(school__in=scope.schools_today))
    if scope.attended:
        parts.append(Q(problem__in=Problem.objects.filter(visit__in=_visits_attended_by(scope.user).values("pk")).values("pk")))
    if scope.recorded:
        parts.append(Q(problem__in=Problem.objects.filter(created_by=scope.user).values("pk")))
    return parts


def tickets_in_ledger(scope: Scope):
    """The ledger (台账) a user keeps: the tickets of the offices an office role oversees, of a
    supervisor's zones today and of their own work. School users keep none (their workspace lists
    their own school's)."""
    from inspections.models import Ticket

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
    from inspections.models import Ticket

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
    from inspections.models import Ticket

    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(school__in=schools_acted_for_by(user).values("pk"))


def tickets_rechecked_by(user):
    """Tickets a supervisor re-checks, closes (销号), returns and whose extensions they decide: those
    of the schools of the zones they are assigned to, while active."""
    from inspections.models import Ticket

    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(school__in=schools_of_supervisor(user).values("pk"))


def tickets_backfilled_by(user):
    """Tickets whose past acts (the school's report, a re-check, an extension, a close) a 补录 holder
    enters with their real dates, on behalf of the school or the supervisor."""
    from inspections.models import Ticket

    return Ticket.objects.filter(office__in=offices_backfilled_by(user).values("pk"))


def tickets_actionable_by(user):
    """Tickets a user may act on at all (school side or supervisor side); everyone else only reads."""
    from inspections.models import Ticket

    return Ticket.objects.filter(
        Q(pk__in=tickets_answered_by(user).values("pk")) | Q(pk__in=tickets_rechecked_by(user).values("pk"))
    )


# --- Escalation (升级督办) and who is told (notifications) ------------------------------------------


def escalations_visible_to(user):
    """Escalations of the tickets a user sees (the school's own user sees its 督办通知书)."""
    from inspections.models import Escalation

    return Escalation.objects.filter(ticket__in=tickets_visible_to(user).values("pk"))


def escalations_overseen_by(user):
    """The escalation list of the offices an office role oversees (admins and viewers read it)."""
    from inspections.models import Escalation

    return Escalation.objects.filter(ticket__office__in=offices_overseen_by(user).values("pk"))


def escalations_decidable_by(user):
    """Escalations a user may confirm or dismiss: the director's (督导室主任) of the ticket's own
    office only — not the office admin, not a higher office ("the director confirms each step")."""
    from inspections.models import Escalation

    return Escalation.objects.filter(ticket__office__in=offices_directed_by(user).values("pk"))


def _active_users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True)


def school_users_of(school: School):
    """The school's own users (学校联系人), who answer its tickets."""
    return _active_users().filter(
        pk__in=School.objects.filter(
            pk=school.pk, schooluserobjectpermission__permission__codename=ACT_FOR_SCHOOL
        ).values("schooluserobjectpermission__user")
    )


def supervisor_users_of(school: School):
    """The active responsibility supervisors of the school's zone today."""
    zone = school.current_zone
    if zone is None:
        return _active_users().none()
    return _active_users().filter(
        pk__in=Supervisor.objects.filter(
            assignments__in=ZoneAssignment.objects.current().filter(zone=zone), is_active=True
        ).values("user")
    )


def directors_of(office: Office):
    """The director(s) (督导室主任) of exactly this office."""
    return _active_users().filter(
        pk__in=Office.objects.filter(
            pk=office.pk, officeuserobjectpermission__permission__codename=DIRECT
        ).values("officeuserobjectpermission__user")
    )


# --- surveys ---


def surveys_visible_to(user):
    """Surveys a user reads: office roles those of their offices and the offices below (higher
    offices read their subtree); a school user the surveys published to their school (own results only)."""
    from inspections.surveys.models import Survey

    if not user.is_authenticated:
        return Survey.objects.none()
    scope = Q(office__in=offices_overseen_by(user).values("pk"))
    scope |= Q(links__school__in=schools_acted_for_by(user).values("pk"))
    return Survey.objects.filter(pk__in=Survey.objects.filter(scope).values("pk"))


def surveys_editable_by(user):
    """Surveys a user builds, publishes, closes and prints for: the office's own admin and director."""
    from inspections.surveys.models import Survey

    offices = Q(pk__in=offices_managed_by(user).values("pk")) | Q(pk__in=offices_directed_by(user).values("pk"))
    return Survey.objects.filter(office__in=Office.objects.filter(offices).values("pk"))


def survey_results_schools(user, survey) -> QuerySet[School] | None:
    """Whose results of ``survey`` the user reads: None = every school (office roles overseeing the
    survey's office), else only the school user's own school(s)."""
    if offices_overseen_by(user).filter(pk=survey.office_id).exists():
        return None
    return schools_acted_for_by(user)


# --- cases -----------------------------------------------------------------------------------------


def cases_visible_to(user):
    """Supervision cases (督导案例) a user may read: a supervisor their own (drafts too); the office's
    admins and director every case of their office once submitted; higher offices (and viewers) only
    the cases recommended upward (推荐上报) in their subtree. School users see none."""
    from inspections.cases.choices import CaseStatus
    from inspections.cases.models import Case

    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(
        Q(author__user=user)
        | Q(office__in=offices_planned_by(user).values("pk"), submitted_at__isnull=False)
        | Q(office__in=offices_overseen_by(user).values("pk"), status=CaseStatus.RECOMMENDED)
    )


def cases_editable_by(user):
    """Cases a user may edit and submit: their own, while a draft or returned for revision."""
    from inspections.cases.choices import CaseStatus
    from inspections.cases.models import Case

    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(
        author__user=user, author__is_active=True, status__in=[CaseStatus.DRAFT, CaseStatus.RETURNED]
    )


def cases_reviewed_by(user):
    """Cases a user reviews (退回、采纳、评优、推荐上报): the submitted cases of the office whose admin
    or director they are — not a higher office, which only reads what is recommended to it."""
    from inspections.cases.models import Case

    return Case.objects.filter(office__in=offices_planned_by(user).values("pk"), submitted_at__isnull=False)


# --- evaluations ---
# 督导评估与考核: schemes and rounds are kept by the office's admins; the director and higher offices
# read them; the office's active supervisors score on site (县评); a kindergarten's own user enters
# its self-evaluation (自评) and sees only its own entry; the city's re-evaluation (市评) is entered by
# an admin of the county office (recording the city's results) or of an office above it.


def _offices_supervised_in(user) -> QuerySet[Office]:
    return Office.objects.filter(supervisors__user=user, supervisors__is_active=True)


def evaluation_offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose evaluations a user reads: those overseen, plus an active supervisor's own office."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    scope = Q(pk__in=offices_overseen_by(user).values("pk")) | Q(pk__in=_offices_supervised_in(user).values("pk"))
    return Office.objects.filter(scope)


def evaluation_schemes_visible_to(user):
    from inspections.evaluations.models import Scheme

    return Scheme.objects.filter(office__in=evaluation_offices_visible_to(user).values("pk"))


def evaluation_schemes_editable_by(user):
    from inspections.evaluations.models import Scheme

    return Scheme.objects.filter(office__in=offices_managed_by(user).values("pk"))


def evaluation_rounds_visible_to(user):
    """Rounds a user reads; a school user only those its own school takes part in."""
    from inspections.evaluations.models import Round

    if not user.is_authenticated:
        return Round.objects.none()
    scope = Q(office__in=evaluation_offices_visible_to(user).values("pk")) | Q(
        entries__school__in=schools_acted_for_by(user).values("pk")
    )
    return Round.objects.filter(pk__in=Round.objects.filter(scope).values("pk"))


def evaluation_rounds_managed_by(user):
    from inspections.evaluations.models import Round

    return Round.objects.filter(office__in=offices_managed_by(user).values("pk"))


def evaluation_entries_visible_to(user):
    """Entries a user reads: every entry of the offices they read, a school user only its own school's."""
    from inspections.evaluations.models import Entry

    if not user.is_authenticated:
        return Entry.objects.none()
    return Entry.objects.filter(
        Q(round__office__in=evaluation_offices_visible_to(user).values("pk"))
        | Q(school__in=schools_acted_for_by(user).values("pk"))
    )


def evaluation_entries_scorable_by(user, stage: str):
    """Entries a user may score at a stage: 自评 the school's own user, 县评 the office's admins and active
    supervisors, 市评 an admin of the office or of an office above it."""
    from inspections.evaluations.choices import Stage
    from inspections.evaluations.models import Entry

    if not user.is_authenticated:
        return Entry.objects.none()
    if stage == Stage.SELF:
        return Entry.objects.filter(school__in=schools_acted_for_by(user).values("pk"))
    if stage == Stage.COUNTY:
        return Entry.objects.filter(
            Q(round__office__in=offices_managed_by(user).values("pk"))
            | Q(round__office__in=_offices_supervised_in(user).values("pk"))
        )
    if stage == Stage.CITY:
        if user.is_superuser:
            return Entry.objects.all()
        return Entry.objects.filter(round__office__in=_subtree(_offices_with_perm(user, MANAGE)).values("pk"))
    return Entry.objects.none()


# --- monthly_reports ---


def monthly_report_zones_visible_to(user) -> QuerySet[Zone]:
    """Zones whose monthly report (月报表) a user reads: every zone of the offices an office role
    oversees (higher offices read their subtree), and the zones an active supervisor is assigned to
    today (lead or not). School users read none."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    scope = Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=zones_of_supervisor_today(user).values("pk"))
    return Zone.objects.filter(pk__in=Zone.objects.filter(scope).values("pk"))


def zones_led_today_by(user) -> QuerySet[Zone]:
    """The zones an active supervisor leads (组长) today."""
    if not user.is_authenticated:
        return Zone.objects.none()
    return Zone.objects.filter(
        pk__in=ZoneAssignment.objects.current()
        .filter(supervisor__user=user, supervisor__is_active=True, is_lead=True)
        .values("zone")
    )


def monthly_report_zones_filed_by(user) -> QuerySet[Zone]:
    """Zones whose report a user files (报送): those they lead (组长) today as an active supervisor."""
    return zones_led_today_by(user)


def monthly_report_zones_built_by(user) -> QuerySet[Zone]:
    """Zones whose draft a user may (re)build and export: the lead supervisor's, and every zone of
    the office whose admin or director the user is (not higher offices, which only read)."""
    if not user.is_authenticated:
        return Zone.objects.none()
    scope = Q(pk__in=monthly_report_zones_filed_by(user).values("pk")) | Q(
        office__in=offices_planned_by(user).values("pk")
    )
    return Zone.objects.filter(scope)


def monthly_reports_visible_to(user):
    """Every version (drafts and filed) of the reports of the zones a user reads, and the reports a
    lead filed in a zone they have since left."""
    from reports.monthly.models import ZoneMonthlyReport

    if not user.is_authenticated:
        return ZoneMonthlyReport.objects.none()
    return ZoneMonthlyReport.objects.filter(
        Q(zone__in=monthly_report_zones_visible_to(user).values("pk")) | Q(filed_by=user)
    )


def monthly_report_leads_of(zone: Zone):
    """The active lead supervisors (组长) of a zone today, who are reminded to file."""
    return _active_users().filter(
        pk__in=ZoneAssignment.objects.current().filter(zone=zone, is_lead=True, supervisor__is_active=True).values(
            "supervisor__user"
        )
    )


# --- campaigns ---


def campaigns_visible_to(user):
    """Special inspections (专项督导) a user reads: office roles those of their offices and the offices
    below; a supervisor those whose inspection team (督导组) they are on. School users none (their
    findings reach them as tickets)."""
    from inspections.campaigns.models import Campaign

    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    scope = Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=campaigns_of_team(user).values("pk"))
    return Campaign.objects.filter(pk__in=Campaign.objects.filter(scope).values("pk"))


def campaigns_of_team(user):
    """Campaigns whose inspection team an active supervisor is on."""
    from inspections.campaigns.models import Campaign

    if not user.is_authenticated:
        return Campaign.objects.none()
    return Campaign.objects.filter(team__user=user, team__is_active=True).distinct()


def campaigns_managed_by(user):
    """Campaigns a user launches and edits (team, checklist): the office's own admins."""
    from inspections.campaigns.models import Campaign

    return Campaign.objects.filter(office__in=offices_managed_by(user).values("pk"))


def campaign_visits_of_team(user):
    """Special visits a team member may open: every visit of the campaigns whose team they are on,
    including visits to schools outside their own zones (the campaign grants it)."""
    from inspections.models import Visit

    return Visit.objects.filter(campaign_link__campaign__in=campaigns_of_team(user).values("pk"))


# --- complaints -----------------------------------------------------------------------------------


def complaints_visible_to(user):
    """Complaints (举报投诉) a user reads: an office role those of its offices and every office below,
    a supervisor those of the schools of their zones. School users see none — the complaint may be
    about them; what the school must do reaches it as a rectification ticket."""
    from inspections.complaints.models import Complaint

    if not user.is_authenticated:
        return Complaint.objects.none()
    if user.is_superuser:
        return Complaint.objects.all()
    return Complaint.objects.filter(
        Q(office__in=offices_overseen_by(user).values("pk")) | Q(school__in=schools_of_supervisor(user).values("pk"))
    )


def complaints_handled_by(user):
    """Complaints a user verifies and closes, and whose contact details they see: the responsibility
    supervisors of the school's zone, and the admin and director of the complaint's own office (who
    step in for a school outside any zone). Higher offices only read, without contact details."""
    from inspections.complaints.models import Complaint

    if not user.is_authenticated:
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(office__in=offices_planned_by(user).values("pk")) | Q(school__in=schools_of_supervisor(user).values("pk"))
    )


# --- dashboard ------------------------------------------------------------------------------------


def dashboard_offices_of(user) -> QuerySet[Office]:
    """Offices whose dashboard (督导数据看板) a user reads: every office an office role oversees
    (a higher office reads each office below it). Supervisors read their zones'; school users none."""
    return offices_overseen_by(user)


def dashboard_zones_of(user) -> QuerySet[Zone]:
    """Zones whose dashboard a supervisor reads: the zones they are assigned to today, while active."""
    return zones_of_supervisor_today(user)


# --- annual ---


def annual_zones_led_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary (责任区年度总结) a supervisor writes: those they lead (组长) today."""
    return zones_led_today_by(user)


def annual_zones_readable_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary a user reads: every zone of the offices an office role oversees
    (higher offices read those below), and the zones a supervisor leads."""
    return Zone.objects.filter(
        Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=annual_zones_led_by(user).values("pk"))
    )


def annual_zones_editable_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary a user edits and prints: every zone of the own office for its admins
    and director (not higher offices), and the zones a supervisor leads."""
    return Zone.objects.filter(
        Q(office__in=offices_planned_by(user).values("pk")) | Q(pk__in=annual_zones_led_by(user).values("pk"))
    )


def annual_summaries_visible_to(user):
    """Year-end summaries a user reads: the office's own summary for its office roles and higher
    offices; a zone's summary for them and for the zone's lead supervisor."""
    from reports.annual.models import AnnualSummary

    return AnnualSummary.objects.filter(
        Q(zone__isnull=True, office__in=offices_overseen_by(user).values("pk"))
        | Q(zone__in=annual_zones_readable_by(user).values("pk"))
    )


def annual_summaries_editable_by(user):
    """Year-end summaries a user edits: the own office's admins and director all of its summaries, a
    lead supervisor their zones' (higher offices only read)."""
    from reports.annual.models import AnnualSummary

    return AnnualSummary.objects.filter(
        Q(zone__isnull=True, office__in=offices_planned_by(user).values("pk"))
        | Q(zone__in=annual_zones_editable_by(user).values("pk"))
    )


# --- setting offices up (the API's office and user endpoints) --------------------------------------


def office_parents_managed_by(user) -> QuerySet[Office]:
    """Offices a user may set new offices up under: those they administer that have a level below
    them (a city's admin creates the counties of the city, nowhere else); a superuser any of them."""
    from .choices import OfficeLevel

    return offices_managed_by(user).exclude(level=OfficeLevel.COUNTY)


def office_roles_of(codenames: set[str]) -> list[str]:
    """The office roles a user's permissions on one office amount to: admin (manages), director
    (directs), and viewer (上级督导室) when the user only reads."""
    roles = [role for role, perm in ((Role.OFFICE_ADMIN, MANAGE), (Role.DIRECTOR, DIRECT)) if perm in codenames]
    if codenames - {BACKFILL} == {OVERSEE}:  # 补录 may be granted on its own, it is no role
        roles.append(Role.VIEWER)
    return roles
