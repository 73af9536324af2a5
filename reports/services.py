"""Report jobs: start one (idempotently), run it in a Celery worker, record progress and result.

Each job kind registers a ``JobSpec`` (how to check its parameters, fingerprint the data it is
made from, render its file and name it, who may start it) with ``reports.registry.register_job_spec``
from its app's ``AppConfig.ready``: monthly reports (月报表), year-end documents, campaign and survey
reports. The model, task, pages, API and downloads are the same for every kind.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supervision import clock, outbox
from supervision.models import Office
from supervision.site import serving, site_url

from .choices import ACTIVE_STATUSES, JobStatus
from .models import Job
from .registry import ProgressCallback, job_spec, sha256_of

logger = logging.getLogger(__name__)

JOB_TASK = "reports.job_run"


def office_staff_may_start(user, office: Office, params: dict) -> bool:
    """Default: the office's own admins and director start its jobs (not higher offices)."""
    from .selectors import offices_starting_jobs_for

    return offices_starting_jobs_for(user).filter(pk=office.pk).exists()


# --- Services --------------------------------------------------------------------------------------


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
    # A running job whose worker died is never handed back: it is failed now and a new one is made.
    jobs_sweep_dead(jobs=Job.objects.filter(kind=kind, office=office, params_key=params_key))
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
    outbox.enqueue(JOB_TASK, job.pk)
    return job


def _progress_reporter(job: Job) -> ProgressCallback:
    last = {"value": job.progress}

    def report(percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent != last["value"]:
            last["value"] = percent
            # Committed at once (no surrounding transaction) so the polling page sees it.
            Job.objects.filter(pk=job.pk).update(progress=percent, heartbeat_at=clock.now())

    return report


def _stale_before() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.REPORT_JOB_STALE_SECONDS)


def jobs_sweep_dead(*, jobs=None) -> int:
    """A running job whose heartbeat stopped for REPORT_JOB_STALE_SECONDS lost its worker (killed,
    out of memory): it is marked failed with a Chinese message, so the page stops waiting and
    offers 重新生成. Run every minute by beat and before each start; returns how many were swept."""
    jobs = Job.objects.all() if jobs is None else jobs
    return jobs.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at=None, started_at__lt=_stale_before())
    ).update(
        status=JobStatus.FAILED,
        error=_("后台工作进程意外中断，任务未完成。请点击「重新生成」。"),
        finished_at=clock.now(),
    )


HEARTBEAT_POLL_SECONDS = 0.2  # how soon a heartbeat thread notices its job ended


@contextmanager
def _heartbeat(job_id: int):
    """Touch the job's row every REPORT_JOB_HEARTBEAT_SECONDS while the block runs (a thread with
    its own database connection): a render that reports no progress for minutes still looks alive."""
    stop = threading.Event()

    def asleep_until_due() -> bool:
        """Short relative sleeps, not ``stop.wait(timeout)``: a timed wait sleeps until a deadline on
        the monotonic clock, which a shifted clock (``faketime``) puts out of reach — the thread never
        beat again. Returns False once the block has ended."""
        slept = 0.0
        while slept < settings.REPORT_JOB_HEARTBEAT_SECONDS:
            if stop.is_set():
                return False
            time.sleep(HEARTBEAT_POLL_SECONDS)
            slept += HEARTBEAT_POLL_SECONDS
        return not stop.is_set()

    def beat():
        try:
            while asleep_until_due():
                try:
                    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=clock.now())
                except Exception:  # noqa: BLE001 — a missed beat is not a failed job
                    logger.exception("heartbeat of report job %s failed", job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def job_run(*, job_id: int, final_attempt: bool = True, worker: str = "") -> Job | None:
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
        job.started_at = job.heartbeat_at = clock.now()
        job.worker = worker[:200]
        job.save(update_fields=["status", "attempts", "progress", "started_at", "heartbeat_at", "worker"])
    spec = job_spec(job.kind)
    try:
        with serving(job.params.get("site")), _heartbeat(job.pk):
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


def job_waits_for_broker(job: Job) -> bool:
    """A queued job whose task could not be handed to the worker yet (the broker was down)."""
    return job.status == JobStatus.QUEUED and outbox.is_waiting(JOB_TASK, job.pk)


def job_describe(job: Job) -> str:
    return job_spec(job.kind).describe(job)


def job_may_start(*, user, kind: str, office: Office, params: dict) -> bool:
    return (job_spec(kind).may_start or office_staff_may_start)(user, office, params)
