"""The address printed for people who are not at this browser: QR codes on posters, links in e-mails.

``SITE_URL`` from the environment wins. Without it, the address the page was opened with: a poster
printed from http://10.1.2.3:8000 points there, not at this machine's loopback. Work done later
(a report job in the worker, an e-mail task) is given the address captured when it was started.
"""
from __future__ import annotations

import contextlib
import ipaddress
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings

# What ./run.sh serves, when neither SITE_URL nor a request says better (beat jobs, the shell).
FALLBACK = "http://127.0.0.1:8000"

_current: ContextVar[str] = ContextVar("site_url", default="")


def site_url() -> str:
    """The base address (scheme://host[:port], no trailing slash) printed right now."""
    return settings.SITE_URL or _current.get() or FALLBACK


@contextlib.contextmanager
def serving(url: str | None):
    """Print ``url`` (an address captured earlier) inside this block, unless SITE_URL is set.
    An empty ``url`` (nothing was captured) changes nothing."""
    if not url:
        yield
        return
    token = _current.set(url.rstrip("/"))
    try:
        yield
    finally:
        _current.reset(token)


def is_loopback(url: str) -> bool:
    """127.x, ::1 or localhost: a phone scanning the QR code would reach itself, not this server."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SiteURLMiddleware:
    """Pages print the address they were opened with while SITE_URL is not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            return self.get_response(request)
        with serving(request.build_absolute_uri("/")):
            return self.get_response(request)
