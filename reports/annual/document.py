"""The year-end summary as a document: the stored words with the live figures, as a page preview
and as an official-document PDF (GB/T 9704-2012 look, printed by WeasyPrint).

Fonts are the system's Noto CJK faces (Debian fonts-noto-cjk), like the plaque poster and the
督办通知书: Noto Serif CJK SC Bold for the title (the large Song-style face), Noto Serif CJK SC
Regular for the body (宋/仿宋 style, 16 pt), Noto Sans CJK SC for headings, tables and page numbers
(黑体 style). Charts are SVG drawn here, inline: no script, nothing fetched.
"""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from supervision.models import Office, Zone
from supervision.pdf import pdf_from_template

from . import blocks as summary_blocks
from .models import AnnualSummary
from .selectors import ESCALATION_LEVELS, AnnualFigures, annual_figures, annual_summary_for, default_until

# Bump when the printed layout changes, so a reprint is not served from an old file.
DOCUMENT_VERSION = 1
CHART_FONT = "Noto Sans CJK SC"


def default_title(*, office: Office, year: int, zone: Zone | None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if zone is not None:
            return _("%(zone)s%(year)d年度工作总结") % {"zone": zone.name, "year": year}
        return _("%(office)s%(year)d年度工作总结") % {"office": office.name, "year": year}


def summary_or_draft(*, office: Office, year: int, zone: Zone | None) -> AnnualSummary:
    """The stored summary, or an unsaved draft with the default title, cut-off date and signature."""
    summary = annual_summary_for(office=office, year=year, zone=zone)
    if summary is None:
        summary = AnnualSummary(
            office=office, zone=zone, year=year, title=default_title(office=office, year=year, zone=zone),
            until=default_until(year), blocks={},
        )
    return summary


def signature_of(summary: AnnualSummary) -> str:
    if summary.signature:
        return summary.signature
    if summary.zone_id:
        return _("%(office)s%(zone)s") % {"office": summary.office.name, "zone": summary.zone.name}
    return summary.office.name


def figures_of(summary: AnnualSummary) -> AnnualFigures:
    # Contributions draft their sentences in the document's language (Chinese), whoever asks.
    with translation.override(settings.LANGUAGE_CODE):
        return annual_figures(office=summary.office, year=summary.year, zone=summary.zone, until=summary.until)


# --- Charts (inline SVG) ------------------------------------------------------------------------------


def problems_by_item_svg(figures: AnnualFigures) -> SafeString:
    """Horizontal bars: problems found per checklist item, most first."""
    items = figures.by_item
    if not items:
        return SafeString("")
    label_w, bar_w, row_h = 250, 300, 26
    top = max(n for _c, _t, n in items) or 1
    height = row_h * len(items) + 8
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="#4a6fa5"/>'
        '<text x="{}" y="{}" font-size="13">{}</text>',
        (
            (
                label_w - 8, 4 + i * row_h + 13, title[:18],
                label_w, 4 + i * row_h, max(1, round(bar_w * n / top)),
                label_w + max(1, round(bar_w * n / top)) + 6, 4 + i * row_h + 13, n,
            )
            for i, (_code, title, n) in enumerate(items)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="{font}" role="img" aria-label="{label}">{rows}</svg>',
        w=label_w + bar_w + 50, h=height, font=CHART_FONT, label=_("问题分类统计"), rows=rows,
    )


def monthly_trend_svg(figures: AnnualFigures) -> SafeString:
    """Twelve columns: school visits (校次) each month of the year."""
    values = figures.monthly_visits
    left, col_w, plot_h, base = 10, 48, 150, 180
    top = max(values) or 1
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="30" height="{}" fill="#4a6fa5"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
        (
            (
                left + i * col_w + 9, base - round(plot_h * n / top), round(plot_h * n / top),
                left + i * col_w + 24, base - round(plot_h * n / top) - 4, n,
                left + i * col_w + 24, base + 16, _("%(m)d月") % {"m": i + 1},
            )
            for i, n in enumerate(values)
        ),
    )
    width = left * 2 + col_w * 12
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="{font}" role="img" aria-label="{label}">'
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#000" stroke-width="1"/>{bars}</svg>',
        w=width, h=base + 24, font=CHART_FONT, label=_("月度入校督导校次"), l=left, r=width - left, b=base, bars=bars,
    )


# --- The document -------------------------------------------------------------------------------------


def title_lines(title: str, office_name: str) -> list[str]:
    """GB/T 9704: a title that turns a line breaks where the words end — after the issuing office's
    name (「柳溪县人民政府教育督导室 / 2026年度工作总结」), never leaving one character alone."""
    if len(title) > 15 and title.startswith(office_name) and len(title) > len(office_name) + 1:
        return [office_name, title[len(office_name):]]
    return [title]


def document_context(summary: AnnualSummary, figures: AnnualFigures, *, annex: bool = True) -> dict:
    """``annex``: the statistics annex (附件: tables and charts) after the signed text."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "summary": summary,
            "title_lines": title_lines(summary.title, summary.office.name),
            "figures": figures,
            "sections": summary_blocks.sections(figures, summary.blocks),
            "signature": signature_of(summary),
            "signed_on": summary_blocks.cn_date(summary.until),
            "until": summary_blocks.cn_date(summary.until),
            "escalations": [(str(level.label), figures.escalation_count(level)) for level in ESCALATION_LEVELS],
            "items_chart": problems_by_item_svg(figures),
            "trend_chart": monthly_trend_svg(figures),
            "annex": annex,
        }


def annual_summary_pdf(summary: AnnualSummary, figures: AnnualFigures | None = None) -> bytes:
    """The summary as an A4 PDF in the official-document layout; nothing is fetched from anywhere."""
    figures = figures or figures_of(summary)
    return pdf_from_template("annual/summary_pdf.html", document_context(summary, figures))
