"""The campaign report (专项督导报告) as Excel (openpyxl) and PDF (WeasyPrint, official-document
look as the 督办通知书), made by the report-job registry: kinds ``campaign_report_xlsx`` and
``campaign_report_pdf`` with params ``{"campaign": id}``."""
from __future__ import annotations

import hashlib
import io
import json

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports.registry import JobSpec, register_job_spec
from supervision import clock
from supervision.pdf import pdf_from_template

from . import selectors
from .models import Campaign

XLSX_KIND = "campaign_report_xlsx"
PDF_KIND = "campaign_report_pdf"
REPORT_KINDS = (XLSX_KIND, PDF_KIND)
# Bump when the files' layout changes, so a new file is made rather than an old one served.
LAYOUT_VERSION = 1


def _clean_params(office, params: dict) -> dict:
    unknown = set(params) - {"campaign"}
    if unknown:
        raise ValidationError(_("未知的参数:%(names)s。") % {"names": ", ".join(sorted(unknown))})
    try:
        pk = int(params.get("campaign"))
    except (TypeError, ValueError):
        raise ValidationError(_("专项督导参数无效。")) from None
    if not Campaign.objects.filter(pk=pk, office=office).exists():
        raise ValidationError(_("该专项督导不属于%(office)s。") % {"office": office.name})
    return {"campaign": pk}


def report_data(campaign: Campaign) -> dict:
    """Everything both files show, as plain values (also fingerprinted)."""
    rows = selectors.campaign_school_rows(campaign)
    figures = selectors.campaign_figures(campaign, rows)
    tickets = [
        {
            "school": t.school.name, "code": t.problem.item_code, "item": t.problem.item_title,
            "description": t.problem.description, "opinion": t.problem.opinion,
            "deadline": t.deadline.isoformat(), "status": str(t.get_status_display()),
            "closed": clock.date_of(t.closed_at).isoformat() if t.closed_at else "",
        }
        for t in selectors.campaign_tickets(campaign)
    ]
    schools = [
        {
            "school": r.school.name, "kind": str(r.school.get_kind_display()),
            "date": next((v.date.isoformat() for v in r.visits if v.checklist.status == "submitted"), ""),
            "inspected": r.inspected, "problems": r.problems, "tickets": r.tickets, "closed": r.closed,
        }
        for r in rows
    ]
    return {
        "version": LAYOUT_VERSION,
        "title": campaign.title, "office": campaign.office.name, "topic": str(campaign.get_topic_display()),
        "start": campaign.start.isoformat(), "end": campaign.end.isoformat(),
        "leader": campaign.leader.name, "team": sorted(campaign.team.values_list("name", flat=True)),
        "selection": str(campaign.get_selection_display()), "seed": campaign.seed,
        "sample_size": campaign.sample_size, "population": campaign.population_size,
        "figures": {
            "schools": figures.schools, "inspected": figures.inspected, "problems": figures.problems,
            "tickets": figures.tickets, "closed": figures.closed, "rate": figures.rate,
        },
        "by_item": [{"code": c, "title": t, "count": n} for c, t, n in figures.by_item],
        "by_status": [{"status": str(s), "count": n} for s, n in figures.by_status],
        "schools": schools,
        "tickets": tickets,
    }


def _campaign(job_or_office, params) -> Campaign:
    return Campaign.objects.select_related("office", "leader").get(pk=params["campaign"])


def _fingerprint(office, params: dict) -> str:
    with translation.override("zh-hans"):
        data = report_data(_campaign(office, params))
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _describe(job) -> str:
    campaign = Campaign.objects.filter(pk=job.params.get("campaign")).first()
    return _("专项督导报告-%(title)s") % {"title": campaign.title if campaign else job.params.get("campaign")}


BOLD = Font(bold=True)


def campaign_report_xlsx(campaign: Campaign) -> bytes:
    """Three sheets: 概况 (figures and findings per item), 学校 (each school), 整改 (each ticket)."""
    with translation.override("zh-hans"):
        data = report_data(campaign)
        wb = Workbook()
        ws = wb.active
        ws.title = _("概况")
        ws.append([data["title"]])
        ws["A1"].font = Font(bold=True, size=14)
        f = data["figures"]
        for label, value in [
            (_("督导室"), data["office"]), (_("专项"), data["topic"]),
            (_("督导期间"), f'{data["start"]} 至 {data["end"]}'),
            (_("督导组"), "、".join(data["team"])), (_("组长"), data["leader"]),
            (_("学校范围"), data["selection"]),
            (_("随机种子"), data["seed"] if data["seed"] is not None else "—"),
            (_("名单学校数"), f["schools"]), (_("已督导学校数"), f["inspected"]), (_("发现问题数"), f["problems"]),
            (_("整改通知数"), f["tickets"]), (_("已销号"), f["closed"]), (_("整改率(%)"), f["rate"]),
        ]:
            ws.append([str(label), value])
        ws.append([])
        ws.append([_("编号"), _("督导事项"), _("发现问题数")])
        for cell in ws[ws.max_row]:
            cell.font = BOLD
        for row in data["by_item"]:
            ws.append([row["code"], row["title"], row["count"]])
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 40
        schools = wb.create_sheet(_("学校"))
        schools.append([_("学校"), _("类型"), _("督导日期"), _("是否已督导"), _("发现问题数"), _("整改通知数"), _("已销号")])
        for r in data["schools"]:
            schools.append([r["school"], r["kind"], r["date"], _("是") if r["inspected"] else _("否"), r["problems"], r["tickets"], r["closed"]])
        tickets = wb.create_sheet(_("整改"))
        tickets.append([_("学校"), _("编号"), _("督导事项"), _("问题描述"), _("整改意见"), _("整改期限"), _("状态"), _("销号日期")])
        for t in data["tickets"]:
            tickets.append([t["school"], t["code"], t["item"], t["description"], t["opinion"], t["deadline"], t["status"], t["closed"]])
        for sheet, widths in ((schools, [28, 12, 12, 10, 10, 10, 8]), (tickets, [28, 8, 20, 40, 40, 12, 14, 12])):
            for n, w in enumerate(widths):
                sheet.column_dimensions[chr(65 + n)].width = w
            for cell in sheet[1]:
                cell.font = BOLD
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


def campaign_report_pdf(campaign: Campaign) -> bytes:
    data = report_data(campaign)
    day = "%Y年%-m月%-d日"  # official documents write dates in Chinese (2026年11月10日)
    return pdf_from_template("campaigns/report_pdf.html", {
        "d": data, "today": clock.today(), "start": campaign.start.strftime(day), "end": campaign.end.strftime(day),
    })


def _render_xlsx(job, report):
    campaign = _campaign(job, job.params)
    report(10)
    return campaign_report_xlsx(campaign), f"campaign-{campaign.pk}-{job.pk}.xlsx"


def _render_pdf(job, report):
    campaign = _campaign(job, job.params)
    report(10)
    return campaign_report_pdf(campaign), f"campaign-{campaign.pk}-{job.pk}.pdf"


XLSX_SPEC = JobSpec(
    clean_params=_clean_params, fingerprint=_fingerprint, render=_render_xlsx, describe=_describe,
    label=gettext_lazy("专项督导报告(Excel)"),
)
PDF_SPEC = JobSpec(
    clean_params=_clean_params, fingerprint=_fingerprint, render=_render_pdf, describe=_describe,
    label=gettext_lazy("专项督导报告(PDF)"),
)


def register_jobs() -> None:
    register_job_spec(XLSX_KIND, XLSX_SPEC)
    register_job_spec(PDF_KIND, PDF_SPEC)
