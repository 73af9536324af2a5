"""Who may see what: the roles (guardian object permissions on an Office), offices and their subtrees, zones and schools today, a user's resolved ``Scope``, 补录 and the late-entry window."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from supervision import calendar
from inspections.models import Visit
from schools.models import School, SchoolMembership

from supervision import clock
from supervision.choices import Role
from supervision.models import Office, Supervisor, Zone, ZoneAssignment


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


def offices_with_perm(user, codename: str) -> QuerySet[Office]:
    return Office.objects.filter(
        officeuserobjectpermission__user=user,
        officeuserobjectpermission__permission__codename=codename,
    )


def offices_staffed_by(user) -> QuerySet[Office]:
    """Offices the user holds a staff role on themself (督导室管理员 or 主任), not a superuser's reach:
    these offices' security settings (二次验证) bind them."""
    if not user.is_authenticated:
        return Office.objects.none()
    return Office.objects.filter(
        officeuserobjectpermission__user=user,
        officeuserobjectpermission__permission__codename__in=(MANAGE, DIRECT),
    ).distinct()


def subtree(granted: QuerySet[Office]) -> QuerySet[Office]:
    # Offices nest at most province > city > county, so three levels reach every descendant.
    ids = granted.values("pk")
    return Office.objects.filter(Q(pk__in=ids) | Q(parent__in=ids) | Q(parent__parent__in=ids))


def offices_overseen_by(user) -> QuerySet[Office]:
    """Offices a user holds an office role on (admin, director, viewer), with every office below."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return subtree(offices_with_perm(user, OVERSEE))


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
    return offices_with_perm(user, MANAGE)


def offices_directed_by(user) -> QuerySet[Office]:
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    return offices_with_perm(user, DIRECT)


def zones_of_supervisor_today(user) -> QuerySet[Zone]:
    """The zones an active supervisor is assigned to today (their open assignments)."""
    return Zone.objects.filter(
        pk__in=ZoneAssignment.objects.current()
        .filter(supervisor__user=user, supervisor__is_active=True)
        .values("zone")
    )


def in_zones_today(zones: QuerySet[Zone]) -> Exists:
    """A school (``OuterRef("pk")``) whose open membership is in one of ``zones``."""
    return Exists(SchoolMembership.objects.current().filter(school=OuterRef("pk"), zone__in=zones.values("pk")))


def ever_in_offices(offices) -> Exists:
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
    overseen = subtree(offices_with_perm(user, OVERSEE)).values("pk")
    scope = (
        Q(office__in=overseen)
        | ever_in_offices(overseen)
        | in_zones_today(zones_of_supervisor_today(user))
        | Q(pk__in=visits_attended_by(user).values("school"))
        | Q(schooluserobjectpermission__user=user, schooluserobjectpermission__permission__codename=ACT_FOR_SCHOOL)
    )
    return School.objects.filter(pk__in=School.objects.filter(scope).values("pk"))


def schools_of_supervisor(user) -> QuerySet[School]:
    """Exactly the schools in the zones this user supervises today (the supervisor's workspace)."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(in_zones_today(zones_of_supervisor_today(user)))


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


def visits_attended_by(user):
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
    return offices_with_perm(user, BACKFILL)


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
    overseen = subtree(offices_with_perm(user, OVERSEE)).values("pk")
    scope = Q(office__in=overseen) | Q(pk__in=zones_of_supervisor_today(user).values("pk"))
    return Zone.objects.filter(pk__in=Zone.objects.filter(scope).values("pk"))


def zones_managed_by(user) -> QuerySet[Zone]:
    return Zone.objects.filter(office__in=offices_managed_by(user).values("pk"))


def supervisors_visible_to(user) -> QuerySet[Supervisor]:
    if not user.is_authenticated:
        return Supervisor.objects.none()
    if user.is_superuser:
        return Supervisor.objects.all()
    overseen = subtree(offices_with_perm(user, OVERSEE)).values("pk")
    # A supervisor sees themself and the colleagues sharing one of their zones today.
    colleagues = ZoneAssignment.objects.current().filter(zone__in=zones_of_supervisor_today(user).values("pk"))
    scope = Q(office__in=overseen) | Q(user=user) | Q(pk__in=colleagues.values("supervisor"))
    return Supervisor.objects.filter(pk__in=Supervisor.objects.filter(scope).values("pk"))


def supervisors_managed_by(user) -> QuerySet[Supervisor]:
    return Supervisor.objects.filter(office__in=offices_managed_by(user).values("pk"))


def can_manage_office(user, office: Office) -> bool:
    return offices_managed_by(user).filter(pk=office.pk).exists()


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
