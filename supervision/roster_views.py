"""Roster import/export pages (名册导入导出) for office admins.

Only admins of an office reach them (``access.offices_managed_by``); everyone else, and any
office outside the admin's own, gets 404. The work is done in ``supervision.roster``.
"""
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import access, clock
from .downloads import login_or_token_required
from .models import Office
from .roster import (
    RosterError,
    RosterImportError,
    roster_columns,
    roster_template_workbook,
    workbook_bytes,
)
from .roster import (
    roster_export as roster_export_workbook,
)
from .roster import (
    roster_import as roster_import_file,
)


def _offices_or_404(request) -> list[Office]:
    offices = list(access.offices_managed_by(request.user).order_by("division_code"))
    if not offices:
        raise Http404
    return offices


def _chosen_office(offices: list[Office], pk: str | None) -> Office | None:
    """The office named by ?office= (404 unless the admin manages it); the only one when there is one."""
    if pk:
        office = {str(o.pk): o for o in offices}.get(pk.strip())
        if office is None:
            raise Http404
        return office
    return offices[0] if len(offices) == 1 else None


def _page(request, offices, office, *, errors=(), status=200, on=None):
    return render(
        request,
        "supervision/roster.html",
        {
            "offices": offices,
            "office": office or offices[0],
            "columns": roster_columns(),
            "errors": errors,
            "max_bytes": settings.ROSTER_MAX_UPLOAD_BYTES,
            "today": clock.today(),
            "on": on or clock.today(),
        },
        status=status,
    )


def _effective_date(value: str | None):
    """The import's 生效日期 (today when left empty); None when it cannot be read."""
    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _download(workbook, filename: str) -> FileResponse:
    return FileResponse(
        workbook_bytes(workbook),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def roster_page(request):
    offices = _offices_or_404(request)
    return _page(request, offices, _chosen_office(offices, request.GET.get("office")))


@login_or_token_required
@require_GET
def roster_template(request):
    offices = _offices_or_404(request)
    office = _chosen_office(offices, request.GET.get("office"))
    zone_names = office.zones.order_by("name").values_list("name", flat=True) if office else ()
    return _download(roster_template_workbook(zone_names=zone_names), _("督导室名册模板.xlsx"))


@login_or_token_required
@require_GET
def roster_export(request):
    offices = _offices_or_404(request)
    office = _chosen_office(offices, request.GET.get("office"))
    chosen = [office] if office else offices
    workbook = roster_export_workbook(offices=Office.objects.filter(pk__in=[o.pk for o in chosen]))
    name = office.name if office else _("督导室")
    date = clock.today().strftime("%Y%m%d")
    return _download(workbook, _("%(name)s名册-%(date)s.xlsx") % {"name": name, "date": date})


@login_required
@require_POST
def roster_import(request):
    offices = _offices_or_404(request)
    office = _chosen_office(offices, request.POST.get("office"))
    upload = request.FILES.get("file")
    on = _effective_date(request.POST.get("on"))
    problem = None
    if office is None:
        problem = _("请选择要导入的督导室。")
    elif upload is None:
        problem = _("请选择要上传的名册文件(.xlsx)。")
    elif on is None:
        problem = _("生效日期格式不正确,请按 年-月-日 填写。")
    if problem:
        return _page(request, offices, office, errors=[RosterError("", None, "", problem)], status=400, on=on)
    try:
        summary = roster_import_file(office=office, file=upload, user=request.user, on=on)
    except RosterImportError as exc:
        return _page(request, offices, office, errors=exc.roster_errors, status=400, on=on)
    except ValidationError as exc:
        errors = [RosterError("", None, "", message) for message in exc.messages]
        return _page(request, offices, office, errors=errors, status=400, on=on)
    messages.success(
        request,
        _(
            "名册已导入%(office)s:学校新增 %(sc)d 所、更新 %(su)d 所;督学新增 %(pc)d 名、更新 %(pu)d 名;"
            "调整了 %(zc)d 个责任区的督学。"
        )
        % {
            "office": office.name,
            "sc": summary.schools_created,
            "su": summary.schools_updated,
            "pc": summary.supervisors_created,
            "pu": summary.supervisors_updated,
            "zc": summary.zones_changed,
        },
    )
    return redirect(f"{reverse('roster')}?office={office.pk}")


# The URL conf names the page view ``roster``.
roster = roster_page
