"""The analysis report PDF through the report-job registry and a real Celery worker."""
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.surveys.report import REPORT_KIND
from reports.models import Job
from reports.services import job_start
from tests.reports.pdf_tools import pdf_text

from .factories import respond, small_survey


def _wait(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job.pk} still {job.status}")


def _answered(world):
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    survey = small_survey(office=world["county_a"], schools=[a1, a2])
    for level in (0, 1, 3):
        respond(survey.links.get(school=a1), level=level, text="希望增加体育活动时间" if level == 3 else "")
    respond(survey.links.get(school=a2), level=0)
    return survey


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_district_report_lists_counts_and_satisfaction_per_school_and_question(world, media_root, client):
    survey = _answered(world)
    client.force_login(world["admin_a"])
    page = client.post(reverse("surveys:report", args=[survey.pk]))
    job = Job.objects.get(kind=REPORT_KIND)
    assert page.url == reverse("reports:job_detail", args=[job.pk])
    job = _wait(job)
    assert job.status == "succeeded", job.error
    text = pdf_text(Path(job.result.path))
    assert "食堂满意度调查" in text and "分析报告" in text
    assert "共回收有效问卷4份" in text and "涉及学校(幼儿园)2所" in text
    assert "总体满意度为75.0%" in text
    assert "柳河县第一小学" in text and "66.7%" in text and "100.0%" in text
    assert "您对食堂是否满意？" in text and "希望增加体育活动时间" in text
    assert "柳河县人民政府教育督导室" in text
    assert "—1—" in text  # official page number
    assert "<svg" not in text


@pytest.mark.django_db
def test_a_school_report_covers_that_school_only(world, tmp_path):
    from inspections.surveys.report import report_pdf

    survey = _answered(world)
    path = tmp_path / "r.pdf"
    path.write_bytes(report_pdf(survey, school_id=world["schools"]["a2"].pk))
    text = pdf_text(path)
    assert "（柳河县第二中学）" in text and "共回收有效问卷1份" in text
    assert "柳河县第一小学" not in text


@pytest.mark.django_db
def test_no_report_before_any_answer_and_not_for_another_office(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    with pytest.raises(ValidationError, match="还没有答卷"):
        job_start(kind=REPORT_KIND, office=world["county_a"], params={"survey": survey.pk}, user=world["admin_a"])
    with pytest.raises(ValidationError, match="不属于"):
        job_start(kind=REPORT_KIND, office=world["county_b"], params={"survey": survey.pk}, user=world["admin_b"])


@pytest.mark.django_db
def test_all_posters_of_a_survey_print_one_page_per_school_and_audience(world, client, tmp_path):
    from inspections.surveys.poster import link_posters_pdf
    from inspections.surveys.report import POSTERS_KIND
    from tests.reports.pdf_tools import pdf_page_texts

    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"], world["schools"]["a4"]],
                          audiences=["parent", "teacher"])
    client.force_login(world["director_a"])
    page = client.post(reverse("surveys:posters", args=[survey.pk]))
    job = Job.objects.get(kind=POSTERS_KIND)
    assert page.url == reverse("reports:job_detail", args=[job.pk]) and job.params == {"survey": survey.pk, "site": "http://testserver"}
    path = tmp_path / "posters.pdf"
    path.write_bytes(link_posters_pdf(survey.links.select_related("school", "survey", "survey__office").order_by("school__code", "audience")))
    pages = pdf_page_texts(path)
    assert len(pages) == 4
    assert sum("柳河县实验幼儿园" in p and "教师问卷" in p for p in pages) == 1
    assert all(link.token in "".join(pages) for link in survey.links.all())
    client.force_login(world["city_viewer"])
    assert client.post(reverse("surveys:posters", args=[survey.pk])).status_code == 404
