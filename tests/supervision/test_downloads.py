"""File downloads take the API's credentials: a script with ``Authorization: Token <key>`` fetches a
job's file, a 报送 package, ticket evidence or an export with the page's permission checks; without
credentials the browser goes to the login page, with a bad token the answer is 401."""
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from inspections.tickets import services as ticket_services
from inspections.models import Evidence, Ticket
from reports import submissions
from reports.models import Job
from supervision.accounts.services import token_create
from tests import factories as f
from tests.inspections.evidence_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

BAD_TOKEN = "Token 0123456789abcdef0123456789abcdef01234567"


def with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(owner=user)[1]}")
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_refused_without_good_credentials(url: str) -> None:
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION=BAD_TOKEN)
    refused = bad.get(url)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json()["detail"] == "认证令牌无效。"


def test_a_script_starts_a_report_job_and_downloads_its_file_with_the_api_token(world, django_capture_on_commit_callbacks):
    script = with_token(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=True):
        started = script.post("/api/v1/report-jobs/", {"kind": "plaques", "office": world["county_a"].pk}, format="json")
    job = script.get(f"/api/v1/report-jobs/{started.json()['id']}/").json()

    download = script.get(job["download_url"])

    assert download.status_code == 200, download.content
    assert download["Content-Type"] == "application/pdf"
    assert body(download) == Path(Job.objects.get(pk=job["id"]).result.path).read_bytes()
    assert with_token(world["admin_b"]).get(job["download_url"]).status_code == 404
    assert with_token(world["school_user_a1"]).get(job["download_url"]).status_code == 404
    assert_refused_without_good_credentials(job["download_url"])


def test_the_city_downloads_a_counties_submission_package_with_its_token(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submissions.submission_start(
            office=world["county_a"], params={"period": "year", "year": 2025, "month": None}, user=world["admin_a"]
        )
    url = reverse("reports:job_download", args=[submission.job_id])

    download = with_token(world["city_viewer"]).get(url)

    assert download.status_code == 200, download.content
    assert zipfile.ZipFile(io.BytesIO(body(download))).namelist()
    assert with_token(world["admin_b"]).get(url).status_code == 404
    assert_refused_without_good_credentials(url)


def test_ticket_evidence_downloads_with_a_token_for_whoever_sees_the_ticket(world):
    visit = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    ticket = Ticket.objects.filter(problem__visit=visit).get()
    ticket_services.ticket_report_save(
        ticket=ticket, actor=world["school_user_a1"], text="已整改。",
        uploads=[upload("整改报告.pdf", pdf_bytes(), "application/pdf")], submit=True,  # a draft is the school's alone
    )
    url = reverse("inspections:evidence_download", args=[Evidence.objects.get().pk])

    for who in ("school_user_a1", "director_a"):
        download = with_token(world[who]).get(url)
        assert download.status_code == 200 and body(download).startswith(b"%PDF-")
    for outsider in (world["admin_b"], world["sup_b1"].user, f.school_user(world["schools"]["a2"])):
        assert with_token(outsider).get(url).status_code == 404
    assert_refused_without_good_credentials(url)


def test_the_roster_export_downloads_with_a_token_for_the_offices_admin_only(world):
    url = reverse("roster_export")

    download = with_token(world["admin_a"]).get(url)

    assert download.status_code == 200
    sheet_text = str([row for ws in load_workbook(io.BytesIO(body(download))) for row in ws.iter_rows(values_only=True)])
    assert "柳河县第一小学" in sheet_text and "辉南县第一小学" not in sheet_text
    assert with_token(world["school_user_a1"]).get(url).status_code == 404
    assert_refused_without_good_credentials(url)


def test_a_signed_in_browser_still_downloads_with_its_session(client, world):
    client.force_login(world["admin_a"])
    assert client.get(reverse("roster_export")).status_code == 200
