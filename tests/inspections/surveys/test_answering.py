"""A parent answers on a phone without login: once per device or per code, floods refused."""
import pytest
from django.urls import reverse

from inspections.surveys import services
from inspections.surveys.choices import OncePer
from inspections.surveys.models import Answer, Response
from inspections.surveys.views import DEVICE_COOKIE

from .factories import form_data, small_survey, survey_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    return survey_published(office=world["county_a"], schools=[world["schools"]["a1"], world["schools"]["a4"]])


@pytest.fixture
def link(survey, world):
    return survey.links.get(school=world["schools"]["a1"])


def test_a_parent_opens_the_link_without_login_and_sees_the_questions_in_chinese(client, link):
    page = client.get(link.path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "柳河县第一小学" in html and "家长满意度调查问卷" in html
    assert "您对学校(幼儿园)办学总体情况是否满意？" in html and "非常满意" in html
    assert 'name="viewport"' in html
    assert page.cookies[DEVICE_COOKIE].value  # the anonymous device token, set on first open


def test_a_parent_answers_and_sees_the_thank_you_page(client, link, survey):
    client.get(link.path)
    page = client.post(link.path, form_data(survey, picks=[0, 2], text="希望多开展亲子活动"), follow=True)
    assert "提交成功，感谢您的参与！" in page.content.decode()
    response = Response.objects.get()
    assert (response.school, response.audience) == (link.school, "parent")
    assert Answer.objects.filter(response=response, text="希望多开展亲子活动").exists()
    assert Answer.objects.filter(response=response, question__kind="multiple").count() == 2


def test_the_same_device_cannot_answer_twice_and_the_first_answer_is_kept(client, link, survey):
    client.get(link.path)
    client.post(link.path, form_data(survey, level=0))
    second = client.post(link.path, form_data(survey, level=4))
    assert "您已提交" in second.content.decode()
    assert Response.objects.count() == 1
    assert set(Answer.objects.filter(question__kind="scale").values_list("option", flat=True)) == {0}
    # Re-opening the link shows 您已提交 instead of the form.
    again = client.get(link.path)
    assert "您已提交" in again.content.decode() and "answer-form" not in again.content.decode()


def test_another_device_answers_the_same_link(client, link, survey):
    client.get(link.path)
    client.post(link.path, form_data(survey))
    client.cookies.clear()
    client.get(link.path)
    client.post(link.path, form_data(survey))
    assert Response.objects.count() == 2


def test_a_post_without_the_device_cookie_is_refused(client, link, survey):
    page = client.post(link.path, form_data(survey))
    assert page.status_code == 400
    assert "请通过问卷链接打开后再提交" in page.content.decode()
    assert not Response.objects.exists()


def test_a_missing_required_answer_keeps_what_was_typed(client, link, survey):
    client.get(link.path)
    data = form_data(survey, text="食堂饭菜偏咸")
    first_scale = survey.questions.filter(kind="scale").first()
    del data[f"q{first_scale.pk}"]
    page = client.post(link.path, data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "此题为必答题。" in html
    assert "食堂饭菜偏咸" in html  # the text typed is still there
    assert 'value="1" required checked' in html or 'value="1" checked' in html or "checked" in html
    assert not Response.objects.exists()


def test_a_form_sent_within_seconds_of_opening_is_refused_with_the_answers_kept(client, link, survey):
    client.get(link.path)
    page = client.post(link.path, form_data(survey, started_ago=1, text="太快了"))
    assert page.status_code == 400
    assert "提交过快" in page.content.decode() and "太快了" in page.content.decode()
    assert not Response.objects.exists()


def test_the_honeypot_filled_by_a_script_is_thanked_and_nothing_is_kept(client, link, survey):
    client.get(link.path)
    page = client.post(link.path, form_data(survey, website="http://spam.example"), follow=True)
    assert "提交成功" in page.content.decode()
    assert not Response.objects.exists()


def test_a_bot_posting_many_times_gets_429_and_the_real_answers_are_kept(client, link, survey, settings):
    settings.SURVEY_ANSWERS_PER_IP_PER_LINK_HOUR = 3
    from tests.inspections.surveys.factories import respond

    respond(link)  # a real parent, earlier
    statuses = []
    for _ in range(6):
        client.cookies.clear()
        client.get(link.path)
        statuses.append(client.post(link.path, form_data(survey, text="spam")).status_code)
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429, 429]
    last = client.post(link.path, form_data(survey, text="我填的意见"))
    assert "提交过于频繁，请稍后再试。" in last.content.decode()
    assert "我填的意见" in last.content.decode()
    assert Response.objects.count() == 4  # the real one and the three within the limit


def test_the_per_link_limit_stops_a_bot_rotating_addresses(client, link, survey, settings):
    settings.SURVEY_ANSWERS_PER_LINK_HOUR = 2
    codes = []
    for n in range(4):
        client.cookies.clear()
        client.get(link.path)
        codes.append(client.post(link.path, form_data(survey), REMOTE_ADDR=f"10.0.0.{n + 1}").status_code)
    assert codes == [302, 302, 429, 429]
    assert Response.objects.count() == 2


def test_a_closed_survey_takes_no_more_answers(client, link, survey):
    services.survey_close(survey=survey)
    page = client.get(link.path)
    assert "本次调查已结束" in page.content.decode()
    client.post(link.path, form_data(survey))
    assert not Response.objects.exists()


def test_a_draft_survey_and_an_unknown_token_answer_404(client, world):
    draft = services.survey_create(office=world["county_a"], year=2026, title="草稿", from_template=True)
    assert client.get(reverse("surveys:answer", args=["nope"])).status_code == 404
    assert not draft.links.exists()


# --- One answer per access code -------------------------------------------------------------------


@pytest.fixture
def code_link(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]], once_per=OncePer.CODE)
    link = survey.links.get()
    services.access_codes_generate(link=link, count=3)
    return link


def test_a_code_answers_once_and_a_second_use_is_refused_with_the_first_kept(client, code_link):
    survey = code_link.survey
    code = code_link.codes.first().code
    client.get(code_link.path)
    first = client.post(code_link.path, form_data(survey, level=0, code=code.lower()))
    assert first.status_code == 302
    client.cookies.clear()
    second = client.post(code_link.path, form_data(survey, level=4, code=code, text="第二次"))
    html = second.content.decode()
    assert second.status_code == 400
    assert "该访问码已使用过，每个访问码只能提交一次。" in html and "第二次" in html
    response = Response.objects.get()
    assert response.access_code.code == code
    assert list(Answer.objects.filter(question__kind="scale").values_list("option", flat=True)) == [0]


def test_a_wrong_code_is_refused_clearly(client, code_link):
    page = client.post(code_link.path, form_data(code_link.survey, code="AAAA2222"))
    assert "访问码不正确" in page.content.decode()
    assert not Response.objects.exists()


def test_a_code_of_another_school_does_not_open_this_one(client, world, code_link):
    services.survey_publish(survey=code_link.survey, schools=[world["schools"]["a2"]], audiences=["parent"])
    other = code_link.survey.links.get(school=world["schools"]["a2"])
    code = code_link.codes.first().code
    page = client.post(other.path, form_data(code_link.survey, code=code))
    assert "访问码不正确" in page.content.decode()


def test_a_survey_by_code_accepts_answers_from_the_same_phone_with_different_codes(client, code_link):
    for code in code_link.codes.values_list("code", flat=True)[:2]:
        assert client.post(code_link.path, form_data(code_link.survey, code=code)).status_code == 302
    assert Response.objects.count() == 2
