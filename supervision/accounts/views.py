"""Sign-in security pages: 锁定账号 for the office admin; 我的账号 (own password, 动态口令) and the
steps a login owes after the password (supervision.accounts.gate); API令牌 (a login's own tokens; the
office admin's view of and revoking of their logins' tokens)."""
import base64

import django_otp
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from supervision import access
from supervision import services as supervision_services
from supervision.accounts import gate, lockout, qr
from supervision.forms import add_service_errors

from . import selectors, services
from .forms import OtpTokenForm, PasswordChangeForm, TokenForm


def _users_managed(request):
    if not access.offices_managed_by(request.user).exists():
        raise Http404
    return access.users_managed_by(request.user)


@login_required
def locked_list(request):
    attempts = lockout.locked_attempts_of(_users_managed(request))
    return render(request, "accounts/locked_list.html", {"attempts": attempts})


@login_required
@require_POST
def locked_unlock(request):
    username = request.POST.get("username", "")
    if not _users_managed(request).filter(username=username).exists():
        raise Http404
    lockout.unlock(username=username)
    messages.success(request, _("已解锁账号 %(username)s。") % {"username": username})
    return redirect("accounts:locked_list")


# --- 我的API令牌 ---------------------------------------------------------------------------------

def _tokens_page(request, *, owner, form=None, status=200, **extra):
    return render(request, "accounts/token_list.html", {
        "owner": owner, "own": owner == request.user, "tokens": selectors.tokens_of(owner=owner),
        "addresses_shown": selectors.addresses_shown(viewer=request.user, owner=owner),
        "form": form, **extra,
    }, status=status)


@login_required
def token_list(request):
    return _tokens_page(request, owner=request.user, form=TokenForm())


@never_cache  # the answer holds the key: no cache keeps it
@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                owner=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _tokens_page(request, owner=request.user, form=TokenForm(), created=token, key=key)
    return _tokens_page(request, owner=request.user, form=form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(selectors.tokens_of(owner=request.user), pk=pk)
    services.token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("已撤销API令牌“%(name)s”。") % {"name": token.name})
    return redirect("accounts:token_list")


# --- The office admin: a login's tokens ----------------------------------------------------------

@login_required
def user_tokens(request, user_pk):
    owner = get_object_or_404(_users_managed(request), pk=user_pk)
    return _tokens_page(request, owner=owner)


@login_required
@require_POST
def user_token_revoke(request, user_pk, pk):
    token = get_object_or_404(access.api_tokens_managed_by(request.user).select_related("owner"),
                              pk=pk, owner_id=user_pk)
    services.token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("已撤销%(user)s的API令牌“%(name)s”。")
                     % {"user": token.owner.get_full_name() or token.owner.username, "name": token.name})
    return redirect("accounts:user_tokens", user_pk=user_pk)


# --- 我的账号 -----------------------------------------------------------------------------------------

@login_required
def account(request):
    return render(request, "accounts/account.html", {"device": services.otp_device_of(request.user)})


@login_required
def password_change(request):
    """修改密码: on the user's own wish, or because the gate sent them (set by an admin, expired)."""
    need = gate.pending_for(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            state = supervision_services.user_password_change(
                user=request.user, old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            gate.password_changed(request, state)
            messages.success(request, _("密码已修改，请牢记新密码。"))
            return redirect(gate.safe_next(request, default="accounts:account" if need is None else "home"))
    notice = gate.message(need) if need in gate.PASSWORD_NEEDS else ""
    return render(request, "accounts/password_change.html",
                  {"form": form, "notice": notice, "rules": password_validators_help_texts(), "next": request.GET.get("next", request.POST.get("next", ""))},
                  status=400 if request.method == "POST" else 200)


def _secret(device) -> str:
    plain = base64.b32encode(device.bin_key).decode()
    return " ".join(plain[i:i + 4] for i in range(0, len(plain), 4))


@login_required
def otp_enrol(request):
    """绑定动态口令: scan the QR code (or type the secret) into the phone, confirm with its code."""
    device = services.otp_enrol_start(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_enrol_confirm(user=request.user, device_id=device.pk,
                                                token=form.cleaned_data["otp_token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            gate.otp_passed(request)
            messages.success(request, _("动态口令已绑定，以后登录时需输入手机验证器上的动态口令。"))
            return redirect(gate.safe_next(request, default="accounts:account"))
    need = gate.pending_for(request)
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "qr_svg": qr.svg(device.config_url), "secret": _secret(device),
        "notice": gate.message(need) if need == gate.OTP_ENROL else "",
        "next": request.GET.get("next", request.POST.get("next", "")),
    }, status=400 if request.method == "POST" else 200)


@login_required
def otp_verify(request):
    """输入动态口令 after the password. A wrong code is a failed login: five lock the account (axes)."""
    device = services.otp_device_of(request.user)
    if device is None:
        return redirect("accounts:otp_enrol")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.otp_token_check(device=device, token=form.cleaned_data["otp_token"])
        except ValidationError as exc:
            user = request.user
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)  # AxesMiddleware answers with the lockout page
                return redirect("login")
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            gate.otp_passed(request)
            return redirect(gate.safe_next(request))
    return render(request, "accounts/otp_verify.html", {
        "form": form, "notice": gate.message(gate.OTP_VERIFY), "next": request.GET.get("next", request.POST.get("next", "")),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def otp_remove(request):
    services.otp_remove(user=request.user)
    gate.otp_recheck(request)
    messages.success(request, _("已解绑动态口令。"))
    return redirect("accounts:account")
