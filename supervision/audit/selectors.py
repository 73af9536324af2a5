"""Reading the log: what the page lists and the Excel holds, for one reader and their filters."""
from __future__ import annotations

from django.db.models import QuerySet

from supervision import access

from .filters import AuditEntryFilter, object_type_label
from .models import AuditEntry


def audit_log_filtered(*, user, params) -> tuple[AuditEntryFilter, QuerySet[AuditEntry]]:
    """The entries this reader may see (their office and those below it), filtered as asked, newest first."""
    visible = access.audit_entries_visible_to(user)
    object_types = sorted(visible.order_by().values_list("object_type", flat=True).distinct())
    filterset = AuditEntryFilter(params or None, queryset=visible, object_types=[t for t in object_types if t])
    return filterset, filterset.qs.select_related("office").order_by("-seq")


def change_lines(entry: AuditEntry) -> list[str]:
    """Before → after, one line per field (a group membership: which were added or taken away)."""
    lines = []
    for field, change in (entry.changes or {}).items():
        if isinstance(change, dict) and change.get("type") == "m2m":
            sign = "+" if change.get("operation") == "add" else "−"
            lines.append(f"{field}: {sign}{'、'.join(str(o) for o in change.get('objects', []))}")
        elif isinstance(change, list) and len(change) == 2:
            lines.append(f"{field}: {change[0]} → {change[1]}")
        else:
            lines.append(f"{field}: {change}")
    return lines


def detail_text(entry: AuditEntry) -> str:
    details = entry.details or {}
    parts = []
    if details.get("file"):
        parts.append(str(details["file"]))
    if details.get("filters"):
        parts.append("; ".join(f"{k}={v}" for k, v in details["filters"].items()))
    if details.get("username") and not entry.actor_id:
        parts.append(str(details["username"]))
    return " · ".join(parts)


__all__ = ["audit_log_filtered", "change_lines", "detail_text", "object_type_label"]
