"""Report jobs when Redis is frozen or stopped: a private redis-server this test starts, SIGSTOPs and
stops itself (never the shared one). Measured before (issue 13): a request that enqueued hung 23 s."""
import os
import signal
import socket
import subprocess
import time

import pytest

from reports.choices import JobKind, JobStatus
from reports.services import job_start, job_waits_for_broker
from tests.celery_fixtures import celery_configured

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis():
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("fault", ["frozen", "stopped"])
def test_starting_a_job_while_redis_is_frozen_or_stopped_answers_within_seconds(
    world, private_redis, fault, django_capture_on_commit_callbacks
):
    process, url = private_redis
    if fault == "frozen":
        os.kill(process.pid, signal.SIGSTOP)  # accepts connections, never answers
    else:
        process.terminate()
        process.wait(timeout=10)

    with celery_configured(broker_url=url, result_backend=url, task_always_eager=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"job_start hung {elapsed:.1f} s with Redis {fault}"
    job.refresh_from_db()
    # Kept, queued, its task waiting in the outbox for the broker (tests/reports/test_outbox_faults.py).
    assert job.status == JobStatus.QUEUED and job_waits_for_broker(job)
