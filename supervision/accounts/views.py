"""Sign-in security pages: 锁定账号 for the office admin; 我的账号 (own password, 动态口令) and the
steps a login owes after the password (supervision.accounts.gate)."""
import base64

import django_otp
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision import access, selectors
from supervision import services as supervision_services
from supervision.accounts import gate, lockout, qr, services
from supervision.accounts.forms import OtpTokenForm, PasswordChangeForm
from supervision.forms import add_service_errors


def _users_managed(request):
    offices = access.offices_managed_by(request.user)
    if not offices.exists():
        raise Http404
    return selectors.users_of_offices(offices=offices).exclude(is_superuser=True)


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
