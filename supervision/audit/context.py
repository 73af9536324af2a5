"""The request being served, so an entry written deep in a service still names its actor and address."""
from __future__ import annotations

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_request", default=None)


def request_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client writes (the proxy sets REMOTE_ADDR).
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def request_user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT") or "")[:300] if request is not None else ""
