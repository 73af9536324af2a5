"""The plaques job (挂牌督导公示牌): one poster page per active school of an office or of one zone,
made in the worker (``schools.plaque`` draws them)."""
from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from schools.plaque import plaques_for_office, plaques_pdf
from supervision.models import Office, Zone

from .choices import JobKind
from .models import Job
from .registry import JobSpec, ProgressCallback, register_job_spec, sha256_of, zone_param_clean

# Bump when the poster's design changes, so a reprint is not served from an old file.
PLAQUE_POSTER_VERSION = 1


def _plaques_clean_params(office: Office, params: dict) -> dict:
    unknown = set(params) - {"zone"}
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s。") % {"names": ", ".join(sorted(unknown))})
    return {"zone": zone_param_clean(office, params.get("zone"))}


def _plaques_of(office: Office, params: dict):
    zone = Zone.objects.get(pk=params["zone"]) if params["zone"] else None
    return plaques_for_office(office=office, zone=zone)


def _photo_stamp(name: str) -> str:
    # A new photo is stored under the same name (supervisor_set_photo), so include its time.
    try:
        return default_storage.get_modified_time(name).isoformat()
    except (OSError, NotImplementedError):
        return ""


def _plaques_fingerprint(office: Office, params: dict) -> str:
    plaques = _plaques_of(office, params)
    if not plaques:
        raise ValidationError(_("没有可打印的在办学校。"))
    photos = sorted({s.photo_name for p in plaques for s in p.supervisors if s.photo_name})
    return sha256_of(
        {
            "version": PLAQUE_POSTER_VERSION,
            "plaques": [asdict(p) for p in plaques],
            "photos": {name: _photo_stamp(name) for name in photos},
        }
    )


def _plaques_render(job: Job, report: ProgressCallback) -> tuple[bytes, str]:
    plaques = _plaques_of(job.office, job.params)
    # Layout is most of the work: pages take 5–90 %, writing the PDF the rest.
    content = plaques_pdf(plaques, on_progress=lambda done, total: report(5 + 85 * done // total))
    zone = f"-zone{job.params['zone']}" if job.params["zone"] else ""
    return content, f"plaques-{job.office.division_code}{zone}-{job.pk}.pdf"


def _plaques_describe(job: Job) -> str:
    zone = Zone.objects.filter(pk=job.params.get("zone"), office=job.office_id).first()
    scope = f"{job.office.name}·{zone.name}" if zone else job.office.name
    return _("挂牌督导公示牌-%(scope)s") % {"scope": scope}


def register() -> None:
    register_job_spec(JobKind.PLAQUES, JobSpec(
        clean_params=_plaques_clean_params,
        fingerprint=_plaques_fingerprint,
        render=_plaques_render,
        describe=_plaques_describe,
        label=JobKind.PLAQUES.label,
        prints_site=True,
    ))
