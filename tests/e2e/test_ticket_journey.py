"""Done when (issue 4): a supervisor records a problem → the school sees the ticket on its phone,
uploads a photo and a PDF and submits its report → the supervisor returns it → the school
resubmits → the supervisor re-checks on the evidence and closes it (销号) → the ticket shows
已销号 with its whole history (and the ledger, where there is one, shows it closed)."""
import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from inspections.models.choices import TicketAction, TicketStatus
from inspections.models import Evidence, Ticket
from tests import factories as f
from tests.factories import PASSWORD
from tests.inspections.evidence_files import image_bytes, pdf_bytes

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def file(name, mime, data):
    return {"name": name, "mimeType": mime, "buffer": data}


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_ticket_goes_from_problem_to_closed_through_a_return(world, new_page):
    sup = world["sup_a1"].user
    # The supervisor recorded the problem and submitted the checklist (the checklist journey drives that UI).
    visit = f.visit_filled(user=sup, school=world["schools"]["a1"], problems=1)
    ticket = Ticket.objects.get(problem__visit=visit)
    problem = ticket.problem
    errors = []

    # The school contact, on a phone, sees the ticket at once.
    school = new_page(375, 780)
    school.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(school, world["school_user_a1"].username, PASSWORD)
    school.goto(reverse("inspections:ticket_list"))
    row = school.get_by_test_id("ticket-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(problem.item_title)
    expect(row.get_by_test_id("deadline")).to_contain_text("还剩")
    no_horizontal_scroll(school)
    school.screenshot(path="/tmp/ticket-list-school.png", full_page=True)
    row.click()
    expect(school.get_by_test_id("ticket-status")).to_have_text("待整改")
    expect(school.get_by_test_id("problem-description")).to_contain_text(problem.description)

    # Writes the report, uploads a photo and a PDF, then submits.
    school.fill("#id_text", "已清理消防通道内堆放的杂物,并张贴禁止堆放标识。")
    school.set_input_files("input[name=files]", [
        file("整改后的消防通道.png", "image/png", image_bytes("PNG", size=(320, 240))),
        file("整改情况报告.pdf", "application/pdf", pdf_bytes("柳河县第一小学整改报告")),
    ])
    school.get_by_test_id("report-save").click()
    expect(school.get_by_test_id("evidence")).to_have_count(2)
    expect(school.get_by_test_id("ticket-status")).to_have_text("整改中")
    expect(school.locator("#id_text")).to_have_value("已清理消防通道内堆放的杂物,并张贴禁止堆放标识。")
    no_horizontal_scroll(school)
    school.screenshot(path="/tmp/ticket-school-375.png", full_page=True)
    school.get_by_test_id("report-submit").click()
    expect(school.get_by_test_id("ticket-status")).to_have_text("已提交整改报告")
    expect(school.get_by_test_id("waiting")).to_be_visible()
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]  # photos kept re-encoded

    # The supervisor reads the report and returns it with a reason.
    supervisor = new_page(375, 780)
    supervisor.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(supervisor, sup.username, PASSWORD)
    supervisor.goto(reverse("inspections:ticket_detail", args=[ticket.pk]))
    expect(supervisor.get_by_test_id("round")).to_have_count(1)
    expect(supervisor.get_by_test_id("round").get_by_test_id("evidence")).to_have_count(2)
    with supervisor.expect_download() as download:
        supervisor.get_by_test_id("round").get_by_test_id("evidence-link").filter(has_text="整改情况报告.pdf").click()
    assert download.value.suggested_filename == "整改情况报告.pdf"
    supervisor.fill("#id_notes", "照片只拍到通道一角,请补拍通道全景。")
    supervisor.get_by_test_id("recheck-return").click()
    expect(supervisor.get_by_test_id("ticket-status")).to_have_text("整改中")

    # The school sees why, adds the photo asked for and resubmits.
    school.reload()
    expect(school.get_by_test_id("return-reason")).to_contain_text("请补拍通道全景")
    school.fill("#id_text", "补拍了消防通道全景照片,通道已全部清空。")
    school.set_input_files("input[name=files]", [file("通道全景.png", "image/png", image_bytes("PNG", color=(20, 160, 60)))])
    school.get_by_test_id("report-submit").click()
    expect(school.get_by_test_id("ticket-status")).to_have_text("已提交整改报告")

    # The supervisor re-checks on the evidence and closes it (销号).
    supervisor.reload()
    expect(supervisor.get_by_test_id("round")).to_have_count(2)
    supervisor.locator("label", has_text="查阅整改材料").click()
    supervisor.fill("#id_notes", "全景照片显示通道已清空,整改到位。")
    form = supervisor.get_by_test_id("recheck-form")
    form.scroll_into_view_if_needed()
    no_horizontal_scroll(supervisor)
    form.screenshot(path="/tmp/ticket-recheck-375.png")
    supervisor.get_by_test_id("recheck-close").click()
    expect(supervisor.get_by_test_id("ticket-status")).to_have_text("已销号")
    expect(supervisor.get_by_test_id("recheck-form")).to_have_count(0)

    # The school's page shows 已销号 with the full history.
    school.reload()
    expect(school.get_by_test_id("ticket-status")).to_have_text("已销号")
    actions = [TicketAction(a).label for a in Ticket.objects.get(pk=ticket.pk).events.values_list("action", flat=True)]
    expect(school.get_by_test_id("event")).to_have_count(len(actions))
    for label in ["生成整改通知", "开始整改", "上传佐证材料", "提交整改报告", "退回重新整改", "复查销号"]:
        assert label in actions
        expect(school.get_by_test_id("history")).to_contain_text(label)
    expect(school.get_by_test_id("history")).not_to_contain_text("127.0.0.1")  # addresses are the auditors'
    school.screenshot(path="/tmp/ticket-closed-375.png", full_page=True)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED

    # The ledger (台账), where it exists, shows the ticket closed.
    try:
        ledger = reverse("inspections:ledger")
    except NoReverseMatch:
        ledger = None
    if ledger:
        supervisor.goto(ledger)
        expect(supervisor.locator("body")).to_contain_text(problem.description)
        expect(supervisor.locator("body")).to_contain_text("已销号")
    assert errors == []
