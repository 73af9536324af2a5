"""The year-end PDF made by a real Celery worker over Redis, from a year built like the demo's."""
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from inspections.demo.visits import demo_rectification_build, demo_year_build
from reports.annual.jobs import KIND
from reports.annual.selectors import annual_figures, default_until
from reports.choices import JobStatus
from reports.models import Job
from reports.services import job_start
from supervision.celery import app as celery_app
from tests.reports.pdf_tools import pdf_text
from tests.reports.test_plaques_job_worker import _wait_until_finished

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


DEMO_INSTANTS = ["2026-12-02 10:00", "2027-01-02 00:30", "2027-03-01 00:30", "2026-12-31 23:30"]


@pytest.mark.parametrize("instant", [pytest.param(i, marks=pytest.mark.now(i), id=i) for i in DEMO_INSTANTS])
def test_worker_prints_the_year_end_summary_of_a_demo_year(world, celery_worker, instant):
    """The demo's complete year (the last one) prints in full whatever the day the demo was built."""
    office, today = world["county_a"], timezone.localdate()
    year = today.year - 1
    demo_year_build(office=office, today=today)
    demo_rectification_build(office=office, today=today)
    assert celery_app.conf.task_always_eager is False

    job = job_start(kind=KIND, office=office, params={"year": year}, user=world["director_a"])
    job = _wait_until_finished(job)

    assert job.status == JobStatus.SUCCEEDED, job.error
    text = pdf_text(Path(job.result.path))
    fig = annual_figures(office=office, year=year, until=default_until(year))
    assert fig.until == dt.date(year, 12, 31)
    assert fig.school_visits > 20 and fig.problems_all > 0 and fig.monthly_visits.count(0) == 0
    assert f"入校督导共{fig.person_visits}人次,督导学校{fig.school_visits}校次" in text
    assert f"发现共有{fig.schools_with_problems}所学校存在问题{fig.problems}个" in text
    assert f"复查销号{fig.tickets_closed}个,整改率{fig.rectification_rate:g}%" in text
    # Same parameters, same data: the finished job is handed back, not printed again.
    again = job_start(kind=KIND, office=office, params={"year": str(year), "zone": ""}, user=world["admin_a"])
    assert again.pk == job.pk and Job.objects.count() == 1


def test_worker_prints_a_zone_summary_started_by_its_lead(world, celery_worker):
    office, today = world["county_a"], timezone.localdate()
    demo_year_build(office=office, today=today)

    job = job_start(kind=KIND, office=office, params={"year": today.year, "zone": world["zone_a2"].pk},
                    user=world["sup_a2"].user)
    job = _wait_until_finished(job)

    assert job.status == JobStatus.SUCCEEDED, job.error
    text = pdf_text(Path(job.result.path))
    fig = annual_figures(office=office, year=today.year, zone=world["zone_a2"])
    assert f"乡镇第一责任区{today.year}年度工作总结" in text
    assert f"本责任区责任督学入校督导共{fig.person_visits}人次" in text
