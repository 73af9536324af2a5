"""The report registries — the one way an app adds to the reports: in its ``AppConfig.ready`` it calls
``register_job_spec`` for each kind of report job it makes (a file made in the worker: 月报表 Excel,
year-end PDF, campaign and survey reports, plaques), ``register_submission_part`` for each file it
puts into a 报送 package and ``register_contribution`` for the section it adds to the year-end summary. What reads them (``reports.services`` runs jobs, ``reports.submissions``
packs parts) never imports the apps; the apps import only this module.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.models import Office, Zone

ProgressCallback = Callable[[int], None]


# --- Report jobs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobSpec:
    # (office, raw params) -> canonical params; raises ValidationError with a Chinese message.
    clean_params: Callable[[Office, dict], dict]
    # (office, params) -> sha256 of everything the result depends on; ValidationError if nothing to make.
    fingerprint: Callable[[Office, dict], str]
    # (job, report(percent)) -> (file content, stored file name).
    render: Callable[[Any, ProgressCallback], tuple[bytes, str]]
    # job -> the name a person sees (page title, download file name, without extension).
    describe: Callable[[Any], str]
    # The kind's name in lists ("挂牌督导公示牌(批量打印)"), a lazy translation.
    label: str = ""
    # (user, office, cleaned params) -> may this user start (or restart) such a job?
    # Default (None): the office's own admins and director (reports.services.office_staff_may_start).
    may_start: Callable[[object, Office, dict], bool] | None = None
    # The file prints this site's address (QR codes): job_start keeps the address of the page that
    # started it in params["site"], and the worker prints that one (supervision.site).
    prints_site: bool = False


JOB_SPECS: dict[str, JobSpec] = {}


def register_job_spec(kind: str, spec: JobSpec) -> None:
    """Add a kind of report job (called from an app's ``ready``); a kind is registered once."""
    if kind in JOB_SPECS and JOB_SPECS[kind] is not spec:
        raise ValueError(f"report job kind {kind!r} is already registered")
    if len(kind) > 32:
        raise ValueError(f"report job kind {kind!r} is longer than 32 characters")
    JOB_SPECS[kind] = spec


def job_spec(kind: str) -> JobSpec:
    try:
        return JOB_SPECS[kind]
    except KeyError:
        raise ValidationError(_("未知的任务类型。")) from None


def sha256_of(value) -> str:
    """SHA-256 of a JSON-able value in canonical form (parameters, fingerprints of data)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def zone_param_clean(office: Office, zone) -> int | None:
    """A job's optional ``zone`` parameter: empty, or the id of one of this office's zones."""
    if zone in (None, ""):
        return None
    try:
        zone_id = int(zone)
    except (TypeError, ValueError):
        raise ValidationError(_("责任区参数无效。")) from None
    if not Zone.objects.filter(pk=zone_id, office=office).exists():
        raise ValidationError(_("所选责任区不属于%(office)s。") % {"office": office.name})
    return zone_id


# --- Parts of a 报送 package ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionPart:
    """One file of the package. ``fingerprint`` raises ValidationError (with a Chinese message) when the
    part cannot be made yet — e.g. no zone has filed its report; ``optional`` parts are then left out
    and listed as missing, required ones stop the submission."""

    key: str
    periods: tuple[str, ...]
    title: Callable[[Office, dict], str]  # "责任区月报表汇总(2026年11月)"
    fingerprint: Callable[[Office, dict], str]
    render: Callable[[Office, dict], tuple[bytes, str]]  # (content, file name inside the zip)
    order: int = 100
    optional: bool = False


PARTS: dict[str, SubmissionPart] = {}


def register_submission_part(part: SubmissionPart) -> None:
    if part.key in PARTS and PARTS[part.key] is not part:
        raise ValueError(f"submission part {part.key!r} is already registered")
    PARTS[part.key] = part


def parts_for(period: str) -> list[SubmissionPart]:
    return sorted((p for p in PARTS.values() if period in p.periods), key=lambda p: (p.order, p.key))


# --- Sections the rest of the year adds to the year-end summary -----------------------------------


@dataclass
class Contribution:
    key: str  # stable id of the section, e.g. "surveys"
    title: str  # section heading in the summary, e.g. "开展社会满意度调查"
    sentence: str  # a drafted sentence with the real figures, in the seeds' style
    figures: dict[str, int | float] = field(default_factory=dict)  # named numbers (checked by tests)
    order: int = 100  # sections are sorted by it


Contributor = Callable[..., "Contribution | None"]  # (office=, year=, until=) -> Contribution | None
CONTRIBUTORS: list[Contributor] = []


def register_contribution(contributor: Contributor) -> Contributor:
    """Add a section to the year-end summary (from an app's ``AppConfig.ready``; see
    ``reports.annual.contributions``)."""
    if contributor not in CONTRIBUTORS:
        CONTRIBUTORS.append(contributor)
    return contributor
