"""Login lockout (等保 2.0 三级: 登录失败处理) on top of django-axes.

Five failures for one account, or from one address, lock it for fifteen minutes
(settings.AXES_*). The database handler keeps the count, so every process sees it.
Two doors lead in: the login page and the API token endpoint; both answer here.
"""
import datetime as dt

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from supervision import clock


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password is looked at. Without a request (a management command,
    the test client's ``login()``) there is no address to count, so the check stands aside;
    every login over HTTP passes its request and is counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def unlock_at(request, username: str | None) -> dt.datetime:
    """When the lock on this username or this request's address lifts (local time)."""
    who = Q(ip_address=request.META.get("REMOTE_ADDR") or "")
    if username:
        who |= Q(username=username)
    last = AccessAttempt.objects.filter(who).aggregate(last=Max("attempt_time"))["last"]
    return clock.localtime((last or clock.now()) + settings.AXES_COOLOFF_TIME)


def locked_message(request, username: str | None) -> str:
    until = unlock_at(request, username)
    return _("登录失败次数过多,账号已锁定。请于 %(time)s 后再试,或联系督导室管理员解锁。") % {
        "time": until.strftime("%H:%M")
    }


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def lockout_response(request, response, credentials):
    """AXES_LOCKOUT_CALLABLE: the answer to a locked-out login."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    message = locked_message(request, username)
    if is_api(request):
        return JsonResponse({"detail": message}, status=429)
    form = AuthenticationForm(request, initial={"username": username or ""})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


def api_locked_response(request, username: str | None):
    """The token endpoint answers itself: DRF's request wrapper hides axes' flag from the
    middleware, so the view asks axes directly (before and after checking the password)."""
    if AxesProxyHandler.is_locked(request, {"username": username}):
        return JsonResponse({"detail": locked_message(request, username)}, status=429)
    return None


# --- The office admin's view of locks -------------------------------------------------------------

def locked_attempts_of(users):
    """Selector: the lockout rows (still locked now) of these users' usernames."""
    return AccessAttempt.objects.filter(
        username__in=users.values("username"),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=clock.now() - settings.AXES_COOLOFF_TIME,
    ).order_by("username", "-attempt_time")


def unlock(*, username: str) -> int:
    """Service: lift every lock on this username (all addresses it was tried from)."""
    from axes.utils import reset

    return reset(username=username)
