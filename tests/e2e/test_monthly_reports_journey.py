"""The lead supervisor drafts and files this month's zone report on a phone; the director sees it
filed on the status page and downloads the zone's Excel."""
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests import factories as f
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_lead_files_the_zone_report_and_the_director_downloads_it(world, new_page):
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    errors = []

    lead = new_page(375, 780)
    lead.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(lead, world["sup_a1"].user.username, PASSWORD)
    lead.click(".navbar-toggler")
    lead.locator("#mainnav").get_by_role("button", name="报表", exact=True).click()
    lead.get_by_test_id("nav-monthly-report").click()
    expect(lead.get_by_test_id("no-report")).to_be_visible()
    lead.get_by_test_id("build").click()
    cards = lead.get_by_test_id("school-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("柳河县第一小学")
    expect(cards.nth(1)).to_contain_text("未督导")
    expect(lead.get_by_test_id("t-problems")).to_have_text("1")
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    lead.on("dialog", lambda dialog: dialog.accept())
    lead.get_by_test_id("file").click()
    expect(lead.get_by_test_id("filed-by")).to_contain_text("王督学")
    expect(lead.get_by_test_id("file")).to_have_count(0)

    director = new_page()
    login(director, world["director_a"].username, PASSWORD)
    director.goto(reverse("monthly_reports:status"))
    line = director.locator(f'[data-testid=zone-line][data-zone="{world["zone_a1"].pk}"]')
    expected = "已按时报送" if timezone.localdate().day <= 27 else "逾期报送"
    expect(line.get_by_test_id("state")).to_have_text(expected)
    expect(line).to_contain_text("王督学")
    line.get_by_test_id("zone-excel").click()
    download_button = director.get_by_test_id("job-download")
    expect(download_button).to_be_visible(timeout=30000)
    with director.expect_download() as info:
        download_button.click()
    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    assert ws["A1"].value == "责任督学挂牌督导问题管理月报表"
    assert ws["B6"].value == "柳河县第一小学"
    assert errors == []
