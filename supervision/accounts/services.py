"""Writes of sign-in security: where a password stands (set by someone else, its age) and the
动态口令 (TOTP) devices of a login."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from supervision import access, clock, selectors
from supervision.audit import services as audit
from supervision.audit.choices import AuditAction

from .models import PasswordState


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
