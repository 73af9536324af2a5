"""The outbox with the broker down, and a real worker killed mid-job — private processes only: a
redis-server this test starts, stops and starts again; a Celery worker it starts and ``kill -9``s."""
import os
import signal
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
import redis
from time_machine import escape_hatch
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from inspections.notifications import services as notifications
from reports.choices import JobKind, JobStatus
from reports.models import Job
from reports.services import job_start, jobs_sweep_dead
from supervision.models import OutboxMessage
from tests.celery_fixtures import celery_configured, worker_on

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_SCRIPT = Path(__file__).with_name("slow_worker.py")


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"{what} not within {timeout} s")


def test_with_the_broker_down_the_e_mail_and_the_job_wait_in_the_outbox_and_go_out_when_it_is_back(
    client, world, private_redis, mailoutbox
):
    queue = f"test-{uuid.uuid4().hex}"
    admin = world["admin_a"]
    admin.email = "admin_a@example.cn"
    admin.save(update_fields=["email"])
    client.force_login(admin)

    with celery_configured(broker_url=private_redis.url, result_backend=private_redis.url,
                           task_always_eager=False, task_default_queue=queue):
        private_redis.stop()
        notifications.notify(users=[admin], key="test:broker-down", title="整改通知", body="请查看。", url="/")
        started = time.monotonic()
        response = client.post(reverse("reports:plaques_start"), {"office": world["county_a"].pk})
        page = client.get(response["Location"]).content.decode()
        elapsed = time.monotonic() - started

        assert response.status_code == 302
        assert elapsed < 3, f"asking for a job with the broker down took {elapsed:.1f} s"
        assert "任务服务暂时不可用：任务已记录并排队，任务服务恢复后将自动开始生成" in page
        job = Job.objects.get()
        assert job.status == JobStatus.QUEUED and not job.error
        assert [(m.task, m.sent_at, m.attempts) for m in OutboxMessage.objects.order_by("pk")] == [
            ("inspections.notification_emails_send", None, 1), ("reports.job_run", None, 1),
        ]
        assert "Connection refused" in OutboxMessage.objects.first().last_error
        assert mailoutbox == []

        private_redis.start()  # the same port again
        out = StringIO()
        call_command("outbox_drain", stdout=out)

        assert "Sent 2 task(s); 0 still waiting" in out.getvalue()
        assert not OutboxMessage.objects.filter(sent_at=None).exists()
        assert redis.Redis.from_url(private_redis.url).llen(queue) == 2  # both on the worker's queue, in order
        assert "任务服务暂时不可用" not in client.get(response["Location"]).content.decode()

    with worker_on(private_redis.url, queue=queue):
        _wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED, 60, "the job done by the worker")
        _wait_for(lambda: mailoutbox, 10, "the e-mail sent by the worker")
    assert [m.subject for m in mailoutbox] == ["整改通知"] and mailoutbox[0].to == ["admin_a@example.cn"]
    assert call_command("outbox_drain", stdout=StringIO()) is None and len(mailoutbox) == 1  # nothing twice


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs the test database on PostgreSQL")
def test_a_worker_killed_mid_job_is_swept_within_the_stale_window_and_the_job_made_anew(
    client, world, private_redis, settings, clock
):
    settings.REPORT_JOB_STALE_SECONDS = 3
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false", "REPORT_JOB_HEARTBEAT_SECONDS": "1"
    }
    # The worker runs on the test's clock (time-machine there too, started at the test's instant plus
    # the real seconds its start took): its heartbeats compare with the test's sweeps.
    worker = subprocess.Popen(
        [sys.executable, str(WORKER_SCRIPT), clock.now.isoformat(), str(escape_hatch.time.time()), queue],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        with celery_configured(broker_url=private_redis.url, result_backend=private_redis.url,
                               task_always_eager=False, task_default_queue=queue):
            dead = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
            _wait_for(lambda: Job.objects.get(pk=dead.pk).status == JobStatus.RUNNING, 30, "the worker taking the job")
            _wait_for(lambda: Job.objects.get(pk=dead.pk).heartbeat_at > Job.objects.get(pk=dead.pk).started_at,
                      10, "a heartbeat of the running job")
            os.kill(worker.pid, signal.SIGKILL)
            killed = time.monotonic()
            worker.wait(timeout=10)

            # Still 运行中 while the window lasts; the minute sweep (run here in a loop) then fails it.
            assert jobs_sweep_dead() == 0
            _wait_for(lambda: jobs_sweep_dead(), 10, "the sweeper failing the dead job")
            recovered = time.monotonic() - killed
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

    print(f"recovered {recovered:.1f} s after kill -9 (stale window {settings.REPORT_JOB_STALE_SECONDS} s)")
    assert recovered < settings.REPORT_JOB_STALE_SECONDS + 3
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "后台工作进程意外中断" in dead.error and dead.worker
    client.force_login(world["admin_a"])
    assert "重新生成" in client.get(reverse("reports:job_detail", args=[dead.pk])).content.decode()

    # In-process from here (eager): asking again and 重新生成 both give one new, finished job.
    asked = client.post(reverse("reports:plaques_start"), {"office": world["county_a"].pk})
    again = Job.objects.exclude(pk=dead.pk).get()
    response = client.post(reverse("reports:job_restart", args=[dead.pk]))

    assert asked["Location"] == reverse("reports:job_detail", args=[again.pk])
    assert response.status_code == 302 and response["Location"] == reverse("reports:job_detail", args=[again.pk])
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED and again.attempts == 1
    assert Job.objects.get(pk=dead.pk).status == JobStatus.FAILED  # the dead one stays on record

