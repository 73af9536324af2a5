"""The parts of a 报送 package made by the report apps: the office roll-up of the monthly zone reports
(month) and the year-end summary (year). Registered by ``register`` from ``ReportsConfig.ready``; see
``reports.submissions`` for how a package is put together."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.models import Office

from .models import Submission
from .registry import SubmissionPart, register_submission_part

Period = Submission.Period


def rate_cell(value: float | None):
    """A rate in a workbook: the number, or 「—」 when it has no denominator (never 0.0)."""
    from inspections.tickets.rules import NO_RATE

    return NO_RATE if value is None else value


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
    return jobs.rollup_fingerprint(office, {"year": params["year"], "month": params["month"]})


def _rollup_render(office: Office, params: dict) -> tuple[bytes, str]:
    from reports.monthly import excel, jobs

    year, month = params["year"], params["month"]
    content = excel.rollup_workbook(
        office_name=office.name, year=year, month=month, lines=jobs.rollup_lines(office, year, month)
    )
    return content, _("责任区月报表汇总-%(y)d年%(m)d月.xlsx") % {"y": year, "m": month}


def cover_figures(office: Office, params: dict) -> dict | None:
    """The figures the cover letter quotes, from the filed data only (None for a year)."""
    if params["period"] != Period.MONTH:
        return None
    return month_filed_totals(office, params)


# --- 年度: the year-end summary (年度工作总结) and its figures ----------------------------------------


def _annual_params(params: dict) -> dict:
    return {"year": params["year"], "zone": None}


def _annual_title(office: Office, params: dict) -> str:
    return _("%(office)s%(year)d年度工作总结(PDF)") % {"office": office.name, "year": params["year"]}


def _annual_fingerprint(office: Office, params: dict) -> str:
    from reports.annual import jobs

    return jobs.fingerprint(office, _annual_params(params))


def _annual_render(office: Office, params: dict) -> tuple[bytes, str]:
    from reports.annual import jobs
    from reports.annual.document import annual_summary_pdf, figures_of

    summary = jobs.summary_of(office, _annual_params(params))
    return annual_summary_pdf(summary, figures_of(summary)), _("%(year)d年度工作总结.pdf") % {"year": params["year"]}


def _figures_title(office: Office, params: dict) -> str:
    return _("%(office)s%(year)d年度督导工作数据(Excel)") % {"office": office.name, "year": params["year"]}


def annual_figures_workbook(figures) -> bytes:
    """The year's figures as tables the higher office can add up: main figures, zones, problems by item,
    visits by month — the same numbers the summary PDF prints."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = (Font(name="宋体", bold=True), PatternFill("solid", fgColor="DDEBF7"))

    def sheet(ws, title: str, header: list[str], rows: list[list], widths: list[int]) -> None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws["A1"].font, ws["A1"].alignment = Font(name="宋体", size=14, bold=True), Alignment(horizontal="center")
        ws.append(header)
        for cell in ws[2]:
            cell.font, cell.fill, cell.border = *head, border
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                cell.border = border
        for n, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + n)].width = width
        ws.print_title_rows = "2:2"
        ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4

    name = figures.office.name
    period = _("%(year)d年1月1日至%(m)d月%(d)d日") % {"year": figures.year, "m": figures.until.month, "d": figures.until.day}
    wb = Workbook()
    sheet(wb.active, _("%(office)s%(year)d年度督导工作主要数据(%(period)s)") % {"office": name, "year": figures.year, "period": period},
          [_("项目"), _("数值")], [
              [_("入校督导人次"), figures.person_visits], [_("入校督导校次"), figures.school_visits],
              [_("督导学校数"), figures.schools_visited], [_("学校总数"), figures.schools_total],
              [_("提交月总结报告(份)"), figures.monthly_summaries], [_("经常性督导发现问题(个)"), figures.problems],
              [_("存在问题的学校(所)"), figures.schools_with_problems], [_("整改问题总数(个,含各来源)"), figures.problems_all],
              [_("已整改销号(个)"), figures.tickets_closed], [_("提交整改报告(份)"), figures.reports_submitted],
              [_("逾期整改(个)"), figures.closed_late], [_("逾期未整改(个)"), figures.overdue_open],
              [_("整改率(%)"), rate_cell(figures.rectification_rate)],
              [_("按期整改率(%)"), rate_cell(figures.on_time_rate)],
          ], [36, 14])
    wb.active.title = _("主要数据")
    sheet(wb.create_sheet(_("各责任区")), _("各责任区督导情况"),
          [_("责任区"), _("入校督导人次"), _("入校督导校次"), _("督导学校"), _("学校总数"), _("发现问题"), _("已整改"), _("整改率(%)")],
          [[z.name or _("未划区"), z.person_visits, z.school_visits, z.schools_visited, z.schools_total, z.problems, z.closed,
            rate_cell(z.rectification_rate)] for z in figures.zones], [24, 14, 14, 12, 12, 12, 12, 12])
    sheet(wb.create_sheet(_("问题分类")), _("发现问题按督导事项分类"), [_("编号"), _("督导事项"), _("问题数")],
          [[code, title, n] for code, title, n in figures.by_item], [10, 40, 10])
    sheet(wb.create_sheet(_("月度")), _("各月入校督导校次"), [_("月份"), _("校次")],
          [[_("%(m)d月") % {"m": m}, n] for m, n in enumerate(figures.monthly_visits, start=1)], [10, 10])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _figures_render(office: Office, params: dict) -> tuple[bytes, str]:
    from reports.annual import jobs
    from reports.annual.document import figures_of

    figures = figures_of(jobs.summary_of(office, _annual_params(params)))
    return annual_figures_workbook(figures), _("%(year)d年度督导工作数据.xlsx") % {"year": params["year"]}


def register() -> None:
    """The parts the report apps add to a 报送 package (from ``ReportsConfig.ready``)."""
    register_submission_part(
        SubmissionPart(
            key="monthly_rollup", periods=(Period.MONTH,), title=_rollup_title, fingerprint=_rollup_fingerprint,
            render=_rollup_render, order=10,
        )
    )
    register_submission_part(
        SubmissionPart(
            key="annual_summary", periods=(Period.YEAR,), title=_annual_title, fingerprint=_annual_fingerprint,
            render=_annual_render, order=10,
        )
    )
    register_submission_part(
        SubmissionPart(
            key="annual_figures", periods=(Period.YEAR,), title=_figures_title, fingerprint=_annual_fingerprint,
            render=_figures_render, order=20,
        )
    )
