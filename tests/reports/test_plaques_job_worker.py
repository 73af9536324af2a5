"""The "print all plaques" job through a real Celery worker over Redis (see conftest.py)."""
import time
from pathlib import Path

import pytest

from reports.choices import JobKind, JobStatus
from reports.models import Job
from reports.services import job_start
from supervision.celery import app as celery_app
from tests import factories as f

from .pdf_tools import pdf_page_texts, pdf_pages

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _wait_until_finished(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job.pk} still {job.status} at {job.progress}% after {timeout} s")


def test_worker_prints_one_plaque_page_per_active_school_of_the_office(world, media_root):
    f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"], name="已撤并的小学", is_active=False)
    assert celery_app.conf.task_always_eager is False

    job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    # Rendering takes a while, so the second press finds the first job still queued or running.
    again = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None}, user=world["director_a"])

    assert again.pk == job.pk
    job = _wait_until_finished(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress == 100
    assert job.attempts == 1
    pdf = Path(job.result.path)
    assert pdf.is_relative_to(media_root)
    active = ["柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学", "柳河县实验幼儿园"]
    assert pdf_pages(pdf) == len(active)
    pages = pdf_page_texts(pdf)
    for name in active:
        assert sum(name in page for page in pages) == 1, name
    assert not any("已撤并的小学" in page for page in pages)
    assert not any("辉南县第一小学" in page for page in pages)  # another county's school
    # Done and unchanged: pressing again returns the finished job instead of printing anew.
    assert job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"]).pk == job.pk
    assert Job.objects.count() == 1


def test_worker_prints_only_the_schools_of_one_zone(world):
    job = job_start(
        kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": world["zone_a1"].pk}, user=world["admin_a"]
    )

    job = _wait_until_finished(job)

    assert job.status == JobStatus.SUCCEEDED, job.error
    pages = pdf_page_texts(Path(job.result.path))
    assert len(pages) == 2
    assert "柳河县第一小学" in pages[0] + pages[1] and "柳河县第二中学" in pages[0] + pages[1]
    assert all("王督学" in page for page in pages)


def test_worker_retries_a_failing_job_three_times_then_marks_it_failed(world, unwritable_media_root):
    job = job_start(
        kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": world["zone_a2"].pk}, user=world["admin_a"]
    )

    job = _wait_until_finished(job)
    assert job.status == JobStatus.FAILED
    assert job.attempts == 4  # the first run and three retries with backoff
    assert job.error.startswith("第 4 次尝试失败，已停止重试。NotADirectoryError")
    assert not job.result
