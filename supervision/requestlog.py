"""One middleware for what an operator needs of each request: a request id (taken from a sane
``X-Request-ID`` header or made here, returned in the response), one access-log line (method, path,
status, duration in ms, user id), and, for an unexpected exception, an error id that the log line,
the Chinese 500 page and the API's JSON answer all show — never a traceback."""
import logging
import re
import time
import uuid

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

access_log = logging.getLogger("supervision.request")
error_log = logging.getLogger("supervision.errors")

EXPECTED = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
QUIET_PATHS = ("/healthz", "/readyz")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def server_error_response(request, error_id: str):
    """The 500 answer: JSON on the API, the standalone Chinese page elsewhere (no database, no request
    context: the page must render when everything else is broken)."""
    if is_api(request):
        return JsonResponse(
            {"detail": _("服务器内部错误，请稍后重试；如仍出错，请把错误编号告诉管理员。"), "error_id": error_id},
            status=500,
        )
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("500.html").render({"error_id": error_id}))


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        user = getattr(request, "user", None)
        access_log.log(
            logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
            "%s %s %s", request.method, request.path, response.status_code,
            extra={
                "request_id": request.request_id,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, EXPECTED):
            return None  # Django answers these itself (404, 403, 400 through urls.py's handlers)
        error_id = getattr(request, "request_id", None) or uuid.uuid4().hex
        user = getattr(request, "user", None)
        error_log.error(
            "未处理的异常 %s %s", request.method, request.path, exc_info=exception,
            extra={"request_id": error_id, "error_id": error_id, "method": request.method, "path": request.path,
                   "user_id": user.pk if user is not None and user.is_authenticated else None},
        )
        response = server_error_response(request, error_id)
        response._has_been_logged = True  # logged above, with the error id; Django need not log it again
        return response
