"""锁定账号: the office admin sees and unlocks locked logins of their own offices."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision import access, selectors
from supervision.accounts import lockout


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
