"""/api/v1/report-jobs/: a job's state and progress for whoever may see it; POST starts one like the
pages' buttons do, and a failed job is started again from its page."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports.choices import JobKind, JobStatus
from reports.models import Job
from reports.services import job_start

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_admin_starts_a_job_through_the_api_and_pressing_again_returns_the_same_job(world, django_capture_on_commit_callbacks):
    api = _api(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/report-jobs/", {"kind": "plaques", "office": world["county_a"].pk}, format="json")
    assert first.status_code == 201, first.content
    job = first.json()
    assert job["kind_label"] == "挂牌督导公示牌(批量打印)" and job["title"].startswith("挂牌督导公示牌")
    again = api.post("/api/v1/report-jobs/", {"kind": "plaques", "office": world["county_a"].pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == job["id"]
    done = api.get(f"/api/v1/report-jobs/{job['id']}/").json()
    assert done["status"] == "succeeded" and done["progress"] == 100
    assert done["download_url"].endswith(reverse("reports:job_download", args=[job["id"]]))


def test_an_unknown_kind_is_a_400_with_a_chinese_message(world):
    response = _api(world["admin_a"]).post("/api/v1/report-jobs/", {"kind": "fax", "office": world["county_a"].pk}, format="json")
    assert response.status_code == 400 and "未知的任务类型" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("who", ["city_viewer", "school_user_a1", "admin_b"])
def test_who_may_not_start_the_offices_jobs_starts_none(world, who):
    response = _api(world[who]).post("/api/v1/report-jobs/", {"kind": "plaques", "office": world["county_a"].pk}, format="json")
    assert response.status_code in (400, 404)  # an office outside the scope reads as not existing
    assert not Job.objects.exists()


def test_the_job_list_shows_the_offices_jobs_to_its_staff_and_higher_offices_only(world, django_assert_num_queries):
    for _ in range(3):
        Job.objects.create(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None}, params_key="x",
                           status=JobStatus.FAILED, created_by=world["admin_a"])
    assert len(_api(world["director_a"]).get("/api/v1/report-jobs/").json()["results"]) == 3
    assert len(_api(world["city_viewer"]).get("/api/v1/report-jobs/").json()["results"]) == 3
    assert _api(world["admin_b"]).get("/api/v1/report-jobs/").json()["results"] == []
    assert _api(world["school_user_a1"]).get("/api/v1/report-jobs/").json()["results"] == []
    api = _api(world["director_a"])
    api.get("/api/v1/report-jobs/")
    with django_assert_num_queries(2) as small:  # count and page, whatever the number of jobs
        api.get("/api/v1/report-jobs/")
    for _ in range(20):
        Job.objects.create(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None}, params_key="y",
                           status=JobStatus.FAILED, created_by=world["director_a"])
    with django_assert_num_queries(len(small.captured_queries)):
        api.get("/api/v1/report-jobs/")


def test_a_failed_job_is_started_again_from_its_page_and_the_failed_one_stays_on_record(
    client, world, django_capture_on_commit_callbacks
):
    failed = Job.objects.create(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None}, params_key="",
                                status=JobStatus.FAILED, error="boom", created_by=world["admin_a"])
    client.force_login(world["director_a"])
    page = client.get(reverse("reports:job_detail", args=[failed.pk])).content.decode()
    assert reverse("reports:job_restart", args=[failed.pk]) in page and "重新生成" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_restart", args=[failed.pk]))
    again = Job.objects.exclude(pk=failed.pk).get()
    assert response.url == reverse("reports:job_detail", args=[again.pk])
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED and again.params == {"zone": None, "site": "http://testserver"}
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED  # kept as it was


@pytest.mark.parametrize("who", ["city_viewer", "admin_b"])
def test_only_who_may_start_the_kind_may_restart_it(client, world, who):
    failed = Job.objects.create(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None}, params_key="",
                                status=JobStatus.FAILED, error="boom")
    client.force_login(world[who])
    assert client.post(reverse("reports:job_restart", args=[failed.pk])).status_code == 404
    assert Job.objects.count() == 1


def test_a_running_job_cannot_be_restarted(client, world):
    job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    client.force_login(world["admin_a"])
    assert client.post(reverse("reports:job_restart", args=[job.pk])).status_code == 404
