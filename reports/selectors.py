"""Reads for report jobs. Scope comes from ``supervision.access`` only."""
from django.db.models import Q, QuerySet

from supervision import access
from supervision.models import Office

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs of offices the user oversees (office admin, director, higher-office viewers)."""
    return Job.objects.filter(office__in=access.offices_overseen_by(user).values("pk"))


def offices_starting_jobs_for(user) -> QuerySet[Office]:
    """Offices whose admins or directors may start report jobs: the user's own, not those below."""
    return Office.objects.filter(
        Q(pk__in=access.offices_managed_by(user).values("pk")) | Q(pk__in=access.offices_directed_by(user).values("pk"))
    )
