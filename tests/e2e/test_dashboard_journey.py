"""The director opens the dashboard, sees the charts drawn (SVG), and drills down zone → school →
ticket; on a phone the page has no horizontal scroll."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.reports.dashboard.factories import year_of_data
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_director_drills_from_the_dashboard_to_a_ticket(world, new_page):
    data = year_of_data(world)
    errors = []
    page = new_page(1280, 900)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, world["director_a"].username, PASSWORD)
    page.goto(reverse("dashboard:dashboard") + f"?year={data['year']}")
    for chart in ("coverage", "trend", "items", "severity", "groups", "escalations"):
        expect(page.get_by_test_id(f"chart-{chart}").locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("kpi-visits").get_by_test_id("kpi-value")).to_contain_text("5")
    page.screenshot(path="/tmp/dashboard-e2e-desktop.png", full_page=True)

    page.get_by_test_id("group-table").get_by_role("link", name=world["zone_a1"].name).click()
    expect(page.get_by_test_id("zone-name")).to_contain_text(world["zone_a1"].name)
    page.get_by_test_id("school-table").get_by_role("link", name=world["schools"]["a2"].name).click()
    expect(page.get_by_test_id("school-name")).to_have_text(world["schools"]["a2"].name)
    expect(page.get_by_test_id("ticket-link")).to_have_count(2)
    page.get_by_test_id("ticket-link").first.click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("已销号")
    assert page.url.endswith(reverse("inspections:ticket_detail", args=[data["t_late"].pk]))
    assert errors == []

    phone = new_page(375, 780)
    login(phone, world["director_a"].username, PASSWORD)
    phone.goto(reverse("dashboard:dashboard") + f"?year={data['year']}")
    expect(phone.get_by_test_id("chart-trend").locator("svg")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path="/tmp/dashboard-e2e-phone.png", full_page=True)
