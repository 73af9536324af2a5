"""The campaign report files made by a real Celery worker over Redis (the report-job registry)."""
import io
import subprocess
import time

import pytest
from openpyxl import load_workbook

from inspections.campaigns.report_files import PDF_KIND, XLSX_KIND
from reports.choices import JobStatus
from reports.services import job_start

from .factories import campaign_made, special_visit_filled

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def finished(job, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job.pk} still {job.status}")


def test_worker_makes_the_campaign_report_in_excel_and_pdf(world, celery_worker):
    campaign = campaign_made(world, schools=("a1", "a3"))
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    params = {"campaign": campaign.pk}
    xlsx = finished(job_start(kind=XLSX_KIND, office=world["county_a"], params=params, user=world["admin_a"]))
    pdf = finished(job_start(kind=PDF_KIND, office=world["county_a"], params=params, user=world["director_a"]))
    assert (xlsx.status, pdf.status) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED), (xlsx.error, pdf.error)
    wb = load_workbook(io.BytesIO(xlsx.result.read()))
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(values_only=True) if r and r[0]}
    assert (summary["名单学校数"], summary["已督导学校数"], summary["发现问题数"]) == (2, 1, 1)
    text = subprocess.run(["pdftotext", pdf.result.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "专项问题1" in text
    # Unchanged data: pressing again returns the same file.
    assert job_start(kind=PDF_KIND, office=world["county_a"], params=params, user=world["admin_a"]).pk == pdf.pk
