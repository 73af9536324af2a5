"""The Excel of the monthly zone report and of the office roll-up, in a fixed layout.

Layout of a zone sheet (what the office mailbox used to receive, seed 003): merged title rows
(title; office and zone; month, lead supervisor and filing date), then one header row (repeated
on every printed page), then one row per problem — a school without problems gets one row
(未发现问题 / 未督导) — with the school's cells merged down its rows, then the totals line.
A4 landscape, fit to one page wide.
"""
from __future__ import annotations

import datetime as dt
import io
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from inspections.models.choices import TicketStatus
from supervision import clock

TITLE = "责任督学挂牌督导问题管理月报表"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GAP_FILL = PatternFill("solid", fgColor="F8D7DA")
FONT = "宋体"
HEADER_ROW = 5


def _columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6), (_("学校名称"), 24), (_("督导日期"), 12), (_("参加督学"), 14), (_("检查事项"), 9),
        (_("发现问题"), 36), (_("整改意见"), 32), (_("整改期限"), 12), (_("整改情况"), 12),
    ]


def _cn_date(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value[:10])
    return f"{day.year}.{day.month:02d}.{day.day:02d}"


def _local_date(value) -> str:
    if not value:
        return ""
    return _cn_date(clock.date_of(value).isoformat())


def status_label(problem: dict) -> str:
    label = str(TicketStatus(problem["status"]).label)
    return label + (_("(逾期)") if problem["overdue"] else "")


def totals_sentence(totals: dict) -> str:
    return _(
        "合计:学校%(schools)d所,已督导%(visited)d所,未督导%(gap)d所;入校督导%(visits)d次、%(pv)d人次;"
        "发现问题%(problems)d个,已整改销号%(rectified)d个,未销号%(open)d个(其中逾期%(overdue)d个)。"
    ) % {
        "schools": totals["schools"], "visited": totals["schools_visited"], "gap": totals["schools_not_visited"],
        "visits": totals["visits"], "pv": totals["person_visits"], "problems": totals["problems"],
        "rectified": totals["rectified"], "open": totals["unrectified"], "overdue": totals["overdue"],
    }


def _setup_page(ws: Worksheet, header_row: int | None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "第 &P 页,共 &N 页"


def _merged_line(ws: Worksheet, row: int, width: int, text: str, *, size: int = 11, bold: bool = False,
                 align: str = "left", height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if height:
        ws.row_dimensions[row].height = height


def write_zone_sheet(ws: Worksheet, data: dict, *, status: str, version: int | None, filed_on, filed_by: str) -> None:
    """One zone's report on ``ws`` (texts in the office's language)."""
    columns = _columns()
    width = len(columns)
    for n, (_label, chars) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = chars
    _merged_line(ws, 1, width, _(TITLE), size=16, bold=True, align="center", height=30)
    _merged_line(ws, 2, width, _("督导室:%(office)s    责任区:%(zone)s") % {"office": data["office"], "zone": data["zone"]})
    leads = "、".join(data["lead_supervisors"]) or "—"
    filed = (
        _("报送日期:%(date)s(%(who)s)") % {"date": _cn_date(filed_on.isoformat()), "who": filed_by}
        if filed_on else _("报送日期:未报送")
    )
    version_text = _("第%(v)d版") % {"v": version} if version else ""
    _merged_line(ws, 3, width, _("月份:%(y)d年%(m)d月    组长(责任督学):%(leads)s    %(filed)s    状态:%(status)s%(version)s") % {
        "y": data["year"], "m": data["month"], "leads": leads, "filed": filed, "status": status, "version": version_text,
    })
    others = "、".join(data["supervisors"])
    _merged_line(ws, 4, width, _("本区其他责任督学:%(names)s    数据截至:%(cutoff)s") % {
        "names": others or "—", "cutoff": _cn_date(data.get("as_at") or data["cutoff"]),
    })
    for n, (label, _chars) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=n, value=label)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    ws.row_dimensions[HEADER_ROW].height = 22
    row = HEADER_ROW + 1
    for index, school in enumerate(data["schools"], start=1):
        dates = "\n".join(
            _cn_date(v["date"]) + ("" if v.get("in_zone", True) else _("(原责任区)")) for v in school["visits"]
        ) or _("未督导")
        people = "\n".join("、".join(v["supervisors"]) for v in school["visits"])
        checked = school["items_checked"] if school["visited"] else ""
        name = school["name"] + (_("(已调出)") if school.get("moved_out") else "")
        problems = school["problems"] or [None]
        first = row
        for problem in problems:
            if problem is None:
                values = [_("未发现问题") if school["visited"] else "", "", "", ""]
            else:
                values = [
                    f"{problem['item']}:{problem['description']}", problem["opinion"], _cn_date(problem["deadline"]),
                    status_label(problem),
                ]
            for n, value in enumerate([index, name, dates, people, checked, *values], start=1):
                # The school's own cells are written on its first row only (merged down afterwards).
                cell = ws.cell(row=row, column=n, value=value if n > 5 or row == first else None)
                cell.border = BORDER
                cell.font = Font(name=FONT, size=10)
                cell.alignment = CENTER if n in (1, 3, 5, 8, 9) else WRAP
                if not school["visited"]:
                    cell.fill = GAP_FILL
            row += 1
        if row - first > 1:
            for n in range(1, 6):
                ws.merge_cells(start_row=first, start_column=n, end_row=row - 1, end_column=n)
    _merged_line(ws, row, width, totals_sentence(data["totals"]), bold=True, height=36)
    for n in range(1, width + 1):
        ws.cell(row=row, column=n).border = BORDER
    _setup_page(ws, HEADER_ROW)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "Sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]}{n}", n + 1
    used.add(title)
    return title


def _bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zone_workbook(report) -> bytes:
    """A single zone's report (one version) as an .xlsx file."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        ws = wb.active
        ws.title = _sheet_title(report.data["zone"], set())
        write_zone_sheet(
            ws, report.data, status=str(report.get_status_display()), version=report.version, filed_on=report.filed_on,
            filed_by=_filer(report),
        )
        return _bytes(wb)


def _filer(report) -> str:
    from .selectors import filer_name

    return filer_name(report)


SUMMARY_COLUMNS = [
    ("序号", 6), ("责任区", 20), ("组长", 12), ("报送情况", 12), ("报送时间", 12), ("学校数", 8), ("已督导", 8),
    ("督导次数", 9), ("人次", 8), ("发现问题", 9), ("已整改", 8), ("未整改", 8), ("逾期", 8),
]


def rollup_workbook(*, office_name: str, year: int, month: int, lines: list[dict], on_progress=None) -> bytes:
    """The office roll-up: a summary sheet (one row a zone, then the total) and one sheet per zone.
    ``lines``: dicts with ``data``, ``state`` (label), ``report`` (a ZoneMonthlyReport or None)."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        ws = wb.active
        ws.title = _("汇总")
        width = len(SUMMARY_COLUMNS)
        for n, (_label, chars) in enumerate(SUMMARY_COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(n)].width = chars
        _merged_line(ws, 1, width, _("%(title)s(汇总)") % {"title": _(TITLE)}, size=16, bold=True, align="center", height=30)
        _merged_line(ws, 2, width, _("督导室:%(office)s    月份:%(y)d年%(m)d月    报送截止:%(y)d年%(m)d月27日") % {
            "office": office_name, "y": year, "m": month,
        })
        header = 3
        for n, (label, _chars) in enumerate(SUMMARY_COLUMNS, start=1):
            cell = ws.cell(row=header, column=n, value=_(label))
            cell.font, cell.fill, cell.alignment, cell.border = Font(name=FONT, bold=True), HEADER_FILL, CENTER, BORDER
        keys = ["schools", "schools_visited", "visits", "person_visits", "problems", "rectified", "unrectified", "overdue"]
        sums = dict.fromkeys(keys, 0)
        row = header + 1
        for index, line in enumerate(lines, start=1):
            data, report = line["data"], line["report"]
            values = [
                index, data["zone"], "、".join(data["lead_supervisors"]), line["state"],
                _cn_date(report.filed_on.isoformat()) if report is not None and report.filed_on else "",
                *(data["totals"][k] for k in keys),
            ]
            for k in keys:
                sums[k] += data["totals"][k]
            for n, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=n, value=value)
                cell.border, cell.font = BORDER, Font(name=FONT, size=10)
                cell.alignment = WRAP if n in (2, 3) else CENTER
            row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        ws.cell(row=row, column=1, value=_("合计")).alignment = CENTER
        for n, k in enumerate(keys, start=6):
            ws.cell(row=row, column=n, value=sums[k]).alignment = CENTER
        for n in range(1, width + 1):
            cell = ws.cell(row=row, column=n)
            cell.border, cell.font = BORDER, Font(name=FONT, bold=True)
        _setup_page(ws, header)
        used = {ws.title}
        for done, line in enumerate(lines, start=1):
            report = line["report"]
            sheet = wb.create_sheet(_sheet_title(line["data"]["zone"], used))
            write_zone_sheet(
                sheet, line["data"], status=line["state"], version=report.version if report else None,
                filed_on=report.filed_on if report else None, filed_by=_filer(report) if report else "",
            )
            if on_progress:
                on_progress(done, len(lines))
        return _bytes(wb)
