"""A job whose worker died (kill -9, out of memory) no longer stays 「生成中」 forever (issue 13).

The dead job is the row a killed worker leaves behind: running, started, its heartbeat stopped.
The clock is set (time-machine), never read.
"""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reports.choices import JobKind, JobStatus
from reports.models import Job
from reports.services import job_start
from reports.tasks import jobs_sweep_dead_task
from supervision import clock
from supervision.celery import app as celery_app

pytestmark = pytest.mark.django_db

KILLED_AT = dt.datetime(2026, 12, 31, 23, 58, tzinfo=clock.zone())  # year end, across midnight


@pytest.fixture
def dead_job(world):
    """Started at KILLED_AT; the worker was killed right after its last heartbeat."""
    job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, progress=40, started_at=KILLED_AT, heartbeat_at=KILLED_AT,
        worker="celery@killed",
    )
    return job


def test_a_running_job_with_a_live_heartbeat_is_still_returned_when_asked_again(world, dead_job):
    with time_machine.travel(KILLED_AT + dt.timedelta(seconds=20), tick=False):
        again = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["director_a"])
        assert jobs_sweep_dead_task.apply().get() == 0

    assert again.pk == dead_job.pk
    dead_job.refresh_from_db()
    assert dead_job.status == JobStatus.RUNNING


def test_the_minute_sweeper_marks_a_job_whose_worker_died_failed_within_two_minutes(client, world, dead_job):
    with time_machine.travel(KILLED_AT + dt.timedelta(seconds=61), tick=False):
        assert jobs_sweep_dead_task.apply().get() == 1

    dead_job.refresh_from_db()
    assert dead_job.status == JobStatus.FAILED and dead_job.finished_at
    assert "后台工作进程意外中断" in dead_job.error
    client.force_login(world["admin_a"])
    page = client.get(reverse("reports:job_detail", args=[dead_job.pk])).content.decode()
    assert "重新生成" in page and "hx-trigger" not in page


def test_asking_again_after_the_worker_died_makes_a_new_job_that_completes(
    client, world, dead_job, django_capture_on_commit_callbacks
):
    with time_machine.travel(KILLED_AT + dt.timedelta(minutes=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            again = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])

    dead_job.refresh_from_db()
    again.refresh_from_db()
    assert again.pk != dead_job.pk
    assert dead_job.status == JobStatus.FAILED
    assert again.status == JobStatus.SUCCEEDED and again.result


def test_regenerate_on_the_failed_job_page_makes_a_new_finished_job(client, world, dead_job, django_capture_on_commit_callbacks):
    with time_machine.travel(KILLED_AT + dt.timedelta(minutes=2), tick=False):
        jobs_sweep_dead_task.apply()
    client.force_login(world["admin_a"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_restart", args=[dead_job.pk]))

    new = Job.objects.exclude(pk=dead_job.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job_detail", args=[new.pk])
    assert new.status == JobStatus.SUCCEEDED


def test_the_sweeper_runs_every_minute_and_jobs_stop_before_the_broker_redelivers():
    from django.conf import settings

    entry = settings.WORKER_BEAT_SCHEDULE["report-jobs-sweep-dead"]
    assert entry["task"] == "reports.jobs_sweep_dead" and entry["schedule"].minute == set(range(60))
    task = celery_app.tasks["reports.job_run"]
    assert task.acks_late and task.reject_on_worker_lost
    assert task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] <= 2


@pytest.mark.django_db(transaction=True)
def test_a_long_render_that_reports_no_progress_keeps_its_heartbeat_and_is_not_swept(world, settings, monkeypatch):
    """The year-end PDF is one long WeasyPrint call: the heartbeat thread, not progress, keeps it alive."""
    import time

    from reports import registry
    from reports.services import job_run, jobs_sweep_dead

    settings.REPORT_JOB_HEARTBEAT_SECONDS = 1
    settings.REPORT_JOB_STALE_SECONDS = 2
    seen = {}

    def render(job, report):
        time.sleep(3.5)  # silent: no progress reported
        seen["swept"] = jobs_sweep_dead()
        job.refresh_from_db()
        seen["status"] = job.status
        return b"done", "slow.txt"

    spec = registry.JobSpec(
        clean_params=lambda office, params: {}, fingerprint=lambda office, params: "x",
        render=render, describe=lambda job: "slow",
    )
    monkeypatch.setitem(registry.JOB_SPECS, "test_slow", spec)
    job = Job.objects.create(kind="test_slow", office=world["county_a"], params={}, params_key="k")

    job = job_run(job_id=job.pk, worker="celery@alive")

    assert seen == {"swept": 0, "status": JobStatus.RUNNING}
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.worker == "celery@alive"
    assert job.heartbeat_at > job.started_at
