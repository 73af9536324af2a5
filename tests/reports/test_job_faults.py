"""Report jobs when Redis is frozen or stopped: a private redis-server this test starts, SIGSTOPs and
stops itself (never the shared one). Measured before (issue 13): a request that enqueued hung 23 s."""
import time

import pytest

from reports.choices import JobKind, JobStatus
from reports.services import job_start, job_waits_for_broker
from tests.celery_fixtures import celery_configured

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fault", ["frozen", "stopped"])
def test_starting_a_job_while_redis_is_frozen_or_stopped_answers_within_seconds(
    world, private_redis, fault, django_capture_on_commit_callbacks
):
    url = private_redis.url
    if fault == "frozen":
        private_redis.freeze()
    else:
        private_redis.stop()

    with celery_configured(broker_url=url, result_backend=url, task_always_eager=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"job_start hung {elapsed:.1f} s with Redis {fault}"
    job.refresh_from_db()
    # Kept, queued, its task waiting in the outbox for the broker (tests/reports/test_outbox_faults.py).
    assert job.status == JobStatus.QUEUED and job_waits_for_broker(job)
