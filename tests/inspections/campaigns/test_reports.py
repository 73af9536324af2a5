"""The campaign report files (Excel, PDF) opened and compared with the data; the year-end sentence."""
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.campaigns.report_files import PDF_KIND, XLSX_KIND, campaign_report_pdf, campaign_report_xlsx
from inspections.models.choices import TicketStatus
from inspections.models import Ticket
from reports.annual.contributions import contributions_for
from reports.models import Job
from supervision import clock

from .factories import campaign_made, special_visit_filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    campaign = campaign_made(world, schools=("a1", "a2", "a3"), team=("sup_a1", "sup_a2"))
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=2)
    special_visit_filled(campaign, user=world["sup_a2"].user, school=world["schools"]["a2"], problems=1)
    # One ticket closed (销号) today, as the re-check would.
    Ticket.objects.filter(school=world["schools"]["a2"]).update(status=TicketStatus.CLOSED, closed_on=clock.today())
    return campaign


def test_excel_report_holds_the_figures_items_schools_and_tickets(campaign):
    wb = load_workbook(io.BytesIO(campaign_report_xlsx(campaign)))
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True) if row and row[0]}
    assert summary["名单学校数"] == 3 and summary["已督导学校数"] == 2
    assert summary["发现问题数"] == 3 and summary["整改通知数"] == 3 and summary["已销号"] == 1
    assert summary["整改率(%)"] == 33.3
    assert summary["S1"] == "作业管理"
    items = [r for r in wb["概况"].iter_rows(values_only=True) if r and r[0] in ("S1", "S2", "S3")]
    assert [(r[0], r[2]) for r in items] == [("S1", 2), ("S2", 1), ("S3", 0)]
    schools = list(wb["学校"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[4]) for r in schools] == [("柳河县第一小学", "是", 2), ("柳河县第二中学", "是", 1), ("三源浦镇中心小学", "否", 0)]
    tickets = list(wb["整改"].iter_rows(min_row=2, values_only=True))
    assert len(tickets) == 3
    assert sorted(r[6] for r in tickets) == ["已销号", "待整改", "待整改"]


def test_pdf_report_reads_as_an_official_document_with_the_figures(campaign, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(campaign_report_pdf(campaign))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "“双减”专项督导情况报告" in flat
    assert "名单学校3所，已督导2所，发现问题3个，下达整改通知3份，已整改销号1份，整改率33.3%。" in flat
    assert "柳河县第一小学" in flat and "专项问题1" in flat
    assert "—1—" in flat
    assert "柳河县人民政府教育督导室" in flat


def test_the_report_page_starts_the_excel_job_for_the_office_admin(client, world, campaign):
    client.force_login(world["admin_a"])
    page = client.get(reverse("campaigns:report", args=[campaign.pk])).content.decode()
    assert "33.3%" in page
    response = client.post(reverse("campaigns:report_start", args=[campaign.pk, XLSX_KIND]))
    job = Job.objects.get(kind=XLSX_KIND)
    assert response.status_code == 302 and response.url == reverse("reports:job_detail", args=[job.pk])
    assert job.params == {"campaign": campaign.pk}


@pytest.mark.parametrize("role", ["sup_a1", "admin_b", "school_user_a1"])
def test_others_cannot_open_the_report_or_start_its_files(client, world, campaign, role):
    user = getattr(world[role], "user", world[role])
    client.force_login(user)
    assert client.get(reverse("campaigns:report", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("campaigns:report_start", args=[campaign.pk, PDF_KIND])).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.now("2026-11-18 09:30")  # mid-year: the campaign, its visits and the close all fall in it
def test_year_end_sentence_counts_campaigns_schools_problems_and_rectified(world, campaign):
    year = clock.today().year
    other = campaign_made(world, topic="sports", schools=("a3",))
    special_visit_filled(other, user=world["sup_a1"].user, school=world["schools"]["a3"], problems=1)
    found = {c.key: c for c in contributions_for(office=world["county_a"], year=year)}["campaigns"]
    assert found.sentence == "开展“双减”“体育”等专项督导2次,抽查学校3所,发现问题4个,已整改1个。"
    assert found.figures == {"campaigns": 2, "schools": 3, "problems": 4, "rectified": 1}
    assert not [c for c in contributions_for(office=world["county_b"], year=year) if c.key == "campaigns"]
