"""Who may set offices up (the API's office and user endpoints), and whose logins an admin manages."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from supervision.access.core import BACKFILL, DIRECT, MANAGE, OVERSEE, offices_managed_by
from supervision.choices import OfficeLevel, Role
from supervision.accounts.models import ApiToken
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


def users_in_offices(offices: QuerySet[Office]) -> QuerySet:
    """Every login belonging to these offices: office roles, supervisors and school contacts."""
    office_ids = offices.values("pk")
    return get_user_model().objects.filter(
        Q(officeuserobjectpermission__content_object__in=office_ids)
        | Q(supervisor__office__in=office_ids)
        | Q(schooluserobjectpermission__content_object__office__in=office_ids)
    ).distinct()


def users_managed_by(user) -> QuerySet:
    """The logins an office admin manages: those of the offices they administer, never a superuser's."""
    return users_in_offices(offices_managed_by(user)).exclude(is_superuser=True)


def api_tokens_managed_by(user) -> QuerySet[ApiToken]:
    """The API tokens an office admin sees and revokes: those of the logins they manage."""
    return ApiToken.objects.filter(owner__in=users_managed_by(user).values("pk"))
