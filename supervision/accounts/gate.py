"""After the password, before anything else (等保 2.0 三级 身份鉴别).

A login may still owe something when its password was accepted: the 动态口令 (TOTP) of its
authenticator — asked of everyone who bound one, and of every admin and director of an office that
requires it (enrolling first) — and then a password of its own, when an admin set the current one
or it is older than the office's 密码有效期. What it owes is worked out once, at login, and kept in
the session, so a page costs no query for it; until it is paid, every page leads to the page that
settles it (logout and static files stay reachable) and the API answers 403 with a ``code``.

API tokens are issued after the password and are not asked for the 动态口令; a token whose login
must change its password is refused (403 ``password_change_required``) except to change it, read
from ``accounts.PasswordState`` with the token in one query.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from rest_framework import exceptions

from supervision import access, clock

from . import services
from .authentication import ApiTokenAuthentication

GATE = "_accounts_gate"
# What a login may owe, in the order it is asked for.
OTP_ENROL, OTP_VERIFY = "otp_enrol", "otp_verify"
PASSWORD_SET_BY_OTHER, PASSWORD_EXPIRED = "password_set_by_other", "password_expired"
PASSWORD_NEEDS = (PASSWORD_SET_BY_OTHER, PASSWORD_EXPIRED)
CODES = {
    OTP_ENROL: "otp_enrolment_required", OTP_VERIFY: "otp_required",
    PASSWORD_SET_BY_OTHER: "password_change_required", PASSWORD_EXPIRED: "password_change_required",
}
PAGES = {
    OTP_ENROL: "accounts:otp_enrol", OTP_VERIFY: "accounts:otp_verify",
    PASSWORD_SET_BY_OTHER: "accounts:password_change", PASSWORD_EXPIRED: "accounts:password_change",
}


def message(need: str) -> str:
    return {
        OTP_ENROL: _("本督导室要求管理员和主任登录时使用动态口令，请先绑定手机验证器。"),
        OTP_VERIFY: _("请输入手机验证器上的动态口令，完成登录。"),
        PASSWORD_SET_BY_OTHER: _("您的密码是管理员设置的，请先修改为只有您自己知道的新密码，再继续使用系统。"),
        PASSWORD_EXPIRED: _("您的密码已超过督导室规定的有效期，已经过期，请先修改密码，再继续使用系统。"),
    }[need]


def gate_for(user) -> dict:
    """What this login owes, worked out at login (a few queries, once per session)."""
    state = services.password_state_sync(user=user)
    if services.otp_device_of(user) is not None:
        otp = OTP_VERIFY
    elif access.offices_staffed_by(user).filter(require_2fa_for_staff=True).exists():
        otp = OTP_ENROL
    else:
        otp = ""
    return {
        "otp": otp,
        "must_change": bool(state and state.must_change),
        "expires_at": state.expires_at.timestamp() if state and state.expires_at else None,
    }


def pending(gate: dict) -> str | None:
    """The first thing still owed, or None; an expiry is compared with the clock at each request."""
    if gate.get("otp"):
        return gate["otp"]
    if gate.get("must_change"):
        return PASSWORD_SET_BY_OTHER
    expires_at = gate.get("expires_at")
    if expires_at is not None and clock.now().timestamp() >= expires_at:
        return PASSWORD_EXPIRED
    return None


def pending_for(request) -> str | None:
    session = getattr(request, "session", None)
    if session is None or not request.user.is_authenticated:
        return None
    gate = session.get(GATE)
    if gate is None:  # a session from before this gate existed
        gate = session[GATE] = gate_for(request.user)
    return pending(gate)


def on_login(sender, request, user, **kwargs):
    """user_logged_in: the session starts owing what the login owes."""
    if request is not None and hasattr(request, "session"):
        request.session[GATE] = gate_for(user)


def otp_passed(request) -> None:
    request.session[GATE] = {**request.session.get(GATE, {}), "otp": ""}


def otp_recheck(request) -> None:
    """The authenticator was removed: owe an enrolment again if the office requires one."""
    request.session[GATE] = {**request.session.get(GATE, {}), "otp": gate_for(request.user)["otp"]}


def password_changed(request, state) -> None:
    """The user chose their own password (``state``: its new PasswordState)."""
    request.session[GATE] = {
        **request.session.get(GATE, {}), "must_change": False,
        "expires_at": state.expires_at.timestamp() if state.expires_at else None,
    }


def safe_next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _exempt(path: str, need: str) -> bool:
    """Logout, the language switch, static files, the token login and the page that settles the need."""
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    open_paths = {reverse("logout"), reverse("api-token"), reverse("set_language")}
    if need in PASSWORD_NEEDS:
        open_paths |= {reverse("accounts:password_change"), reverse("api-password-change")}
    else:
        open_paths.add(reverse(PAGES[need]))
    return path in open_paths


class GateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        need = pending_for(request)
        if need is not None and not _exempt(request.path, need):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message(need), "code": CODES[need]}, status=403)
            if not request.headers.get("HX-Request") and request.method == "GET":
                return redirect_to_login(request.get_full_path(), reverse(PAGES[need]))
            return redirect(PAGES[need])
        return self.get_response(request)


# --- API tokens --------------------------------------------------------------------------------------

class GatedTokenAuthentication(ApiTokenAuthentication):
    """The named, expiring token (``ApiTokenAuthentication``), read with its login's PasswordState (no
    extra query): a login that must change its password may call nothing but the password change
    (403, ``password_change_required``)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and request.path != reverse("api-password-change"):
            state = getattr(result[0], "password_state", None)
            need = None
            if state is not None and state.must_change:
                need = PASSWORD_SET_BY_OTHER
            elif state is not None and state.expires_at is not None and clock.now() >= state.expires_at:
                need = PASSWORD_EXPIRED
            if need is not None:
                raise exceptions.PermissionDenied({"detail": message(need), "code": CODES[need]})
        return result
