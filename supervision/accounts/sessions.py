"""Session timeouts (等保 2.0 三级: 登录连接超时自动退出): 30 idle minutes, 12 hours at most.

Both read supervision.clock, so tests move time instead of waiting. An API call by token carries
no session and is untouched here; a page or an API call by session past its time is logged out.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from supervision import clock

STARTED = "_accounts_started_at"
SEEN = "_accounts_seen_at"
TOUCH_EVERY = 60  # seconds: the last-seen stamp is rewritten at most once a minute


def stamp_login(sender, request, user, **kwargs):
    """user_logged_in: the session's clock starts at login (written with the login itself, so the
    first page costs no extra session write)."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = clock.now().timestamp()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            session = request.session
            started, seen = session.get(STARTED), session.get(SEEN)
            if started is None or seen is None:
                session[STARTED] = session[SEEN] = now
            elif now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                idle = now - seen > settings.SESSION_IDLE_TIMEOUT
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # DRF answers 401 to the now anonymous caller
                messages.info(request, _("长时间未操作,已自动退出,请重新登录。") if idle
                              else _("登录已超过12小时,请重新登录。"))
                return redirect_to_login(request.get_full_path())
            elif now - seen >= TOUCH_EVERY:
                session[SEEN] = now
        return self.get_response(request)
