"""The audit log's page and its Excel: for the office admin and the auditor, nobody else (404)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from supervision import access, clock

from . import excel, selectors
from .choices import AuditAction

PAGE_SIZE = 50


def _readers_only(request):
    if not access.may_read_audit(request.user):
        raise Http404


@login_required
@require_GET
def audit_log(request):
    _readers_only(request)
    filterset, entries = selectors.audit_log_filtered(user=request.user, params=request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"entry": e, "changes": selectors.change_lines(e), "details": selectors.detail_text(e),
         "type_label": selectors.object_type_label(e.object_type)}
        for e in page
    ]
    return render(request, "audit/log.html", {
        "filter": filterset, "page": page, "rows": rows, "actions": dict(AuditAction.choices),
        "query": request.GET.urlencode(),
    })


@login_required
@require_GET
def audit_export(request):
    """The filtered log as Excel; the middleware logs this export like every other."""
    _readers_only(request)
    _filterset, entries = selectors.audit_log_filtered(user=request.user, params=request.GET)
    filename = _("安全审计日志-%(d)s.xlsx") % {"d": clock.today().isoformat()}
    return FileResponse(excel.audit_workbook(entries), as_attachment=True, filename=filename, content_type=excel.XLSX)
