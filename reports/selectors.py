"""Reads for report jobs. Scope comes from ``supervision.access`` only."""
from django.db.models import Q, QuerySet

from supervision import access
from supervision.models import Office

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs of offices the user oversees (office admin, director, higher-office viewers), and the
    jobs a user started themself (a lead supervisor's zone report)."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(office__in=access.offices_overseen_by(user).values("pk")) | Q(created_by=user))


def offices_starting_jobs_for(user) -> QuerySet[Office]:
    """Offices whose admins or directors may start report jobs: the user's own, not those below."""
    return Office.objects.filter(
        Q(pk__in=access.offices_managed_by(user).values("pk")) | Q(pk__in=access.offices_directed_by(user).values("pk"))
    )
