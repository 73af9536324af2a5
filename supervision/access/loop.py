"""Scopes of the monthly loop: visits, problems, plans and checklist templates, coverage and monthly summaries."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from inspections.models.choices import ChecklistStatus
from inspections.models import ChecklistTemplate, MonthlySummary, Plan, Problem, Visit
from schools.models import School

from supervision.access.core import (
    OVERSEE,
    ever_in_offices,
    in_zones_today,
    offices_overseen_by,
    offices_planned_by,
    offices_with_perm,
    schools_acted_for_by,
    schools_of_supervisor,
    subtree,
    visits_attended_by,
    zones_of_supervisor_today,
)
from supervision.access.rectification import tickets_visible_to
from supervision.access.subapps import campaign_visits_of_team
from supervision.models import Office


def visits_visible_to(user):
    """Visits a user reads: an office role those made in (or at schools ever in) its offices; a
    supervisor every visit of the schools in their zones today and the visits they attended anywhere;
    a school user only the submitted ones (not drafts) of their own school."""
    if not user.is_authenticated:
        return Visit.objects.none()
    if user.is_superuser:
        return Visit.objects.all()
    overseen = offices_overseen_by(user).values("pk")
    visible = Visit.objects.filter(
        Q(office__in=overseen)
        | Q(school__in=School.objects.filter(ever_in_offices(overseen)).values("pk"))
        | Q(school__in=schools_of_supervisor(user).values("pk"))
        | Q(pk__in=visits_attended_by(user).values("pk"))
    )
    acted_for = Q(school__in=schools_acted_for_by(user).values("pk"), checklist__status=ChecklistStatus.SUBMITTED)
    return Visit.objects.filter(Q(pk__in=visible.values("pk")) | acted_for)


def visits_editable_by(user):
    """Visits a user may fill in: those they were present at as a supervisor, and the past visits a
    补录 holder entered for others."""
    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(
        Q(supervisors__user=user, supervisors__is_active=True) | Q(entered_by=user)
    ).distinct()


def visits_readable_by(user):
    """Visits a user may open: those in their scope plus those they attended (a joint visit with a
    colleague of another zone), and a campaign team's special visits (专项督导)."""
    return Visit.objects.filter(
        Q(pk__in=visits_visible_to(user).values("pk"))
        | Q(pk__in=visits_editable_by(user).values("pk"))
        | Q(pk__in=campaign_visits_of_team(user).values("pk"))
    )


def problems_visible_to(user):
    """Problems of the visits a user sees, and those raised without a visit (an evaluation, a
    verified complaint) that the user's tickets scope reaches."""
    return Problem.objects.filter(
        Q(visit__in=visits_visible_to(user).values("pk"))
        | Q(visit__isnull=True, ticket__in=tickets_visible_to(user).values("pk"))
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
    return Plan.objects.filter(office__in=plan_offices_visible_to(user).values("pk"))


def plans_editable_by(user):
    return Plan.objects.filter(office__in=offices_planned_by(user).values("pk"))


def checklist_templates_visible_to(user):
    return ChecklistTemplate.objects.filter(office__in=plan_offices_visible_to(user).values("pk"))


def checklist_templates_editable_by(user):
    return ChecklistTemplate.objects.filter(office__in=offices_planned_by(user).values("pk"))


def schools_in_coverage_of(user) -> QuerySet[School]:
    """Schools whose monthly coverage (全覆盖) a user follows: the offices an office role oversees and
    a supervisor's zones. School users follow none (they see only their own school)."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    overseen = subtree(offices_with_perm(user, OVERSEE)).values("pk")
    scope = Q(office__in=overseen) | ever_in_offices(overseen) | in_zones_today(zones_of_supervisor_today(user))
    return School.objects.filter(pk__in=School.objects.filter(scope).values("pk"))


def monthly_summaries_visible_to(user):
    """A supervisor's own monthly summaries (drafts too) and the submitted ones of every office a
    user oversees; a draft is its author's until submitted."""
    if not user.is_authenticated:
        return MonthlySummary.objects.none()
    if user.is_superuser:
        return MonthlySummary.objects.all()
    overseen = offices_overseen_by(user).values("pk")
    return MonthlySummary.objects.filter(
        Q(supervisor__user=user)
        | Q(supervisor__office__in=overseen, submitted_at__isnull=False)
    )
