"""handler403/404/500: Chinese pages, JSON under /api/ (urls.py names them)."""
import uuid

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .requestlog import is_api, server_error_response


def forbidden(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("您没有执行该操作的权限。")}, status=403)
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Reached only when an exception escaped RequestLogMiddleware (it answers the others itself)."""
    return server_error_response(request, getattr(request, "request_id", None) or uuid.uuid4().hex)
