"""The address printed on QR posters and in e-mails: SITE_URL when it is set, otherwise the address
the page was opened with (kept in a job's parameters for the worker); a loopback address is warned of."""
from pathlib import Path

import pytest
from django.urls import reverse

from inspections.models import Ticket
from reports.choices import JobKind
from reports.models import Job
from reports.services import job_run
from tests import factories as f
from tests.inspections.evidence_files import image_bytes, upload
from tests.reports.pdf_tools import pdf_links, pdf_text
from tests.inspections.surveys.factories import survey_published

pytestmark = pytest.mark.django_db

LAN = "10.1.2.3:8000"


@pytest.fixture(autouse=True)
def site_url_unset(settings):
    """SITE_URL not in the environment (./run.sh), the LAN address allowed as a host."""
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.1.2.3"]


def _pdf(content: bytes, tmp_path) -> Path:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return path


def test_a_poster_printed_from_the_lan_address_points_its_qr_code_there(client, world, tmp_path):
    school = world["schools"]["a1"]
    client.force_login(world["admin_a"])

    poster = _pdf(client.get(reverse("schools:plaque_poster", args=[school.code]), HTTP_HOST=LAN).content, tmp_path)

    target = f"http://{LAN}" + reverse("schools:plaque", args=[school.code])
    assert target in pdf_text(poster) and target in pdf_links(poster)
    assert "127.0.0.1" not in pdf_text(poster)


def test_a_set_site_url_wins_over_the_address_the_page_was_opened_with(client, world, settings, tmp_path):
    settings.SITE_URL = "https://duxue.liuhe.example.cn"
    school = world["schools"]["a1"]
    client.force_login(world["admin_a"])

    poster = _pdf(client.get(reverse("schools:plaque_poster", args=[school.code]), HTTP_HOST=LAN).content, tmp_path)

    assert set(pdf_links(poster)) == {"https://duxue.liuhe.example.cn" + reverse("schools:plaque", args=[school.code])}


def test_the_plaques_job_keeps_the_starting_pages_address_for_the_worker(client, world, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    client.force_login(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=False):  # nothing runs inside the request
        client.post(reverse("reports:plaques_start"), {"office": world["county_a"].pk}, HTTP_HOST=LAN)
    job = Job.objects.get(kind=JobKind.PLAQUES)
    assert job.params["site"] == f"http://{LAN}"

    job_run(job_id=job.pk)  # as the worker does, far from any request

    job.refresh_from_db()
    links = pdf_links(Path(job.result.path))
    assert f"http://{LAN}" + reverse("schools:plaque", args=[world["schools"]["a1"].code]) in links
    assert all(link.startswith(f"http://{LAN}/") for link in links)


def test_the_api_starts_a_plaques_job_with_the_address_it_was_called_at(world, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=False):
        started = api.post("/api/v1/report-jobs/", {"kind": "plaques", "office": world["county_a"].pk},
                           format="json", HTTP_HOST=LAN)
    assert started.status_code == 201, started.content
    assert started.json()["params"]["site"] == f"http://{LAN}"


def test_survey_link_page_poster_and_posters_job_print_the_lan_address(client, world, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    survey = survey_published(office=world["county_a"], schools=[world["schools"]["a1"]])
    link = survey.links.get()
    target = f"http://{LAN}" + link.path
    client.force_login(world["admin_a"])

    page = client.get(reverse("surveys:link", args=[survey.pk, link.pk]), HTTP_HOST=LAN).content.decode()
    poster = _pdf(client.get(reverse("surveys:link_poster", args=[survey.pk, link.pk]), HTTP_HOST=LAN).content,
                  tmp_path)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("surveys:posters", args=[survey.pk]), HTTP_HOST=LAN)
    job = Job.objects.get()
    job_run(job_id=job.pk)
    job.refresh_from_db()

    assert target in page
    assert target in pdf_text(poster)
    assert target in pdf_text(Path(job.result.path))


def test_the_e_mail_of_a_report_submitted_from_the_lan_links_there(client, world, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    supervisor = world["sup_a1"].user
    supervisor.email = "wang@example.cn"
    supervisor.save(update_fields=["email"])
    visit = f.visit_filled(user=supervisor, school=world["schools"]["a1"], problems=1)
    ticket = Ticket.objects.filter(problem__visit=visit).get()
    client.force_login(world["school_user_a1"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspections:ticket_report", args=[ticket.pk]), {
            "version": ticket.version, "text": "已清理消防通道。", "do": "submit",
            "files": [upload("整改后.png", image_bytes("PNG"), "image/png")],
        }, HTTP_HOST=LAN)

    (mail,) = [m for m in mailoutbox if m.to == ["wang@example.cn"]]
    assert f"http://{LAN}/inspections/" in mail.body and "127.0.0.1" not in mail.body


WARNING = "家长的手机无法访问"


def test_the_office_overview_warns_when_posters_would_point_at_this_machine(client, world, settings):
    client.force_login(world["admin_a"])
    overview = reverse("office_overview")

    assert WARNING in client.get(overview, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert WARNING in client.get(overview, HTTP_HOST="localhost:8000").content.decode()
    assert WARNING not in client.get(overview, HTTP_HOST=LAN).content.decode()
    settings.SITE_URL = "http://[::1]:8000"
    assert WARNING in client.get(overview, HTTP_HOST=LAN).content.decode()
    settings.SITE_URL = "https://duxue.liuhe.example.cn"
    assert WARNING not in client.get(overview, HTTP_HOST="127.0.0.1:8000").content.decode()


def test_the_pages_that_print_posters_warn_of_a_loopback_address(client, world):
    survey = survey_published(office=world["county_a"], schools=[world["schools"]["a1"]])
    link = survey.links.get()
    client.force_login(world["admin_a"])
    pages = [
        reverse("zone_detail", args=[world["zone_a1"].pk]),
        reverse("schools:detail", args=[world["schools"]["a1"].pk]),
        reverse("surveys:detail", args=[survey.pk]),
        reverse("surveys:link", args=[survey.pk, link.pk]),
    ]
    for page in pages:
        assert WARNING in client.get(page, HTTP_HOST="127.0.0.1:8000").content.decode(), page
        assert WARNING not in client.get(page, HTTP_HOST=LAN).content.decode(), page
