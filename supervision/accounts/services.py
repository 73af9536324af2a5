"""Writes of sign-in security (等保 2.0 三级 身份鉴别): API tokens (create, revoke, the last-use
stamp), where a password stands (set by someone else, its age) and the 动态口令 (TOTP) devices of a login."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from supervision import access, clock, selectors
from supervision.audit import services as audit
from supervision.audit.choices import AuditAction
from supervision.audit.context import request_address

from .models import ApiToken, PasswordState, key_hash
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


# --- Passwords ---------------------------------------------------------------------------------------


def password_max_age_of(user) -> int:
    """The 密码有效期 (days, 0 = never) of the user's office — the office their acts are filed under."""
    office = access.audit_office_of(user)
    return office.password_max_age_days if office is not None else 0


def _expiry(user, changed_at: dt.datetime | None) -> dt.datetime | None:
    days = password_max_age_of(user)
    return changed_at + dt.timedelta(days=days) if days and changed_at else None


@transaction.atomic
def password_state_mark(*, user, by_self: bool) -> PasswordState:
    """A password was just set. Set by someone else (an admin creating the login, a reset, a password
    given to them): the user must choose their own at the next login. By the user: that duty ends,
    and the office's 密码有效期 counts from now."""
    now = clock.now()
    state, _created = PasswordState.objects.update_or_create(
        user=user, defaults={"must_change": not by_self, "changed_at": now, "expires_at": _expiry(user, now)}
    )
    return state


@transaction.atomic
def password_state_sync(*, user) -> PasswordState | None:
    """At login: the password's expiry recomputed from the office's current 密码有效期 (a password of
    unknown age counts from the account's creation). No row is made while the office sets none."""
    state = PasswordState.objects.filter(user=user).first()
    changed_at = state.changed_at if state is not None and state.changed_at else user.date_joined
    expires_at = _expiry(user, changed_at)
    if state is None and expires_at is None:
        return None
    if state is None:
        return PasswordState.objects.create(user=user, changed_at=changed_at, expires_at=expires_at)
    if state.expires_at != expires_at:
        state.expires_at = expires_at
        state.save(update_fields=["expires_at"])
    return state


@transaction.atomic
def password_expiry_refresh(*, office) -> int:
    """The office changed its 密码有效期: every login of the office gets its expiry anew (the API's
    tokens read it from the row)."""
    users = selectors.users_of_offices(offices=type(office).objects.filter(pk=office.pk))
    return sum(password_state_sync(user=user) is not None for user in users)


# --- 动态口令 (TOTP) ----------------------------------------------------------------------------------

def otp_device_of(user) -> TOTPDevice | None:
    """Selector: the user's confirmed authenticator (one per login)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def otp_enrol_start(*, user) -> TOTPDevice:
    """An unconfirmed authenticator with a fresh secret (a half-done enrolment goes on with its own)."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return pending or TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)


def otp_enrol_confirm(*, user, device_id: int, token: str) -> TOTPDevice:
    """The code from the phone proves the secret was taken: the device becomes the user's only one.
    (The check is outside the transaction: a wrong code's throttle step must stay written.)"""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
    if device is None:
        raise ValidationError({"otp_token": _("绑定已失效，请重新扫描二维码。")})
    otp_token_check(device=device, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(action=AuditAction.OTP_ENROL, actor=user, object_type="auth.user", object_id=user.pk,
                     object_repr=user.get_username())
    return device


def otp_token_check(*, device: TOTPDevice, token: str) -> None:
    """A code is right only once, within its 30 seconds; after a wrong one the device waits (1, 2, 4 …
    seconds: django-otp's throttle, kept on the device across logins)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"otp_token": _("动态口令错误次数过多，请稍后再试。")})
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"otp_token": _("动态口令不正确，请输入手机验证器上当前显示的 6 位数字。")})


@transaction.atomic
def otp_remove(*, user) -> int:
    """The user unbinds their authenticator (a new phone): they enrol again."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    if removed:
        audit.record(action=AuditAction.OTP_REMOVE, actor=user, object_type="auth.user", object_id=user.pk,
                     object_repr=user.get_username())
    return removed
