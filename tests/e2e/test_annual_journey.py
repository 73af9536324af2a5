"""Issue 5 (part 2): in December the lead supervisor opens the zone's drafted year-end summary on a
phone, mistypes a figure's name (told in Chinese, nothing lost), fixes it, saves, and prints the PDF;
the director finds it and downloads it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.annual.models import AnnualSummary
from supervision import clock
from tests import factories as f
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_zone_lead_edits_and_prints_the_zone_summary_on_a_phone(world, new_page):
    today = clock.today()
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], date=today, problems=1,
                   co_supervisors=[world["sup_a2"]])
    page = new_page(375, 780)
    login(page, world["sup_a1"].user.username, PASSWORD)

    page.goto(reverse("annual:index"))
    page.get_by_test_id("led-zones").get_by_role("link").first.click()
    expect(page.get_by_test_id("summary-title")).to_contain_text("城区第一责任区")
    expect(page.get_by_test_id("figures")).to_contain_text("2")  # the joint visit: 2 人次
    plan = page.locator("textarea[name=plan]")
    plan.fill("明年督导{人数}人次以上。")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_test_id("block-error")).to_contain_text("未知的数据占位符:{人数}")
    expect(plan).to_have_value("明年督导{人数}人次以上。")
    assert not AnnualSummary.objects.exists()
    plan.fill("今年入校督导{人次}人次,明年继续全覆盖。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-block=plan] [data-testid=preview]")).to_contain_text("今年入校督导2人次,明年继续全覆盖。")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.get_by_test_id("pdf-start").click()
    expect(page.get_by_test_id("job-download")).to_be_visible(timeout=60_000)
    page.screenshot(path="/tmp/annual-journey-phone.png", full_page=True)

    director = new_page()
    login(director, world["director_a"].username, PASSWORD)
    director.goto(reverse("annual:zone_summary", args=[world["county_a"].pk, today.year, world["zone_a1"].pk]))
    with director.expect_download() as download:
        director.get_by_test_id("pdf-download").click()
    assert download.value.suggested_filename == f"城区第一责任区{today.year}年度工作总结.pdf"
