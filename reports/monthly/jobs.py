"""Report-job kinds of the monthly zone report (registered in ``MonthlyReportsConfig.ready``).

``monthly_zone_report``: one version of one zone's report as .xlsx (params: ``report``).
``monthly_office_rollup``: the office's month — a summary sheet and one sheet per zone (params:
``year``, ``month``); a zone's sheet is its filed report, else its draft, else the live data.
Who may start them: the zone's lead supervisor (their zone's reports) and the office's admin or
director; higher offices only read.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.registry import JobSpec, register_job_spec, sha256_of
from supervision import access, clock
from supervision.models import Office, Zone

from . import excel, selectors
from .choices import FilingState
from .models import ZoneMonthlyReport

ZONE_KIND = "monthly_zone_report"
ROLLUP_KIND = "monthly_office_rollup"
EXCEL_LAYOUT_VERSION = 1  # bump when the workbook layout changes, so an old file is not served again


def _int(value, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(message) from None


# --- One zone -------------------------------------------------------------------------------------


def _zone_clean(office: Office, params: dict) -> dict:
    unknown = set(params) - {"report"}
    if unknown:
        raise ValidationError(_("未知的参数:%(names)s。") % {"names": ", ".join(sorted(unknown))})
    report_id = _int(params.get("report"), _("月报表参数无效。"))
    if not ZoneMonthlyReport.objects.filter(pk=report_id, office=office).exists():
        raise ValidationError(_("所选月报表不属于%(office)s。") % {"office": office.name})
    return {"report": report_id}


def _zone_fingerprint(office: Office, params: dict) -> str:
    r = ZoneMonthlyReport.objects.get(pk=params["report"])
    return sha256_of({
        "layout": EXCEL_LAYOUT_VERSION, "data": r.data, "status": r.status, "version": r.version,
        "filed_on": r.filed_on, "filed_by": r.filed_by_id, "built_at": r.built_at,
    })


def _zone_render(job, report) -> tuple[bytes, str]:
    r = ZoneMonthlyReport.objects.select_related("filed_by__supervisor").get(pk=job.params["report"])
    report(30)
    content = excel.zone_workbook(r)
    return content, f"monthly-{r.zone_id}-{r.year}{r.month:02d}-v{r.version}-{job.pk}.xlsx"


def _zone_describe(job) -> str:
    r = ZoneMonthlyReport.objects.filter(pk=job.params.get("report")).select_related("zone").first()
    if r is None:
        return _("责任区月报表")
    return _("%(zone)s%(y)d年%(m)d月月报表(第%(v)d版)") % {"zone": r.zone.name, "y": r.year, "m": r.month, "v": r.version}


def _zone_may_start(user, office: Office, params: dict) -> bool:
    r = ZoneMonthlyReport.objects.filter(pk=params.get("report"), office=office).first()
    return r is not None and access.monthly_report_zones_built_by(user).filter(pk=r.zone_id).exists()


# --- The office roll-up ---------------------------------------------------------------------------


def _rollup_clean(office: Office, params: dict) -> dict:
    unknown = set(params) - {"year", "month"}
    if unknown:
        raise ValidationError(_("未知的参数:%(names)s。") % {"names": ", ".join(sorted(unknown))})
    year = _int(params.get("year"), _("年度参数无效。"))
    month = _int(params.get("month"), _("月份参数无效。"))
    today = clock.today()
    if not 1 <= month <= 12 or year < 2000 or (year, month) > (today.year, today.month):
        raise ValidationError(_("月份无效。"))
    return {"year": year, "month": month}


def rollup_lines(office: Office, year: int, month: int) -> list[dict]:
    """One line per zone of the office: the report that counts (filed), else the draft, else live data."""
    statuses = selectors.office_month_status(
        zones=Zone.objects.filter(office=office), year=year, month=month, today=clock.today()
    )
    chosen = {s.zone.pk: (s.report or s.latest) for s in statuses}
    full = ZoneMonthlyReport.objects.select_related("filed_by__supervisor").in_bulk(
        [r.pk for r in chosen.values() if r is not None]
    )
    lines = []
    for status in statuses:
        picked = chosen[status.zone.pk]
        report = full[picked.pk] if picked is not None else None
        data = report.data if report else selectors.zone_month_data(zone=status.zone, year=year, month=month)
        state = status.state_label
        if status.state == FilingState.MISSING:
            state = _("未报送")
        lines.append({"zone": status.zone, "data": data, "state": str(state), "report": report})
    return lines


def rollup_fingerprint(office: Office, params: dict) -> str:
    lines = rollup_lines(office, params["year"], params["month"])
    if not lines:
        raise ValidationError(_("本督导室还没有责任区。"))
    return sha256_of({
        "layout": EXCEL_LAYOUT_VERSION,
        "zones": [
            [line["zone"].pk, line["state"], line["data"],
             line["report"].pk if line["report"] else None, line["report"].filed_on if line["report"] else None]
            for line in lines
        ],
    })


def _rollup_render(job, report) -> tuple[bytes, str]:
    year, month = job.params["year"], job.params["month"]
    lines = rollup_lines(job.office, year, month)
    report(10)
    content = excel.rollup_workbook(
        office_name=job.office.name, year=year, month=month, lines=lines,
        on_progress=lambda done, total: report(10 + 85 * done // max(total, 1)),
    )
    return content, f"monthly-rollup-{job.office.division_code}-{year}{month:02d}-{job.pk}.xlsx"


def _rollup_describe(job) -> str:
    return _("%(office)s%(y)d年%(m)d月责任区月报表汇总") % {
        "office": job.office.name, "y": job.params.get("year", 0), "m": job.params.get("month", 0),
    }


def _rollup_may_start(user, office: Office, params: dict) -> bool:
    return access.offices_planned_by(user).filter(pk=office.pk).exists()


def register() -> None:
    register_job_spec(ZONE_KIND, JobSpec(
        clean_params=_zone_clean, fingerprint=_zone_fingerprint, render=_zone_render, describe=_zone_describe,
        label=gettext_lazy("责任区月报表(Excel)"), may_start=_zone_may_start,
    ))
    register_job_spec(ROLLUP_KIND, JobSpec(
        clean_params=_rollup_clean, fingerprint=rollup_fingerprint, render=_rollup_render, describe=_rollup_describe,
        label=gettext_lazy("责任区月报表汇总(Excel)"), may_start=_rollup_may_start,
    ))
