"""The survey analysis report (调查分析报告) as a PDF report job, and the charts of the results page.

Per survey, for the district (every school) or for one school: answers per school and audience,
satisfaction per question and per school. Charts in the PDF are server-side inline SVG (WeasyPrint
draws SVG; no JavaScript in PDFs); the page uses the vendored ECharts with the same figures.
"""
from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.registry import JobSpec
from supervision import clock
from supervision.pdf import pdf_from_html

from .choices import QuestionKind, SurveyStatus
from .models import Survey

REPORT_KIND = "survey_report"
POSTERS_KIND = "survey_posters"
REPORT_VERSION = 1
BAR_COLOR = "#b8141b"
CHART_ROWS = 24


# --- ECharts options for the results page ---------------------------------------------------------


def results_chart_options(results: dict, *, base_url: str, audience: str = "") -> dict:
    schools = [r for r in results["schools"] if r["satisfaction"] is not None]
    suffix = f"&audience={audience}" if audience else ""
    school_chart = {
        "grid": {"left": 8, "right": 40, "top": 10, "bottom": 10, "containLabel": True},
        "tooltip": {"trigger": "axis", "valueFormatter": "{value}%"},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "inverse": True, "data": [r["name"] for r in schools]},
        "series": [{
            "type": "bar", "itemStyle": {"color": BAR_COLOR}, "label": {"show": True, "position": "right", "formatter": "{c}%"},
            "data": [{"value": r["satisfaction"], "url": f"{base_url}?school={r['school_id']}{suffix}"} for r in schools],
        }],
    }
    questions = {}
    for q in results["questions"]:
        if q["question"].kind == QuestionKind.TEXT:
            continue
        questions[q["question"].pk] = {
            "grid": {"left": 8, "right": 40, "top": 10, "bottom": 10, "containLabel": True},
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": [o["label"] for o in q["options"]]},
            "series": [{"type": "bar", "itemStyle": {"color": BAR_COLOR}, "label": {"show": True, "position": "right"},
                        "data": [o["count"] for o in q["options"]]}],
        }
    return {"schools": school_chart, "schools_height": max(160, 28 * len(schools) + 30), "questions": questions}


# --- Server-side SVG for the PDF ------------------------------------------------------------------


def svg_bars(rows: list[tuple[str, float | int | None]], *, maximum: float | None = None, unit: str = "") -> SafeString:
    """A horizontal bar chart as inline SVG: one row per (label, value), value printed at the bar's end."""
    rows = [(label, value or 0) for label, value in rows]
    top = maximum or max([v for _l, v in rows] + [1])
    label_w, bar_w, row_h = 190, 300, 22
    height = row_h * len(rows) + 6
    parts = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>'
        '<text x="{}" y="{}" font-size="10.5">{}{}</text>',
        (
            (label_w - 6, 4 + i * row_h + 12, label[:16], label_w, 4 + i * row_h + 1, round(bar_w * v / top, 1), BAR_COLOR,
             label_w + round(bar_w * v / top, 1) + 4, 4 + i * row_h + 12, v, unit)
            for i, (label, v) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'font-family="Noto Sans CJK SC, sans-serif">{}</svg>',
        label_w + bar_w + 60, height, label_w + bar_w + 60, height, parts,
    )


# --- The report job -------------------------------------------------------------------------------


def _clean_params(office, params: dict) -> dict:
    unknown = set(params) - {"survey", "school"}
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s。") % {"names": ", ".join(sorted(unknown))})
    try:
        survey_id = int(params.get("survey"))
    except (TypeError, ValueError):
        raise ValidationError(_("请选择问卷。")) from None
    survey = Survey.objects.filter(pk=survey_id, office=office).first()
    if survey is None:
        raise ValidationError(_("所选问卷不属于%(office)s。") % {"office": office.name})
    school = params.get("school")
    school_id = None
    if school not in (None, ""):
        try:
            school_id = int(school)
        except (TypeError, ValueError):
            raise ValidationError(_("学校参数无效。")) from None
        if not survey.links.filter(school_id=school_id).exists():
            raise ValidationError(_("该问卷未发布到所选学校。"))
    return {"survey": survey_id, "school": school_id}


def _fingerprint(office, params: dict) -> str:
    survey = Survey.objects.get(pk=params["survey"])
    if survey.status == SurveyStatus.DRAFT:
        raise ValidationError(_("问卷尚未发布，没有可分析的答卷。"))
    responses = survey.responses.all()
    if params["school"]:
        responses = responses.filter(school_id=params["school"])
    stats = responses.aggregate(n=Count("pk"), last=Max("pk"))
    if not stats["n"]:
        raise ValidationError(_("还没有答卷，无法生成分析报告。"))
    questions = list(survey.questions.values_list("pk", "text", "options", "kind"))
    value = {"v": REPORT_VERSION, "survey": [survey.title, survey.status], "stats": stats, "questions": questions}
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def report_html(survey: Survey, *, school_id: int | None = None) -> str:
    from . import selectors

    results = selectors.survey_results(survey=survey, school_id=school_id)
    school_name = results["schools"][0]["name"] if school_id and results["schools"] else ""
    scale = [q for q in results["questions"] if q["satisfaction"] is not None]
    rows = [(r["name"], r["satisfaction"]) for r in results["schools"] if r["satisfaction"] is not None]
    return render_to_string("surveys/report_pdf.html", {
        "survey": survey, "office": survey.office, "results": results, "school_name": school_name,
        "scale_questions": scale,
        # An SVG cannot break across pages: one chart per CHART_ROWS schools.
        "school_charts": [svg_bars(rows[i:i + CHART_ROWS], maximum=100, unit="%") for i in range(0, len(rows), CHART_ROWS)],
        "question_chart": svg_bars([(f"{i}. {q['question'].text}", q["satisfaction"]) for i, q in enumerate(scale, start=1)], maximum=100, unit="%"),
        "option_charts": {q["question"].pk: svg_bars([(o["label"], o["count"]) for o in q["options"]]) for q in results["questions"]
                          if q["question"].kind != QuestionKind.TEXT},
        "today": clock.today(),
    })


def report_pdf(survey: Survey, *, school_id: int | None = None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = report_html(survey, school_id=school_id)
    return pdf_from_html(html)


def _render(job, report):
    survey = Survey.objects.select_related("office").get(pk=job.params["survey"])
    report(10)
    content = report_pdf(survey, school_id=job.params.get("school"))
    school = f"-school{job.params['school']}" if job.params.get("school") else ""
    return content, f"survey-{survey.pk}{school}-{job.pk}.pdf"


def _describe(job) -> str:
    survey = Survey.objects.filter(pk=job.params.get("survey")).first()
    title = survey.title if survey else "?"
    if job.params.get("school"):
        from schools.models import School

        school = School.objects.filter(pk=job.params["school"]).values_list("name", flat=True).first() or ""
        return _("%(title)s分析报告-%(school)s") % {"title": title, "school": school}
    return _("%(title)s分析报告") % {"title": title}


SURVEY_REPORT_SPEC = JobSpec(
    clean_params=_clean_params, fingerprint=_fingerprint, render=_render, describe=_describe,
    label=gettext_lazy("满意度调查分析报告"),
)


# --- Every QR poster of a survey in one PDF (a job: 45 schools take about half a minute) ------------


def _posters_clean_params(office, params: dict) -> dict:
    unknown = set(params) - {"survey"}
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s。") % {"names": ", ".join(sorted(unknown))})
    return {"survey": _clean_params(office, {"survey": params.get("survey")})["survey"]}


def _poster_links(params: dict):
    return Survey.objects.get(pk=params["survey"]).links.select_related("school", "survey", "survey__office").order_by(
        "school__code", "audience"
    )


def _posters_fingerprint(office, params: dict) -> str:
    links = list(_poster_links(params).values_list("token", "school__name", "audience", "survey__title"))
    if not links:
        raise ValidationError(_("问卷尚未发布到学校，没有可打印的海报。"))
    value = {"v": REPORT_VERSION, "links": links, "office": office.name}  # the site is in the params
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _posters_render(job, report):
    from .poster import link_posters_pdf

    content = link_posters_pdf(_poster_links(job.params), on_progress=lambda done, total: report(5 + 85 * done // total))
    return content, f"survey-{job.params['survey']}-posters-{job.pk}.pdf"


def _posters_describe(job) -> str:
    survey = Survey.objects.filter(pk=job.params.get("survey")).first()
    return _("%(title)s二维码海报") % {"title": survey.title if survey else "?"}


SURVEY_POSTERS_SPEC = JobSpec(
    clean_params=_posters_clean_params, fingerprint=_posters_fingerprint, render=_posters_render,
    describe=_posters_describe, label=gettext_lazy("满意度调查二维码海报(批量打印)"), prints_site=True,
)
