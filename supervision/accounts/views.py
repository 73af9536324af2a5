"""锁定账号 (the office admin unlocks their logins) and API令牌 (a login's own tokens; the office
admin's view of and revoking of their logins' tokens)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from supervision import access
from supervision.accounts import lockout
from supervision.forms import add_service_errors

from . import selectors, services
from .forms import TokenForm


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
