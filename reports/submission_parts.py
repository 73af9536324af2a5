"""The parts of a 报送 package made by the report apps: the office roll-up of the monthly zone reports
(month) and the year-end summary (year). Registered from ``ReportsConfig.ready``; see
``reports.submissions`` for how a package is put together."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.models import Office

from .submissions import Period, SubmissionPart, register_submission_part


# --- 月度: the roll-up of the zones' monthly reports (责任区月报表汇总) ------------------------------


def _filed_reports(office: Office, params: dict):
    from reports.monthly.choices import ZoneMonthlyReportStatus
    from reports.monthly.models import ZoneMonthlyReport

    return ZoneMonthlyReport.objects.filter(
        office=office, year=params["year"], month=params["month"], status=ZoneMonthlyReportStatus.FILED
    )


def month_filed_totals(office: Office, params: dict) -> dict:
    """Sums of the filed reports' frozen totals (the newest filed version of each zone), and how many
    of the office's zones filed — the figures of the month as filed."""
    from supervision.models import Zone

    newest: dict[int, dict] = {}
    for zone_id, _version, data in (
        _filed_reports(office, params).order_by("zone_id", "-version").values_list("zone_id", "version", "data")
    ):
        newest.setdefault(zone_id, data)
    keys = ["schools", "schools_visited", "visits", "person_visits", "problems", "rectified", "unrectified", "overdue"]
    sums = {key: sum(int(data.get("totals", {}).get(key, 0)) for data in newest.values()) for key in keys}
    sums["zones_filed"] = len(newest)
    sums["zones"] = Zone.objects.filter(office=office).count()
    return sums


def _rollup_title(office: Office, params: dict) -> str:
    return _("%(office)s%(y)d年%(m)d月责任区月报表汇总(Excel)") % {
        "office": office.name, "y": params["year"], "m": params["month"],
    }


def _rollup_fingerprint(office: Office, params: dict) -> str:
    from reports.monthly import jobs

    if not _filed_reports(office, params).exists():
        raise ValidationError(_("本月还没有责任区报送月报表。"))
    return jobs._rollup_fingerprint(office, {"year": params["year"], "month": params["month"]})


def _rollup_render(office: Office, params: dict) -> tuple[bytes, str]:
    from reports.monthly import excel, jobs

    year, month = params["year"], params["month"]
    content = excel.rollup_workbook(
        office_name=office.name, year=year, month=month, lines=jobs.rollup_lines(office, year, month)
    )
    return content, _("责任区月报表汇总-%(y)d年%(m)d月.xlsx") % {"y": year, "m": month}


register_submission_part(
    SubmissionPart(
        key="monthly_rollup", periods=(Period.MONTH,), title=_rollup_title, fingerprint=_rollup_fingerprint,
        render=_rollup_render, order=10,
    )
)


def cover_figures(office: Office, params: dict) -> dict | None:
    """The figures the cover letter quotes, from the filed data only (None for a year)."""
    if params["period"] != Period.MONTH:
        return None
    return month_filed_totals(office, params)

