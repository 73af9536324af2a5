"""Reads more than one caller needs, each a constant number of queries."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from schools.models import School

from . import access
from .choices import Role
from .models import Office, Supervisor, Zone, ZoneAssignment

User = get_user_model()


def zones_of_supervisor(*, user) -> list[Zone]:
    """The supervisor's zones with their number of schools and co-supervisors (2 queries).
    The schools themselves come with the month's to-do (inspections.selectors.supervisor_todo)."""
    return list(
        Zone.objects.filter(assignments__supervisor__user=user, assignments__supervisor__is_active=True)
        .select_related("office")
        .annotate(school_count=Count("schools", filter=Q(schools__is_active=True), distinct=True))
        .prefetch_related(
            Prefetch("assignments", queryset=ZoneAssignment.objects.select_related("supervisor").order_by("-is_lead")),
        )
        .distinct()
        .order_by("name")
    )


def office_overview_for(*, user) -> list[Office]:
    """Offices the user oversees with their headline counts (one query)."""
    return list(
        Office.objects.filter(pk__in=access.offices_overseen_by(user).values("pk"))
        .select_related("parent")
        .annotate(
            school_count=Count("schools", filter=Q(schools__is_active=True), distinct=True),
            kindergarten_count=Count(
                "schools", filter=Q(schools__is_active=True, schools__kind="kindergarten"), distinct=True
            ),
            unzoned_count=Count("schools", filter=Q(schools__is_active=True, schools__zone__isnull=True), distinct=True),
            zone_count=Count("zones", distinct=True),
            supervisor_count=Count("supervisors", filter=Q(supervisors__is_active=True), distinct=True),
        )
        .order_by("division_code")  # 行政区划代码 is hierarchical: province, city, counties
    )


def zone_detail_context(*, zone: Zone, with_candidates: bool) -> dict:
    """A zone's schools and supervisors, and (for managers) the office's schools to assign."""
    context = {
        "schools": list(zone.schools.order_by("kind", "name")),
        "assignments": list(zone.assignments.select_related("supervisor").order_by("-is_lead", "supervisor__name")),
    }
    if with_candidates:
        context["candidate_schools"] = list(
            School.objects.filter(office=zone.office_id, is_active=True)
            .exclude(zone=zone)
            .select_related("zone")
            .order_by("zone__name", "kind", "name")
        )
        context["office_supervisors"] = list(
            Supervisor.objects.filter(office=zone.office_id, is_active=True).order_by("name")
        )
        context["assigned_ids"] = {a.supervisor_id for a in context["assignments"]}
        context["lead_id"] = next((a.supervisor_id for a in context["assignments"] if a.is_lead), None)
    return context


def users_of_offices(*, offices: QuerySet[Office]) -> QuerySet:
    """Every login belonging to these offices: office roles, supervisors and school contacts."""
    office_ids = offices.values("pk")
    return (
        User.objects.filter(
            Q(officeuserobjectpermission__content_object__in=office_ids)
            | Q(supervisor__office__in=office_ids)
            | Q(schooluserobjectpermission__content_object__office__in=office_ids)
        )
        .distinct()
        .prefetch_related("groups")
        .order_by("username")
    )


def role_labels(user) -> list[str]:
    return [Role(name).label for name in access.user_roles(user)]
