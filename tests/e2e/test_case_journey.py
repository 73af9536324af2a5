"""Done when (issue 6, cases): a supervisor, on a phone, writes a case with formatting in the editor
and a photo, and submits it → the director accepts it, marks it excellent (优秀案例) and recommends it
upward (推荐上报) → the city viewer finds it among the recommended cases, and it prints cleanly."""
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.cases.models import Case
from tests.factories import PASSWORD
from tests.inspections.evidence_files import image_bytes

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_case_is_written_reviewed_recommended_and_read_by_the_city(world, new_page, tmp_path):
    errors = []
    title = "课后服务“5+2”全覆盖的督导实践"

    # The supervisor writes the case on a phone.
    sup = new_page(375, 780)
    sup.on("pageerror", lambda error: errors.append(str(error)))
    login(sup, world["sup_a1"].user.username, PASSWORD)
    sup.goto(reverse("cases:list"))
    sup.get_by_test_id("case-new").click()
    sup.fill("#id_title", title)
    sup.fill("#id_tags", "课后服务,双减")
    sup.select_option("#id_school", label=world["schools"]["a1"].name)
    editor = sup.get_by_test_id("case-editor")
    expect(editor).to_be_visible()
    expect(sup.locator("#id_body")).to_be_hidden()
    editor.click()
    sup.keyboard.type("学校课后服务覆盖全体学生。")
    sup.keyboard.press("Enter")
    sup.get_by_test_id("cmd-bold").click()
    sup.keyboard.type("家长满意度达97%")
    sup.get_by_test_id("cmd-bold").click()
    sup.keyboard.press("Enter")
    sup.get_by_test_id("cmd-ul").click()
    sup.keyboard.type("引进校外专业力量")
    sup.set_input_files("input[name=files]", [{"name": "社团活动.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(320, 240))}])
    assert sup.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    sup.screenshot(path="/tmp/case-write-375.png", full_page=True)
    sup.get_by_test_id("case-submit").click()
    expect(sup.get_by_test_id("case-status")).to_have_text("已提交")
    expect(sup.get_by_test_id("case-body").locator("strong")).to_have_text("家长满意度达97%")
    expect(sup.get_by_test_id("case-body").locator("ul li")).to_have_text("引进校外专业力量")
    expect(sup.get_by_test_id("case-photo")).to_have_count(1)
    case = Case.objects.get()
    assert "<strong>家长满意度达97%</strong>" in case.body and "<ul><li>引进校外专业力量" in case.body
    assert case.attachments.count() == 1

    # The city does not see it yet.
    city = new_page()
    login(city, world["city_viewer"].username, PASSWORD)
    assert city.goto(reverse("cases:detail", args=[case.pk])).status == 404

    # The director reviews it: accept, excellent, recommend.
    director = new_page()
    director.on("pageerror", lambda error: errors.append(str(error)))
    login(director, world["director_a"].username, PASSWORD)
    director.goto(reverse("cases:list"))
    director.get_by_test_id("tab-submitted").click()
    director.get_by_test_id("case-row").filter(has_text=title).click()
    director.get_by_test_id("review-accept").click()
    expect(director.get_by_test_id("case-status")).to_have_text("已采纳")
    director.fill("#id_comment", "做法具体、数据翔实。")
    director.get_by_test_id("review-excellent").click()
    expect(director.get_by_test_id("case-status")).to_have_text("优秀案例")
    director.get_by_test_id("review-recommend").click()
    expect(director.get_by_test_id("case-status")).to_have_text("已推荐上报")
    expect(director.get_by_test_id("history")).to_contain_text("做法具体、数据翔实。")

    # The city viewer finds it among the recommended cases and opens it.
    city.goto(reverse("cases:list"))
    expect(city.get_by_test_id("case-row")).to_have_count(1)
    city.get_by_test_id("case-row").click()
    expect(city.get_by_test_id("case-title")).to_have_text(title)
    expect(city.get_by_test_id("case-body").locator("strong")).to_have_text("家长满意度达97%")
    expect(city.get_by_test_id("review")).to_have_count(0)

    # It prints as the case alone: no menus, no buttons, no history.
    city.emulate_media(media="print")
    pdf = tmp_path / "case.pdf"
    city.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "课后服务" in text and "家长满意度达97%" in text and "引进校外专业力量" in text
    for noise in ("督导工作", "打印", "处理记录", "退出", "简体中文"):
        assert noise not in text
    assert errors == []
