"""Reads more than one caller needs, each a constant number of queries."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from schools.models import School, SchoolMembership

from . import access
from .choices import Role
from .models import Office, Supervisor, Zone, ZoneAssignment

User = get_user_model()


def schools_today_count(field: str, **where):
    """How many schools are in the roster today (open memberships), by the membership's ``field``."""
    periods = SchoolMembership.objects.current().filter(**{field: OuterRef("pk")}, **where)
    return Coalesce(
        Subquery(periods.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]), 0
    )


def zones_of_supervisor(*, user) -> list[Zone]:
    """The supervisor's zones today with their number of schools and co-supervisors today (2 queries).
    The schools themselves come with the month's to-do (inspections.coverage.selectors.supervisor_todo)."""
    return list(
        access.zones_of_supervisor_today(user)
        .select_related("office")
        .annotate(school_count=schools_today_count("zone"))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ZoneAssignment.objects.current().select_related("supervisor").order_by("-is_lead"),
            ),
        )
        .order_by("name")
    )


def office_overview_for(*, user) -> list[Office]:
    """Offices the user oversees with their headline counts today (one query)."""
    return list(
        Office.objects.filter(pk__in=access.offices_overseen_by(user).values("pk"))
        .select_related("parent")
        .annotate(
            school_count=schools_today_count("office"),
            kindergarten_count=schools_today_count("office", school__kind="kindergarten"),
            unzoned_count=schools_today_count("office", zone__isnull=True),
            zone_count=Count("zones", distinct=True),
            supervisor_count=Count("supervisors", filter=Q(supervisors__is_active=True), distinct=True),
        )
        .order_by("division_code")  # 行政区划代码 is hierarchical: province, city, counties
    )


def zone_detail_context(*, zone: Zone, with_candidates: bool) -> dict:
    """A zone's schools and supervisors today, their history, and (for managers) the office's
    schools to assign."""
    context = {
        "schools": list(School.objects.current(zone=zone).order_by("kind", "name")),
        "assignments": list(
            ZoneAssignment.objects.current().filter(zone=zone).select_related("supervisor").order_by(
                "-is_lead", "supervisor__name"
            )
        ),
        "past_assignments": list(
            ZoneAssignment.objects.filter(zone=zone, valid_to__isnull=False).select_related("supervisor").order_by(
                "-valid_to", "supervisor__name"
            )
        ),
    }
    if with_candidates:
        candidates = School.objects.current(office=zone.office_id).exclude(
            pk__in=School.objects.current(zone=zone).values("pk")
        ).with_current_zone()
        context["candidate_schools"] = sorted(
            candidates, key=lambda s: (s.current_zone.name if s.current_zone else "", s.kind, s.name)
        )
        context["office_supervisors"] = list(
            Supervisor.objects.filter(office=zone.office_id, is_active=True).order_by("name")
        )
        context["assigned_ids"] = {a.supervisor_id for a in context["assignments"]}
        context["lead_id"] = next((a.supervisor_id for a in context["assignments"] if a.is_lead), None)
    return context


def users_of_offices(*, offices: QuerySet[Office]) -> QuerySet:
    """Every login belonging to these offices (``access.users_in_offices``), with their groups, by login name."""
    return access.users_in_offices(offices).prefetch_related("groups").order_by("username")


def role_labels(user) -> list[str]:
    return [Role(name).label for name in access.user_roles(user)]
