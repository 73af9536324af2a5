"""Report jobs: start one (idempotently), run it in a Celery worker, record progress and result.

Each job kind registers a ``JobSpec`` (how to check its parameters, fingerprint the data it is
made from, render its file and name it, who may start it) with ``register_job_spec``, usually from
its app's ``AppConfig.ready``: monthly reports (月报表), year-end documents, campaign and survey
reports. The model, task, pages, API and downloads are the same for every kind.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from schools.plaque import plaques_for_office, plaques_pdf
from supervision import clock
from supervision.models import Office, Zone
from supervision.site import serving, site_url

from .choices import ACTIVE_STATUSES, JobKind, JobStatus
from .models import Job

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int], None]


def office_staff_may_start(user, office: Office, params: dict) -> bool:
    """Default: the office's own admins and director start its jobs (not higher offices)."""
    from .selectors import offices_starting_jobs_for

    return offices_starting_jobs_for(user).filter(pk=office.pk).exists()


@dataclass(frozen=True)
class JobSpec:
    # (office, raw params) -> canonical params; raises ValidationError with a Chinese message.
    clean_params: Callable[[Office, dict], dict]
    # (office, params) -> sha256 of everything the result depends on; ValidationError if nothing to make.
    fingerprint: Callable[[Office, dict], str]
    # (job, report(percent)) -> (file content, stored file name).
    render: Callable[[Job, ProgressCallback], tuple[bytes, str]]
    # job -> the name a person sees (page title, download file name, without extension).
    describe: Callable[[Job], str]
    # The kind's name in lists ("挂牌督导公示牌(批量打印)"), a lazy translation.
    label: str = ""
    # (user, office, cleaned params) -> may this user start (or restart) such a job?
    may_start: Callable[[object, Office, dict], bool] = office_staff_may_start
    # The file prints this site's address (QR codes): job_start keeps the address of the page that
    # started it in params["site"], and the worker prints that one (supervision.site).
    prints_site: bool = False


def sha256_of(value) -> str:
    """SHA-256 of a JSON-able value in canonical form (parameters, fingerprints of data)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# --- 挂牌督导公示牌: one poster page per active school of an office or of one zone --------------------

# Bump when the poster's design changes, so a reprint is not served from an old file.
PLAQUE_POSTER_VERSION = 1


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


JOB_SPECS: dict[str, JobSpec] = {
    JobKind.PLAQUES: JobSpec(
        clean_params=_plaques_clean_params,
        fingerprint=_plaques_fingerprint,
        render=_plaques_render,
        describe=_plaques_describe,
        label=JobKind.PLAQUES.label,
        prints_site=True,
    ),
}


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


# --- Services --------------------------------------------------------------------------------------


def _enqueue(job_id: int) -> None:
    from .tasks import job_run_task

    try:
        job_run_task.delay(job_id)
    except Exception:  # noqa: BLE001
        # The broker is down, or (eager Celery, the development default) the task failed and will
        # not be retried: either way nothing will run this job again, so it must not stay queued.
        logger.exception("report job %s could not be run", job_id)
        now = clock.now()
        Job.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES, attempts=0).update(
            status=JobStatus.FAILED, error=_("任务队列不可用，请稍后重试。"), finished_at=now
        )
        Job.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES).update(status=JobStatus.FAILED, finished_at=now)


@transaction.atomic
def job_start(*, kind: str, office: Office, params: dict | None, user) -> Job:
    """Start a report job, or return the identical one already there.

    Idempotent: for the same kind, office and parameters, a job that is queued or running is
    returned as it is, and so is a succeeded one while the data it was made from is unchanged
    (same fingerprint) — pressing "print" twice makes one file. A failed job, or a succeeded
    one whose data changed since, gives a new job. The task is enqueued after commit.
    """
    spec = job_spec(kind)
    params = dict(params or {})
    if spec.prints_site:
        params.pop("site", None)  # never the caller's: the address of the request starting the job
    params = spec.clean_params(office, params)
    if spec.prints_site:
        params = {**params, "site": site_url()}
    params_key = sha256_of(params)
    # Serialise starts for one office so two clicks at once cannot both create a job.
    Office.objects.select_for_update().filter(pk=office.pk).first()
    fingerprint = spec.fingerprint(office, params)
    existing = (
        Job.objects.filter(kind=kind, office=office, params_key=params_key)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(status=JobStatus.SUCCEEDED, data_fingerprint=fingerprint))
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        return existing
    job = Job.objects.create(
        kind=kind,
        office=office,
        params=params,
        params_key=params_key,
        data_fingerprint=fingerprint,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _progress_reporter(job: Job) -> ProgressCallback:
    last = {"value": job.progress}

    def report(percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent != last["value"]:
            last["value"] = percent
            # Committed at once (no surrounding transaction) so the polling page sees it.
            Job.objects.filter(pk=job.pk).update(progress=percent)

    return report


def job_run(*, job_id: int, final_attempt: bool = True) -> Job | None:
    """Render a job's file and store it; called by the Celery task with the job id.

    Safe to run twice: a missing or finished job is left as it is. Not one transaction on
    purpose — progress must be committed while the file is being made. A failure is recorded;
    the job goes back to the queue for the task's retry, or fails for good on the last attempt.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("office").filter(pk=job_id).first()
        if job is None or job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.progress = 0
        job.started_at = clock.now()
        job.save(update_fields=["status", "attempts", "progress", "started_at"])
    spec = job_spec(job.kind)
    try:
        with serving(job.params.get("site")):
            content, filename = spec.render(job, _progress_reporter(job))
        with transaction.atomic():
            job.result.save(filename, ContentFile(content), save=False)
            job.status = JobStatus.SUCCEEDED
            job.progress = 100
            job.error = ""
            job.finished_at = clock.now()
            job.save(update_fields=["result", "status", "progress", "error", "finished_at"])
    except Exception as exc:
        _job_record_failure(job=job, exc=exc, final_attempt=final_attempt)
        raise
    return job


def _job_record_failure(*, job: Job, exc: Exception, final_attempt: bool) -> None:
    detail = f"{type(exc).__name__}: {exc}"[:2000]
    if final_attempt:
        status = JobStatus.FAILED
        error = _("第 %(n)d 次尝试失败，已停止重试。%(detail)s") % {"n": job.attempts, "detail": detail}
    else:
        status = JobStatus.QUEUED
        error = _("第 %(n)d 次尝试失败，稍后自动重试。%(detail)s") % {"n": job.attempts, "detail": detail}
    Job.objects.filter(pk=job.pk).update(
        status=status, error=error, finished_at=clock.now() if final_attempt else None
    )


def job_describe(job: Job) -> str:
    return job_spec(job.kind).describe(job)


def job_may_start(*, user, kind: str, office: Office, params: dict) -> bool:
    return job_spec(kind).may_start(user, office, params)
