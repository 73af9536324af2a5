"""报送: the office sends the month's or the year's materials to the higher office in one package.

A package is a zip made by a report job (kind ``submission_package``) from *parts*: the cover letter
(报送函, a PDF in the official-document layout, made here) and what other apps register — the
office roll-up of the filed monthly zone reports, the year-end summary PDF and its figures. Each part
is made from the data as filed (filed reports are frozen), so the package is exactly what was filed;
its manifest records every file's size and SHA-256, and the Submission row who sent it and when.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _, gettext_lazy

from supervision import access, clock
from supervision.models import Office
from supervision.pdf import pdf_from_template

from .models import Job, Submission
from .registry import JobSpec, ProgressCallback, SubmissionPart, parts_for, register_job_spec, register_submission_part
from .services import job_start

KIND = "submission_package"
Period = Submission.Period


def period_label(params: dict) -> str:
    if params["period"] == Period.MONTH:
        return _("%(year)d年%(month)d月") % {"year": params["year"], "month": params["month"]}
    return _("%(year)d年度") % {"year": params["year"]}


# --- Parameters ------------------------------------------------------------------------------------


def clean_params(office: Office, params: dict, *, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    unknown = set(params) - {"period", "year", "month"}
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s。") % {"names": ", ".join(sorted(unknown))})
    period = params.get("period")
    if period not in Period.values:
        raise ValidationError(_("请选择报送周期(月度或年度)。"))
    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        raise ValidationError(_("年度无效。")) from None
    if not 2000 <= year <= today.year:
        raise ValidationError(_("年度无效。"))
    month = None
    if period == Period.MONTH:
        try:
            month = int(params.get("month"))
        except (TypeError, ValueError):
            raise ValidationError(_("月份无效。")) from None
        if not 1 <= month <= 12 or (year, month) > (today.year, today.month):
            raise ValidationError(_("月份无效。"))
    elif params.get("month") not in (None, ""):
        raise ValidationError(_("年度报送不需要月份。"))
    return {"period": period, "year": year, "month": month}


# --- What goes in ----------------------------------------------------------------------------------


@dataclass
class PartStatus:
    part: SubmissionPart
    title: str
    ready: bool
    problem: str = ""
    fingerprint: str = ""


def package_preview(*, office: Office, params: dict, without: tuple[str, ...] = ()) -> list[PartStatus]:
    """Every part of the period with whether it can be made now (and why not)."""
    found = []
    for part in parts_for(params["period"]):
        if part.key in without:
            continue
        title = str(part.title(office, params))
        try:
            found.append(PartStatus(part=part, title=title, ready=True, fingerprint=part.fingerprint(office, params)))
        except ValidationError as exc:
            found.append(PartStatus(part=part, title=title, ready=False, problem=" ".join(exc.messages)))
    return found


def _check_complete(preview: list[PartStatus]) -> None:
    missing = [p for p in preview if not p.ready and not p.part.optional]
    if missing:
        raise ValidationError([f"{p.title}：{p.problem}" for p in missing])
    if not any(p.ready for p in preview if p.part.key != COVER):
        raise ValidationError(_("本期没有可报送的材料。"))


def _fingerprint(office: Office, params: dict) -> str:
    preview = package_preview(office=office, params=params)
    _check_complete(preview)
    return hashlib.sha256(
        json.dumps({p.part.key: p.fingerprint for p in preview if p.ready}, sort_keys=True).encode()
    ).hexdigest()


def _render(job: Job, report: ProgressCallback) -> tuple[bytes, str]:
    office, params = job.office, job.params
    preview = package_preview(office=office, params=params)
    _check_complete(preview)
    ready = [p for p in preview if p.ready]
    buffer, manifest = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for done, status in enumerate(ready, start=1):
            content, name = status.part.render(office, params)
            name = f"{done:02d}-{name}"
            package.writestr(name, content)
            manifest.append({
                "name": name, "title": status.title, "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            })
            report(90 * done // len(ready))
        missing = [{"title": p.title, "problem": p.problem} for p in preview if not p.ready]
        package.writestr("manifest.json", json.dumps({"files": manifest, "missing": missing}, ensure_ascii=False, indent=2))
    Submission.objects.filter(job=job).update(manifest=manifest)
    code = office.division_code
    suffix = f"{params['year']}{params['month']:02d}" if params["month"] else f"{params['year']}"
    return buffer.getvalue(), f"submission-{code}-{suffix}-{job.pk}.zip"


def _describe(job: Job) -> str:
    return _("报送材料-%(office)s-%(period)s") % {"office": job.office.name, "period": period_label(job.params)}




# --- The cover letter (报送函) ----------------------------------------------------------------------

COVER = "cover_letter"


def _cover_context(office: Office, params: dict) -> dict:
    from .submission_parts import cover_figures

    # The letter lists the other parts (never itself, which would ask itself what it lists).
    others = package_preview(office=office, params=params, without=(COVER,))
    return {
        "figures": cover_figures(office, params),
        "office": office,
        "recipient": office.parent,
        "period": period_label(params),
        "attachments": [p.title for p in others if p.ready],
        "missing": [p for p in others if not p.ready],
        "date": clock.today(),
    }


def _cover_fingerprint(office: Office, params: dict) -> str:
    context = _cover_context(office, params)
    del context["date"]  # the letter is dated the day it is made; the same content is the same letter
    return hashlib.sha256(
        json.dumps(
            {"office": [office.name, office.parent.name if office.parent else ""], "period": context["period"],
             "attachments": context["attachments"], "missing": [p.title for p in context["missing"]],
             "figures": context["figures"]},
            ensure_ascii=False,
        ).encode()
    ).hexdigest()


def _cover_render(office: Office, params: dict) -> tuple[bytes, str]:
    return pdf_from_template("reports/submission_cover_pdf.html", _cover_context(office, params)), _("报送函.pdf")




# --- Services and selectors ------------------------------------------------------------------------


@transaction.atomic
def submission_start(*, office: Office, params: dict, user, note: str = "") -> Submission:
    """Send the period's package upward: starts (or reuses) the job that makes the zip and records
    who sent it. Pressing 报送 twice with unchanged data gives one package and one record."""
    if office.parent_id is None:
        raise ValidationError(_("%(office)s没有上级督导室,无需报送。") % {"office": office.name})
    job = job_start(kind=KIND, office=office, params=params, user=user)
    submission, _created = Submission.objects.get_or_create(
        job=job,
        defaults={
            "office": office, "recipient_id": office.parent_id, "period": job.params["period"],
            "year": job.params["year"], "month": job.params["month"], "note": note.strip(),
            "submitted_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    return submission


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Packages an office sent, and those its offices below sent up to it (higher offices)."""
    return Submission.objects.filter(office__in=access.offices_overseen_by(user).values("pk"))


def register() -> None:
    """The package job and its cover letter (from ``ReportsConfig.ready``)."""
    register_job_spec(
        KIND,
        JobSpec(
            clean_params=clean_params,
            fingerprint=_fingerprint,
            render=_render,
            describe=_describe,
            label=gettext_lazy("报送材料包"),
        ),
    )
    register_submission_part(
        SubmissionPart(
            key=COVER,
            periods=(Period.MONTH, Period.YEAR),
            title=lambda office, params: _("报送函"),
            fingerprint=_cover_fingerprint,
            render=_cover_render,
            order=0,
        )
    )
