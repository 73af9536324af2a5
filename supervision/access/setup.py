"""Who may set offices up (the API's office and user endpoints)."""
from __future__ import annotations

from django.db.models import QuerySet

from supervision.access.core import BACKFILL, DIRECT, MANAGE, OVERSEE, offices_managed_by
from supervision.choices import OfficeLevel, Role
from supervision.models import Office


def office_parents_managed_by(user) -> QuerySet[Office]:
    """Offices a user may set new offices up under: those they administer that have a level below
    them (a city's admin creates the counties of the city, nowhere else); a superuser any of them."""
    return offices_managed_by(user).exclude(level=OfficeLevel.COUNTY)


def office_roles_of(codenames: set[str]) -> list[str]:
    """The office roles a user's permissions on one office amount to: admin (manages), director
    (directs), and viewer (上级督导室) when the user only reads."""
    roles = [role for role, perm in ((Role.OFFICE_ADMIN, MANAGE), (Role.DIRECTOR, DIRECT)) if perm in codenames]
    if codenames - {BACKFILL} == {OVERSEE}:  # 补录 may be granted on its own, it is no role
        roles.append(Role.VIEWER)
    return roles
