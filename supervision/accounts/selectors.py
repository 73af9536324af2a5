"""API tokens as their owner and their office's admin read them."""
from __future__ import annotations

from django.db.models import QuerySet

from supervision import access

from .models import ApiToken, key_hash


def token_by_key(key: str) -> ApiToken | None:
    """The token a client sent (live or not: the caller says why it is refused), with its owner."""
    return ApiToken.objects.select_related("owner", "owner__password_state").filter(key_hash=key_hash(key)).first()


def tokens_of(*, owner) -> QuerySet[ApiToken]:
    """Every token of one login, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(owner=owner).select_related("owner", "revoked_by")


def addresses_shown(*, viewer, owner) -> bool:
    """Whether the viewer sees the address a token of ``owner`` was last used from: only those who
    read the audit log of the owner's office (``access.may_see_addresses``)."""
    office = access.audit_office_of(owner)
    return viewer.is_superuser or (office is not None and access.may_see_addresses(viewer, office.pk))
