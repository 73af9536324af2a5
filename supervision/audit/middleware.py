"""The request each entry belongs to, and every file the site hands out (exports and downloads).

One place sees every file response, whichever view made it: an Excel, PDF or Word produced on the fly
is an export, a stored upload or a job's stored result is a download. The entry names the file, the
page that served it and the filters it was asked with.
"""
from __future__ import annotations

import os
import re
from urllib.parse import unquote

from django.conf import settings
from django.core.files import File
from django.http import FileResponse

from . import services
from .choices import AuditAction
from .context import current_request

_FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename="?([^";]+)"?', re.IGNORECASE)


def file_name(response) -> str | None:
    """The name a file response gives its file, or None when the response is no file."""
    disposition = response.get("Content-Disposition", "")
    match = _FILENAME_STAR.search(disposition) or _FILENAME.search(disposition)
    if match:
        return unquote(match.group(1))
    if isinstance(response, FileResponse):
        stored = getattr(response.file_to_stream, "name", None)
        return os.path.basename(stored) if isinstance(stored, str) else ""
    return None


def is_stored(response) -> bool:
    """A stored upload or a job's stored result (a FieldFile, a file under MEDIA_ROOT) is downloaded;
    a workbook written into memory or a temporary file is exported."""
    if not isinstance(response, FileResponse):
        return False
    filelike = response.file_to_stream
    if isinstance(filelike, File):
        return True
    name = getattr(filelike, "name", None)
    return isinstance(name, str) and os.path.abspath(name).startswith(os.path.abspath(settings.MEDIA_ROOT) + os.sep)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 200:
                name = file_name(response)
                if name is not None:
                    file_served(request, response, name)
            return response
        finally:
            current_request.reset(token)


def file_served(request, response, name: str) -> None:
    match = request.resolver_match
    kwargs = match.kwargs if match is not None else {}
    services.record(
        action=AuditAction.DOWNLOAD if is_stored(response) else AuditAction.EXPORT,
        object_type="file",
        object_id=next((str(v) for v in kwargs.values()), ""),
        object_repr=name or request.path,
        details={
            "file": name,
            "path": request.path,
            "view": match.view_name if match is not None else "",
            "filters": {key: request.GET.getlist(key) if len(request.GET.getlist(key)) > 1 else request.GET[key]
                        for key in request.GET if request.GET.get(key) not in (None, "")},
            "content_type": response.get("Content-Type", ""),
        },
        request=request,
    )
