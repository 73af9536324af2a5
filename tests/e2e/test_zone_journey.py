"""The foundation journey: an admin draws a zone; its supervisor and a school user see exactly their schools."""
import re

import pytest
from playwright.sync_api import expect

from supervision import clock
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_draws_a_zone_and_its_supervisor_sees_exactly_those_schools(world, new_page):
    a3, a4, b1 = world["schools"]["a3"], world["schools"]["a4"], world["schools"]["b1"]

    # The office admin creates a zone …
    page = new_page()
    login(page, "admin_a", PASSWORD)
    page.goto("/zones/")
    page.get_by_role("button", name="新建责任区").click()
    page.fill("#id_name", "城区第二责任区")
    page.select_option("#id_category", "single_stage")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("heading", name="城区第二责任区")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("已创建责任区")

    # … ticks two schools of the office (one from another zone, one not yet in a zone) …
    form = page.get_by_test_id("assign-schools-form")
    page.fill("#candidate-filter", "三源浦")
    expect(form.locator("label", has_text="柳河县实验幼儿园")).to_be_hidden()
    page.fill("#candidate-filter", "")
    form.locator("label", has_text=a3.name).locator("input").check()
    form.locator("label", has_text=a4.name).locator("input").check()
    # The change took effect at the start of the month (it is entered a few days late).
    since = clock.today().replace(day=1)
    form.locator("input[name=on]").fill(since.isoformat())
    form.get_by_role("button", name="划入所选学校").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已将 2 所学校划入责任区(自 {since.isoformat()} 起)")
    expect(page.get_by_test_id("zone-school")).to_have_count(2)

    # … and assigns a part-time supervisor as lead.
    sup_form = page.get_by_test_id("supervisors-form")
    sup_form.get_by_label("李督学", exact=True).check()
    sup_form.get_by_label("设李督学为组长").check()
    sup_form.get_by_role("button", name="保存责任督学").click()
    expect(page.locator(".alert-success")).to_contain_text("责任督学已更新")
    page.screenshot(path="/tmp/e2e-zone-detail.png", full_page=True)

    # The moved school's page keeps its history: its old zone until the day before, the new one since.
    page.goto(f"/schools/{a3.pk}/")
    history = page.get_by_test_id("history-row")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("乡镇第一责任区")
    expect(history.nth(1)).to_contain_text(f"{since.isoformat()} — 至今")
    expect(history.nth(1)).to_contain_text("城区第二责任区")

    # The supervisor, on a phone, sees exactly those two schools.
    phone = new_page(375, 740)
    login(phone, world["sup_a2"].user.username, PASSWORD)
    expect(phone).to_have_url(re.compile(r"/my/$"))
    schools = phone.get_by_test_id("my-school")
    expect(schools).to_have_count(2)
    expect(schools.filter(has_text=a3.name)).to_have_count(1)
    expect(schools.filter(has_text=a4.name)).to_have_count(1)
    phone.screenshot(path="/tmp/e2e-supervisor-home.png", full_page=True)
    # A school outside their zones answers 404, even by URL.
    response = phone.goto(f"/schools/{b1.pk}/")
    assert response.status == 404

    # The other supervisor no longer has the moved school.
    other = new_page(375, 740)
    login(other, world["sup_a1"].user.username, PASSWORD)
    expect(other.get_by_test_id("my-school")).to_have_count(2)
    expect(other.get_by_test_id("my-school").filter(has_text=a3.name)).to_have_count(0)


def test_school_user_sees_only_their_own_school(world, new_page):
    page = new_page(375, 740)
    login(page, "school_a1", PASSWORD)
    expect(page.get_by_test_id("school-name")).to_have_text("柳河县第一小学")
    expect(page.get_by_test_id("school-supervisor")).to_contain_text("王督学")
    page.goto("/schools/")
    expect(page.get_by_test_id("school-row")).to_have_count(1)
    for other in ("a2", "b1"):
        assert page.goto(f"/schools/{world['schools'][other].pk}/").status == 404
    assert page.goto("/zones/").status == 200
    expect(page.get_by_test_id("zone-row")).to_have_count(0)
