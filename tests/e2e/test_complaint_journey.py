"""Done when (issue 6, part 6): a parent on a 375 px phone opens a school's plaque page, submits a
complaint and gets a receipt code; the zone supervisor verifies it and turns it into a
rectification ticket; the parent checks the code and sees it is being handled."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models.choices import ProblemSource, TicketStatus
from inspections.complaints.models import Complaint
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINT_MIN_FILL_SECONDS = 0  # the robot check is tested in tests/inspections/complaints


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_parents_complaint_becomes_a_ticket_and_the_parent_sees_it_handled(world, new_page):
    school = world["schools"]["a1"]
    errors = []

    # The parent scans the plaque at the gate and reports the fee, leaving a phone number.
    parent = new_page(375, 780)
    parent.context.on("weberror", lambda error: errors.append(str(error.error)))
    parent.goto(reverse("schools:plaque", args=[school.code]))
    no_horizontal_scroll(parent)
    parent.get_by_test_id("plaque-complaint-link").click()
    expect(parent.get_by_test_id("complaint-school")).to_have_text(school.name)
    parent.select_option("#id_category", "fees")
    parent.fill("#id_text", "三年级每名学生被要求交300元资料费,没有收据,也没有说明用途。")
    parent.fill("#id_contact_phone", "13800001111")
    no_horizontal_scroll(parent)
    parent.screenshot(path="/tmp/complaint-form-phone.png", full_page=True)
    parent.get_by_role("button", name="提交").click()
    code = parent.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 10
    no_horizontal_scroll(parent)
    parent.screenshot(path="/tmp/complaint-receipt-phone.png", full_page=True)

    # The zone supervisor, on a phone, finds it under 举报投诉, verifies it and turns it into a ticket.
    sup = new_page(375, 780)
    sup.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(sup, world["sup_a1"].user.username, PASSWORD)
    sup.locator(".navbar-toggler").click()
    sup.locator("#mainnav").get_by_role("button", name="专项工作", exact=True).click()
    menu_item = sup.locator("#mainnav").get_by_role("link", name="举报投诉")
    expect(menu_item).to_be_visible()
    menu_item.click()
    expect(sup).to_have_url(reverse("complaints:list"))
    row = sup.get_by_test_id("complaint-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("complaint-status")).to_have_text("待核实")
    no_horizontal_scroll(sup)
    row.click()
    expect(sup.get_by_test_id("complaint-contact")).to_contain_text("13800001111")
    sup.select_option("#id_method", "on_site")
    sup.fill("#id_notes", "到校查阅收费记录,访谈三年级家长3名,情况属实。")
    sup.get_by_role("button", name="保存核实情况").click()
    expect(sup.get_by_test_id("complaint-status")).to_have_text("核实中")
    sup.get_by_label("转为整改").check()
    sup.fill("#id_problem_description", "三年级违规向学生收取资料费,未开具票据。")
    sup.fill("#id_opinion", "立即停止收费,全额退还,并在校内公示。")
    no_horizontal_scroll(sup)
    sup.screenshot(path="/tmp/complaint-detail-supervisor-phone.png", full_page=True)
    sup.get_by_test_id("close-form").get_by_role("button", name="办结").click()
    expect(sup.get_by_test_id("complaint-status")).to_have_text("已转为整改")
    expect(sup.get_by_test_id("complaint-ticket")).to_be_visible()

    complaint = Complaint.objects.select_related("problem__ticket").get()
    assert complaint.problem.source == ProblemSource.COMPLAINT
    assert complaint.problem.ticket.status == TicketStatus.OPEN and complaint.problem.ticket.school == school

    # The parent checks the code (typed in lower case, without the dash) and sees it being handled.
    parent.goto(reverse("complaints:lookup"))
    parent.fill("#id_code", code.replace("-", "").lower())
    parent.get_by_role("button", name="查询").click()
    expect(parent.get_by_test_id("lookup-status")).to_have_text("正在处理:已责令学校整改")
    body = parent.locator("body").inner_text()
    assert "13800001111" not in body and "访谈三年级家长" not in body
    no_horizontal_scroll(parent)
    parent.screenshot(path="/tmp/complaint-status-phone.png", full_page=True)
    assert errors == []
