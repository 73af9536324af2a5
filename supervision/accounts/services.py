"""API tokens (等保 2.0 三级 身份鉴别): every write — create, revoke, the last-use stamp."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supervision import access, clock
from supervision.audit import services as audit
from supervision.audit.choices import AuditAction
from supervision.audit.context import request_address

from .models import ApiToken, key_hash
from .sessions import TOUCH_EVERY

MAX_DAYS = 365  # a token never lives longer than a year
DEFAULT_NAME = "API"
PREFIX_LENGTH = 8


def default_days() -> int:
    return min(settings.API_TOKEN_DAYS, MAX_DAYS)


def _record(action: str, *, token: ApiToken, actor, request=None, **details) -> None:
    owner = token.owner
    audit.record(
        action=action, actor=actor, object_type="accounts.apitoken", object_id=token.pk,
        object_repr=f"{owner.get_username()} · {token}", request=request, office=access.audit_office_of(owner),
        details={"owner": owner.get_username(), "name": token.name, "prefix": token.prefix,
                 "expires_at": token.expires_at.isoformat(), **details},
    )


@transaction.atomic
def token_create(*, owner, name: str = "", days: int | None = None, actor=None, request=None) -> tuple[ApiToken, str]:
    """A new token for ``owner``, valid ``days`` days (settings.API_TOKEN_DAYS by default, at most 365).
    Returns the token and its key: the key is shown this once and never stored."""
    days = default_days() if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("有效期须为 1 至 %(max)s 天。") % {"max": MAX_DAYS}})
    key = secrets.token_hex(20)  # 40 hexadecimal characters, the format clients already send
    now = clock.now()
    token = ApiToken.objects.create(
        owner=owner, name=(name or "").strip()[:50] or DEFAULT_NAME, key_hash=key_hash(key),
        prefix=key[:PREFIX_LENGTH], created_at=now, expires_at=now + dt.timedelta(days=days),
    )
    _record(AuditAction.TOKEN_CREATE, token=token, actor=actor or owner, request=request)
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, actor=None, reason: str = "", request=None) -> bool:
    """Revoke a token at once (kept, marked revoked, for the owner's list and the audit). A token
    already revoked stays as it was; returns whether this call revoked it."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now(), revoked_by=actor
    )
    if not revoked:
        return False
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    extra = {"reason": reason} if reason else {}
    _record(AuditAction.TOKEN_REVOKE, token=token, actor=actor, request=request, **extra)
    return True


@transaction.atomic
def tokens_revoke_all(*, user, actor=None, reason: str = "") -> int:
    """Revoke every live token of a login (a password reset or set by the admin, a deactivation):
    a token outlives a password otherwise."""
    tokens = list(ApiToken.objects.filter(owner=user, revoked_at__isnull=True).select_related("owner"))
    return sum(token_revoke(token=token, actor=actor, reason=reason) for token in tokens)


def token_touch(*, token: ApiToken, request=None) -> None:
    """Stamp the last use, at most once a minute: no write for every request a client makes."""
    now = clock.now()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() < TOUCH_EVERY:
        return
    address = request_address(request)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_address=address)
    token.last_used_at, token.last_used_address = now, address
