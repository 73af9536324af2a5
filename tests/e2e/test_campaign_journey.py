"""Special inspection (专项督导) end to end: the office admin launches a 双减 campaign on a random
sample in the browser; a team supervisor, on a phone, visits a sampled school outside their own zone
and records a finding; submitting opens a rectification ticket the school sees."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.campaigns.models import Campaign
from inspections.models.choices import ProblemSource, VisitKind
from inspections.models import Ticket, Visit
from tests import factories as f
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_admin_launches_a_random_sample_and_a_team_finding_reaches_the_school(world, new_page):
    errors = []
    town_school = world["schools"]["a3"]  # zone A2: not 王督学's zone
    school_user = f.school_user(town_school, username="school_a3")

    # The office admin launches the campaign: 双减, 王督学 leads, 2 of the county's primary schools drawn with a seed.
    admin = new_page()
    admin.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(admin, world["admin_a"].username, PASSWORD)
    admin.goto(reverse("campaigns:list"))
    admin.get_by_test_id("campaign-create").click()
    admin.select_option("#id_topic", "shuangjian")
    admin.select_option("#id_leader", str(world["sup_a1"].pk))
    admin.get_by_label("抽查(随机抽取)").check()
    admin.get_by_label("初中").uncheck()
    admin.fill("#id_sample_size", "2")
    admin.fill("#id_seed", "839201")
    admin.get_by_test_id("campaign-submit").click()
    expect(admin.get_by_test_id("campaign-selection")).to_contain_text("随机抽取 2 所,种子 839201")
    expect(admin.get_by_test_id("campaign-school")).to_have_count(2)
    admin.screenshot(path="/tmp/campaign-detail-admin.png", full_page=True)
    campaign = Campaign.objects.get()
    assert campaign.seed == 839201 and "双减" in campaign.title

    # 王督学, on a phone, opens his campaigns and starts the special visit at the town school.
    phone = new_page(375, 740)
    phone.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(phone, world["sup_a1"].user.username, PASSWORD)
    phone.goto(reverse("campaigns:list"))
    phone.get_by_test_id("campaign-row").first.click()
    phone.get_by_test_id("campaign-school").filter(has_text=town_school.name).get_by_test_id("start-visit").click()
    expect(phone.locator("#id_school")).to_have_value(str(town_school.pk))
    phone.locator("label", has_text="推门听课").click()
    no_horizontal_scroll(phone)
    phone.get_by_test_id("campaign-visit-submit").click()
    expect(phone.get_by_test_id("visit-school")).to_have_text(town_school.name)
    expect(phone.get_by_test_id("visit-kind")).to_have_text("专项督导")
    expect(phone.get_by_test_id("progress")).to_have_text("已填 0/5 项")

    homework = phone.get_by_test_id("checklist-item").filter(has_text="作业管理")
    homework.locator("label", has_text="发现问题").click()
    form = homework.get_by_test_id("problem-form")
    form.locator("textarea[name=description]").fill("四年级书面作业时长约90分钟,超过规定。")
    form.locator("textarea[name=opinion]").fill("年级组统筹作业总量,每日公示,两周内整改。")
    form.get_by_role("button", name="保存问题").click()
    expect(homework.get_by_test_id("problem")).to_have_count(1)
    for title in ("课后服务", "课堂教学质量", "睡眠、手机、读物、体质管理", "校外培训治理"):
        card = phone.get_by_test_id("checklist-item").filter(has_text=title)
        card.locator("label", has_text="无问题").click()
        expect(card.locator("[data-status]")).to_contain_text("已保存")
    expect(phone.get_by_test_id("progress")).to_have_text("已填 5/5 项")
    no_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/campaign-checklist-phone.png", full_page=True)
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("checklist-status")).to_have_text("已提交")
    visit = Visit.objects.get()
    assert visit.kind == VisitKind.SPECIAL and visit.campaign_link.campaign == campaign

    # The school sees the ticket at once.
    ticket = Ticket.objects.select_related("problem").get()
    assert ticket.school == town_school and ticket.problem.source == ProblemSource.CAMPAIGN
    school = new_page(375, 740)
    login(school, school_user.username, PASSWORD)
    school.goto(reverse("inspections:ticket_list"))
    expect(school.get_by_test_id("ticket-row")).to_have_count(1)
    expect(school.get_by_test_id("ticket-row")).to_contain_text("作业管理")

    # Back on the campaign, the office sees the school inspected with its finding.
    admin.reload()
    row = admin.get_by_test_id("campaign-school").filter(has_text=town_school.name)
    expect(row.get_by_test_id("school-status")).to_have_text("已督导")
    expect(row.get_by_test_id("school-findings")).to_contain_text("发现问题 1 个")
    assert errors == []
