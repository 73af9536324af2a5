"""Celery tasks: thin wrappers taking ids; the work is in ``reports.services``."""
from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    name="reports.job_run",
    autoretry_for=(Exception,),
    retry_backoff=True,  # 1 s, 2 s, 4 s … (with jitter), capped below
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-job gives the message back
    time_limit=settings.REPORT_JOB_TIME_LIMIT,  # below the broker's visibility timeout
    soft_time_limit=settings.REPORT_JOB_TIME_LIMIT - 30,
    ignore_result=True,  # the Job row is the result
)
def job_run_task(self, job_id: int) -> None:
    # In-process (eager) nothing retries later: the first failure is the last one.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    services.job_run(job_id=job_id, final_attempt=final_attempt, worker=self.request.hostname or "")


@shared_task(name="reports.jobs_sweep_dead", ignore_result=True)
def jobs_sweep_dead_task() -> int:
    """Every minute (beat): jobs whose worker died are marked failed."""
    return services.jobs_sweep_dead()
