"""Excel of a round's results (openpyxl): one row per school, stage totals side by side, level,
rank, pass; a second sheet per zone (averages, pass rates)."""
from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .choices import Stage
from .selectors import Results

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _num(value):
    return float(value) if value is not None else None


def results_workbook(results: Results) -> Workbook:
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("评估结果")
        rnd = results.round
        ws.append([rnd.name])
        ws["A1"].font = Font(bold=True, size=14)
        header = [_("序号"), _("学校"), _("责任区")]
        header += [_("%(stage)s总分") % {"stage": Stage(s).label} for s in results.stages]
        header += [_("等级"), _("名次"), _("是否达标"), _("薄弱项数"), _("整改问题数")]
        if results.satisfaction_available:
            header.append(_("家长满意度(%)"))
        ws.append(header)
        for cell in ws[2]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for n, row in enumerate(results.ranked, start=1):
            line = [n, row.entry.school.name, row.entry.zone.name if row.entry.zone else ""]
            line += [_num(row.totals[s]) for s in results.stages]
            passed = "" if row.passed is None else (_("达标") if row.passed else _("未达标"))
            line += [row.level_label, row.rank, passed, row.weak_count, row.tickets]
            if results.satisfaction_available:
                line.append(row.satisfaction)
            ws.append(line)
        for i, width in enumerate([6, 28, 18] + [12] * (len(header) - 3), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "C3"

        zones = wb.create_sheet(_("按责任区"))
        zones.append([_("责任区"), _("参评学校数"), _("已评分"), _("平均分"), _("达标数"), _("达标率(%)")])
        for cell in zones[1]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
        for z in results.zones:
            zones.append([z["zone"].name if z["zone"] else _("未分责任区"), z["schools"], z["scored"], _num(z["average"]),
                          z["passed"], z["pass_rate"]])
        zones.append([_("合计"), len(results.rows), len(results.scored), _num(results.average), results.passed_count,
                      results.pass_rate])
        zones.column_dimensions["A"].width = 24
    return wb
