"""The year-end summary PDF as a report job (kind ``annual_summary``): the office's summary, or a
zone's with ``zone``. Same parameters and same data give the same job (reports.services.job_start)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.registry import JobSpec, sha256_of, zone_param_clean
from reports.services import office_staff_may_start
from supervision import access
from supervision.models import Office, Zone

from .document import DOCUMENT_VERSION, annual_summary_pdf, figures_of, summary_or_draft

KIND = "annual_summary"
YEARS = range(2000, 2101)


def clean_params(office: Office, params: dict) -> dict:
    unknown = set(params) - {"year", "zone"}
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s。") % {"names": ", ".join(sorted(unknown))})
    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        raise ValidationError(_("请选择年度。")) from None
    if year not in YEARS:
        raise ValidationError(_("年度无效。"))
    zone_id = zone_param_clean(office, params.get("zone"))
    return {"year": year, "zone": zone_id}


def summary_of(office: Office, params: dict):
    zone = Zone.objects.get(pk=params["zone"]) if params["zone"] else None
    return summary_or_draft(office=office, year=params["year"], zone=zone)


def fingerprint(office: Office, params: dict) -> str:
    summary = summary_of(office, params)
    figures = figures_of(summary)
    # Dataclass reprs (zone rows, contributions) carry every field; office and zone by name.
    data = {key: value for key, value in vars(figures).items() if key not in ("office", "zone")}
    data.update(office=office.name, zone=summary.zone.name if summary.zone else None)
    return sha256_of({
        "version": DOCUMENT_VERSION,
        "summary": [summary.title, summary.until, summary.signature, summary.blocks],
        "figures": data,
    })


def render(job, report) -> tuple[bytes, str]:
    summary = summary_of(job.office, job.params)
    figures = figures_of(summary)
    report(20)
    content = annual_summary_pdf(summary, figures)
    zone = f"-zone{job.params['zone']}" if job.params.get("zone") else ""
    return content, f"annual-{job.office.division_code}-{job.params['year']}{zone}-{job.pk}.pdf"


def describe(job) -> str:
    zone = Zone.objects.filter(pk=job.params.get("zone"), office=job.office_id).first()
    return summary_or_draft(office=job.office, year=job.params["year"], zone=zone).title


def may_start(user, office: Office, params: dict) -> bool:
    """The office's admins and director print every summary of it; a lead supervisor their zone's."""
    if params.get("zone") and access.annual_zones_led_by(user).filter(pk=params["zone"], office=office).exists():
        return True
    return office_staff_may_start(user, office, params)


SPEC = JobSpec(
    clean_params=clean_params,
    fingerprint=fingerprint,
    render=render,
    describe=describe,
    label=gettext_lazy("年度工作总结(PDF)"),
    may_start=may_start,
)
