"""The zone Excel made by a real Celery worker over Redis (see tests/celery_fixtures.py)."""
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.choices import JobStatus
from reports.monthly import jobs, services
from reports.services import job_start
from tests.reports.test_plaques_job_worker import _wait_until_finished

from .factories import MONTH, YEAR, day, visit

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_worker_makes_the_zone_excel_of_the_filed_report(world, celery_worker):
    visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=2)
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    report = services.zone_monthly_report_file(report=report, user=world["sup_a1"].user)

    job = _wait_until_finished(job_start(kind=jobs.ZONE_KIND, office=world["county_a"], params={"report": report.pk}, user=world["sup_a1"].user))

    assert job.status == JobStatus.SUCCEEDED, job.error
    ws = load_workbook(Path(job.result.path)).active
    assert ws["A1"].value == "责任督学挂牌督导问题管理月报表"
    assert ws["B6"].value == "柳河县第一小学"
    assert "发现问题2个" in ws.cell(row=ws.max_row, column=1).value


def test_worker_builds_the_draft_asked_for(world, celery_worker):
    from reports.monthly.tasks import zone_monthly_report_build_task

    report_id = zone_monthly_report_build_task.delay(world["zone_a2"].pk, YEAR, MONTH).get(timeout=60)

    assert services.ZoneMonthlyReport.objects.get(pk=report_id).data["zone"] == "乡镇第一责任区"
