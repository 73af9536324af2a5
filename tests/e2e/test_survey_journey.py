"""Done when (issue 6, part 4): a parent opens the survey through its QR link on a phone, answers
(a required question forgotten first: told, nothing typed lost), submits and is thanked; opening it
again says 您已提交; the director then sees the answer counted in the results."""
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.surveys.models import Response
from tests.factories import PASSWORD
from tests.inspections.surveys.factories import survey_published

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_parent_answers_through_the_qr_link_and_the_director_sees_it_counted(world, new_page, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url  # what posters and the page under the QR print
    settings.SURVEY_MIN_FILL_SECONDS = 1  # a script clicks faster than a parent reads
    school = world["schools"]["a1"]
    survey = survey_published(office=world["county_a"], schools=[school, world["schools"]["a2"]])
    link = survey.links.get(school=school)
    errors = []

    # The director opens the school's link page: the QR code, and the link printed under it.
    director = new_page(1280, 900)
    director.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(director, world["director_a"].username, PASSWORD)
    director.goto(reverse("surveys:link", args=[survey.pk, link.pk]))
    expect(director.locator("svg.qr")).to_be_visible()
    url = director.get_by_test_id("public-link").inner_text().strip()
    assert url.startswith(live_server.url + "/surveys/q/")
    # The poster prints the same address its QR code encodes.
    poster = director.request.get(reverse("surveys:link_poster", args=[survey.pk, link.pk]))
    (tmp_path / "poster.pdf").write_bytes(poster.body())
    poster_text = "".join(subprocess.run(["pdftotext", str(tmp_path / "poster.pdf"), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert url in poster_text and "家长问卷" in poster_text

    # A parent scans it on a phone: no login.
    parent = new_page(375, 740)
    parent.context.on("weberror", lambda error: errors.append(str(error.error)))
    parent.goto(url)
    expect(parent.get_by_test_id("survey-title")).to_have_text("家长满意度调查问卷")
    expect(parent.get_by_text(school.name)).to_be_visible()
    assert parent.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    questions = parent.get_by_test_id("question")
    count = questions.count()
    assert count == survey.questions.count()
    option = questions.nth(1).locator("label.sv-opt").first
    assert option.bounding_box()["height"] >= 44  # a big tap target

    # Answers everything but the second question, writes a suggestion, submits.
    for i in range(count):
        question = questions.nth(i)
        if i == 1:
            continue
        if question.locator("textarea").count():
            question.locator("textarea").fill("希望学校多组织亲子阅读活动。")
        else:
            question.locator("label.sv-opt").nth(1 if i else 0).click()
    parent.get_by_test_id("answer-submit").click()
    expect(parent.get_by_test_id("form-error")).to_be_visible()
    expect(questions.nth(1).get_by_test_id("question-error")).to_have_text("此题为必答题。")
    expect(parent.locator("textarea")).to_have_value("希望学校多组织亲子阅读活动。")
    expect(questions.nth(2).locator("input:checked")).to_have_count(1)  # choices made are kept
    assert Response.objects.count() == 0

    questions.nth(1).locator("label.sv-opt").first.click()  # 非常满意
    parent.screenshot(path="/tmp/survey-answer-375.png", full_page=True)
    parent.get_by_test_id("answer-submit").click()
    expect(parent.get_by_test_id("thanks")).to_contain_text("提交成功，感谢您的参与！")
    assert Response.objects.filter(link=link).count() == 1

    # Opening the link again on the same phone: already submitted.
    parent.goto(url)
    expect(parent.get_by_test_id("thanks")).to_contain_text("您已提交")

    # The director sees it counted.
    director.goto(reverse("surveys:results", args=[survey.pk]))
    expect(director.get_by_test_id("total")).to_have_text("1")
    row = director.get_by_test_id("school-row").filter(has_text=school.name)
    expect(row.get_by_test_id("school-total")).to_have_text("1")
    expect(director.get_by_test_id("text-answer")).to_contain_text("希望学校多组织亲子阅读活动。")
    expect(director.locator("[data-echarts] svg").first).to_be_visible()  # the charts drew
    assert not errors, errors
