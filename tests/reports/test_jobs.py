"""Report jobs in-process (eager Celery, the development default): start, idempotency, pages, access."""
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from reports.choices import JobKind, JobStatus
from reports.models import Job
from reports.services import job_run, job_start
from supervision.models import OutboxMessage
from supervision.services import zone_set_supervisors
from tests import factories as f
from tests.celery_fixtures import celery_configured

from .pdf_tools import pdf_page_texts, pdf_pages

pytestmark = pytest.mark.django_db

START = reverse("reports:plaques_start")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what services enqueue after commit (the eager task runs inside)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _start(world, run_on_commit, **params):
    job = run_on_commit(job_start, kind=JobKind.PLAQUES, office=world["county_a"], params=params, user=world["admin_a"])
    job.refresh_from_db()
    return job


def _post_start(client, user, data):
    client.force_login(user)
    return client.post(START, data)


# --- Starting ------------------------------------------------------------------------------------


def test_admin_presses_print_all_plaques_and_lands_on_the_finished_job(client, world, run_on_commit):
    response = run_on_commit(_post_start, client, world["admin_a"], {"office": world["county_a"].pk})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job_detail", args=[job.pk])
    assert (job.kind, job.office, job.created_by, job.params) == (
        JobKind.PLAQUES, world["county_a"], world["admin_a"], {"zone": None, "site": "http://testserver"}
    )
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.finished_at
    pdf = Path(job.result.path)
    assert pdf_pages(pdf) == 4
    texts = pdf_page_texts(pdf)
    for name in ("柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学", "柳河县实验幼儿园"):
        assert any(name in text for text in texts), name


def test_director_may_print_a_single_zone(client, world, run_on_commit):
    response = run_on_commit(
        _post_start, client, world["director_a"], {"office": world["county_a"].pk, "zone": world["zone_a2"].pk}
    )

    job = Job.objects.get()
    assert response.status_code == 302
    assert job.params == {"zone": world["zone_a2"].pk, "site": "http://testserver"}
    texts = pdf_page_texts(Path(job.result.path))
    assert len(texts) == 1 and "三源浦镇中心小学" in texts[0] and "李督学" in texts[0]


def test_zone_of_another_office_is_refused_with_a_chinese_message(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        START,
        {"office": world["county_a"].pk, "zone": world["zone_b1"].pk},
        HTTP_REFERER="http://testserver/zones/",
        follow=True,
    )

    assert not Job.objects.exists()
    assert "所选责任区不属于柳河县人民政府教育督导室。" in response.content.decode()
    assert response.redirect_chain[0][0] == "http://testserver/zones/"


def test_service_refuses_unknown_parameters_and_an_office_without_schools(world):
    with pytest.raises(ValidationError, match="未知的参数"):
        job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={"year": 2025}, user=world["admin_a"])
    with pytest.raises(ValidationError, match="责任区参数无效"):
        job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": "abc"}, user=world["admin_a"])
    with pytest.raises(ValidationError, match="没有可打印的在办学校"):
        job_start(kind=JobKind.PLAQUES, office=world["city"], params={}, user=world["admin_a"])
    assert not Job.objects.exists()


@pytest.mark.parametrize("who", ["city_viewer", "province_viewer", "admin_b", "school_user_a1", "supervisor"])
def test_only_admins_and_directors_of_the_office_can_start_printing(client, world, who):
    user = world["sup_a1"].user if who == "supervisor" else world[who]

    response = _post_start(client, user, {"office": world["county_a"].pk})

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_starting_needs_a_login_a_post_and_a_real_office(client, world):
    assert client.post(START, {"office": world["county_a"].pk}).status_code == 302  # to the login page
    client.force_login(world["admin_a"])
    assert client.get(START, {"office": world["county_a"].pk}).status_code == 405
    assert client.post(START, {"office": "abc"}).status_code == 404
    assert client.post(START, {"office": 999999}).status_code == 404
    assert not Job.objects.exists()


# --- Idempotency -----------------------------------------------------------------------------------


def test_pressing_twice_while_queued_gives_one_job(world):
    # Without running the on-commit callbacks the first job stays queued.
    first = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    second = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": ""}, user=world["director_a"])
    other_zone = job_start(
        kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": world["zone_a1"].pk}, user=world["admin_a"]
    )

    assert first.status == JobStatus.QUEUED
    assert second.pk == first.pk
    assert other_zone.pk != first.pk
    assert Job.objects.count() == 2


def test_a_finished_job_is_reused_until_the_plaque_data_changes(world, run_on_commit):
    first = _start(world, run_on_commit)
    assert _start(world, run_on_commit).pk == first.pk

    school = world["schools"]["a1"]
    school.name = "柳河县第一实验小学"
    school.save()
    renamed = _start(world, run_on_commit)

    assert renamed.pk != first.pk
    assert any("柳河县第一实验小学" in text for text in pdf_page_texts(Path(renamed.result.path)))
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a2"])
    assert _start(world, run_on_commit).pk not in (first.pk, renamed.pk)


# --- Failure and retries ---------------------------------------------------------------------------


def test_in_development_a_failing_job_ends_failed_instead_of_waiting_forever(
    client, world, unwritable_media_root, run_on_commit
):
    # Eager Celery does not retry; retries through a real worker: test_plaques_job_worker.py.
    response = run_on_commit(_post_start, client, world["admin_a"], {"office": world["county_a"].pk})

    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.FAILED and job.finished_at
    assert "NotADirectoryError" in job.error
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "生成失败" in page and "重新生成" in page and "hx-trigger" not in page
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    # Safe to run twice: a failed job is left as it is.
    assert job_run(job_id=job.pk).attempts == job.attempts


def test_a_job_asked_for_while_the_queue_is_down_waits_and_runs_when_it_is_back(
    client, world, celery_broker_down, run_on_commit
):
    response = run_on_commit(_post_start, client, world["admin_a"], {"office": world["county_a"].pk})

    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.QUEUED and job.attempts == 0 and not job.error
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "任务已记录并排队，任务服务恢复后将自动开始生成" in page
    assert OutboxMessage.objects.get().sent_at is None

    with celery_configured(task_always_eager=True):  # the queue is back (in-process here)
        call_command("outbox_drain", stdout=StringIO())

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "任务服务暂时不可用" not in page and "下载" in page


def test_after_a_failure_pressing_again_starts_a_new_job(world, run_on_commit):
    failed = Job.objects.create(
        kind=JobKind.PLAQUES, office=world["county_a"], params={"zone": None},
        params_key="", status=JobStatus.FAILED, error="boom",
    )
    job = _start(world, run_on_commit)
    assert job.pk != failed.pk and job.status == JobStatus.SUCCEEDED


# --- Watching and downloading ----------------------------------------------------------------------


def test_job_page_polls_every_second_while_the_job_is_queued(client, world):
    job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    client.force_login(world["director_a"])

    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    partial = client.get(reverse("reports:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' in page and "排队中" in page and "<html" in page
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    assert 'aria-valuenow="0"' in partial


def test_finished_job_stops_polling_and_offers_the_download(client, world, run_on_commit):
    job = _start(world, run_on_commit)
    client.force_login(world["city_viewer"])

    partial = client.get(reverse("reports:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    download = client.get(reverse("reports:job_download", args=[job.pk]))

    assert "hx-trigger" not in partial
    assert 'aria-valuenow="100"' in partial and reverse("reports:job_download", args=[job.pk]) in partial
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == Path(job.result.path).read_bytes()


@pytest.mark.parametrize("who", ["admin_a", "director_a", "city_viewer", "province_viewer"])
def test_office_staff_and_higher_offices_can_see_and_download_the_job(client, world, run_on_commit, who):
    job = _start(world, run_on_commit)
    client.force_login(world[who])

    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 200
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("who", ["admin_b", "school_user_a1", "supervisor"])
def test_other_offices_schools_and_supervisors_get_404_for_the_job(client, world, run_on_commit, who):
    job = _start(world, run_on_commit)
    client.force_login(world["sup_a1"].user if who == "supervisor" else world[who])

    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login_and_the_file_is_not_under_a_public_url(
    client, world, run_on_commit, settings
):
    job = _start(world, run_on_commit)

    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 302
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 302
    assert client.get(settings.MEDIA_URL + job.result.name).status_code == 404


def test_download_of_an_unfinished_job_is_404(client, world):
    job = job_start(kind=JobKind.PLAQUES, office=world["county_a"], params={}, user=world["admin_a"])
    client.force_login(world["admin_a"])

    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_an_extra_school_adds_a_page(world, run_on_commit):
    f.SchoolFactory(office=world["county_a"], zone=world["zone_a2"], name="红石镇中心小学")

    job = _start(world, run_on_commit)

    assert pdf_pages(Path(job.result.path)) == 5
