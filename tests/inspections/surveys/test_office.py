"""The office builds a questionnaire, publishes it, prints posters and codes; who may see what."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from inspections.surveys import services
from inspections.surveys.choices import OncePer, QuestionKind, SurveyStatus
from inspections.surveys.models import Survey
from tests.reports.pdf_tools import pdf_pages

from .factories import respond, small_survey, survey_published

pytestmark = pytest.mark.django_db


def pdf_text_of(content: bytes, tmp_path) -> str:
    from tests.reports.pdf_tools import pdf_text

    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return pdf_text(path)


def test_the_admin_starts_from_the_default_parent_template_and_publishes_to_schools(client, world):
    client.force_login(world["admin_a"])
    page = client.post(reverse("surveys:create"), {"title": "2026年家长满意度调查", "year": 2026, "intro": "",
                                                   "once_per": OncePer.DEVICE, "from_template": "on"})
    survey = Survey.objects.get()
    assert page.url == reverse("surveys:detail", args=[survey.pk])
    assert survey.office == world["county_a"]
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds.count(QuestionKind.SCALE) >= 5 and QuestionKind.TEXT in kinds and QuestionKind.MULTIPLE in kinds
    a1, a4 = world["schools"]["a1"], world["schools"]["a4"]
    client.post(reverse("surveys:publish", args=[survey.pk]), {"schools": [a1.pk, a4.pk], "audiences": ["parent", "student"]})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.PUBLISHED
    assert set(survey.links.values_list("school__name", "audience")) == {
        (a1.name, "parent"), (a1.name, "student"), (a4.name, "parent"), (a4.name, "student")}
    detail = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert a1.name in detail and "学生" in detail


def test_publishing_to_another_offices_school_is_refused(client, world):
    client.force_login(world["admin_a"])
    survey = services.survey_create(office=world["county_a"], year=2026, title="问卷", from_template=True)
    page = client.post(reverse("surveys:publish", args=[survey.pk]), {"schools": [world["schools"]["b1"].pk], "audiences": ["parent"]})
    assert page.status_code == 200
    assert not survey.links.exists()


def test_adding_a_choice_question_needs_two_options_and_keeps_the_text(client, world):
    client.force_login(world["admin_a"])
    survey = services.survey_create(office=world["county_a"], year=2026, title="问卷")
    page = client.post(reverse("surveys:question_add", args=[survey.pk]), {"kind": "single", "text": "孩子几年级？", "options": "一年级", "required": "on"})
    html = page.content.decode()
    assert "单选题和多选题至少需要两个选项。" in html and "孩子几年级？" in html
    client.post(reverse("surveys:question_add", args=[survey.pk]), {"kind": "single", "text": "孩子几年级？", "options": "一年级\n二年级\n", "required": "on"})
    assert list(survey.questions.values_list("options", flat=True)) == [["一年级", "二年级"]]


def test_questions_cannot_change_once_answers_arrived(client, world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    respond(survey.links.get())
    question = survey.questions.first()
    client.force_login(world["admin_a"])
    page = client.post(reverse("surveys:question_edit", args=[survey.pk, question.pk]), {"kind": "scale", "text": "改过的题目", "required": "on"})
    assert "问卷已收到1份答卷，不能再修改题目" in page.content.decode()
    question.refresh_from_db()
    assert question.text == "您对食堂是否满意？"
    client.post(reverse("surveys:question_delete", args=[survey.pk, question.pk]))
    assert survey.questions.count() == 3
    with pytest.raises(ValidationError):
        services.question_add(survey=survey, kind="text", text="新题")
    # The title may still be corrected.
    services.survey_update(survey=survey, title="食堂满意度调查(修订)", intro="", once_per=survey.once_per)


def test_moving_a_question_changes_the_order_only(client, world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    last = survey.questions.last()
    client.force_login(world["director_a"])
    client.post(reverse("surveys:question_move", args=[survey.pk, last.pk]), {"up": "1"})
    assert [q.text for q in survey.questions.all()] == ["您对食堂是否满意？", "建议", "您常吃哪些？"]


def test_the_poster_shows_school_audience_title_and_the_link(client, world, tmp_path):
    survey = survey_published(office=world["county_a"], schools=[world["schools"]["a1"]])
    link = survey.links.get()
    client.force_login(world["admin_a"])
    page = client.get(reverse("surveys:link", args=[survey.pk, link.pk]))
    assert "http://testserver" + link.path in page.content.decode() and "<svg" in page.content.decode()
    pdf = client.get(reverse("surveys:link_poster", args=[survey.pk, link.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text_of(pdf.content, tmp_path)
    assert "柳河县第一小学" in text and "家长问卷" in text and "家长满意度调查问卷" in text
    assert link.token in text
    assert pdf_pages(tmp_path / "out.pdf") == 1


def test_codes_are_generated_listed_and_exported_to_excel(client, world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]], once_per=OncePer.CODE)
    link = survey.links.get()
    client.force_login(world["admin_a"])
    client.post(reverse("surveys:link", args=[survey.pk, link.pk]), {"count": 5})
    codes = list(link.codes.values_list("code", flat=True))
    assert len(codes) == 5 and len(set(codes)) == 5
    respond_code = codes[0]
    services.response_submit(link=link, answers={q.pk: (0 if q.kind == "scale" else None) for q in survey.questions.all()}, code=respond_code)
    xlsx = client.get(reverse("surveys:link_codes_xlsx", args=[survey.pk, link.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0] == ("学校", "调查对象", "问卷链接", "访问码", "状态")
    assert {r[3] for r in rows[1:]} == set(codes)
    assert [r[4] for r in rows[1:] if r[3] == respond_code] == ["已使用"]
    printable = client.get(reverse("surveys:link_codes", args=[survey.pk, link.pk])).content.decode()
    assert codes[1] in printable and respond_code not in printable  # used codes are not printed again


@pytest.mark.parametrize("who", ["school_user_a1", "city_viewer", "province_viewer"])
def test_the_link_page_shows_codes_only_to_the_surveys_editors(client, world, who):
    """Measured: the link page printed the single-use codes to the school itself and to higher offices
    (while the print and the Excel of the same codes answered 404) — a school could answer its own
    parents' survey with them. Now they see how many codes are used, never the codes."""
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]], once_per=OncePer.CODE)
    link = survey.links.get()
    codes = [c.code for c in services.access_codes_generate(link=link, count=4)]
    client.force_login(world[who])
    page = client.get(reverse("surveys:link", args=[survey.pk, link.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert not [code for code in codes if code in body]
    assert "已生成访问码 4 个，已使用 0 个" in body
    assert client.get(reverse("surveys:link_codes", args=[survey.pk, link.pk])).status_code == 404
    assert client.get(reverse("surveys:link_codes_xlsx", args=[survey.pk, link.pk])).status_code == 404
    client.force_login(world["admin_a"])
    body = client.get(reverse("surveys:link", args=[survey.pk, link.pk])).content.decode()
    assert all(code in body for code in codes)


def test_too_many_codes_at_once_is_refused(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]], once_per=OncePer.CODE)
    with pytest.raises(ValidationError, match="每次可生成1至2000个访问码"):
        services.access_codes_generate(link=survey.links.get(), count=2001)


# --- Who may see what -----------------------------------------------------------------------------


@pytest.fixture
def survey(world):
    s = small_survey(office=world["county_a"], schools=[world["schools"]["a1"], world["schools"]["a2"]])
    return s


@pytest.mark.parametrize("role", ["admin_b", "sup_a1"])
def test_another_office_and_a_supervisor_do_not_see_the_survey(client, world, survey, role):
    user = world[role].user if role == "sup_a1" else world[role]
    client.force_login(user)
    for name in ("surveys:detail", "surveys:results", "surveys:edit", "surveys:publish"):
        assert client.get(reverse(name, args=[survey.pk])).status_code == 404, name
    link = survey.links.first()
    assert client.get(reverse("surveys:link_poster", args=[survey.pk, link.pk])).status_code == 404


def test_a_higher_office_reads_results_but_cannot_edit(client, world, survey):
    client.force_login(world["city_viewer"])
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200
    assert client.get(reverse("surveys:edit", args=[survey.pk])).status_code == 404
    assert client.post(reverse("surveys:close", args=[survey.pk])).status_code == 404
    assert client.post(reverse("surveys:report", args=[survey.pk])).status_code == 404


def test_a_school_user_reads_only_their_own_schools_results(client, world, survey):
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    respond(survey.links.get(school=a1), level=0)
    respond(survey.links.get(school=a2), level=4, text="另一所学校的意见")
    client.force_login(world["school_user_a1"])
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert a1.name in html and a2.name not in html and "另一所学校的意见" not in html
    assert page.context["results"]["total"] == 1
    other_link = survey.links.get(school=a2)
    assert client.get(reverse("surveys:link", args=[survey.pk, other_link.pk])).status_code == 404
    assert client.get(reverse("surveys:edit", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:results", args=[survey.pk]) + f"?school={a2.pk}").context["results"]["total"] == 0


def test_a_school_user_of_another_school_does_not_see_a_survey_not_published_to_it(client, world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a2"]])
    client.force_login(world["school_user_a1"])
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 404


def test_the_list_page_runs_the_same_queries_for_one_or_many_surveys(client, world, django_assert_num_queries):
    small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    client.force_login(world["director_a"])
    url = reverse("surveys:list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        s = small_survey(office=world["county_a"], schools=[world["schools"]["a1"], world["schools"]["a2"]])
        respond(s.links.first())
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count('data-testid="survey-row"') == 5


def test_the_template_questions_are_chinese_even_when_the_admin_reads_english(world):
    from django.utils import translation

    with translation.override("en"):
        survey = services.survey_create(office=world["county_a"], year=2026, title="", from_template=True)
    assert survey.title == "家长满意度调查问卷"
    assert survey.questions.first().text == "您的孩子就读的年级"


def test_a_survey_with_answers_is_copied_to_a_new_draft_to_change_its_questions(client, world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    respond(survey.links.get())
    client.force_login(world["admin_a"])
    page = client.post(reverse("surveys:copy", args=[survey.pk]))
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert page.url == reverse("surveys:detail", args=[copy.pk])
    assert copy.status == SurveyStatus.DRAFT and not copy.links.exists() and not copy.responses.exists()
    assert [(q.kind, q.text, q.options) for q in copy.questions.all()] == [(q.kind, q.text, q.options) for q in survey.questions.all()]
    services.question_update(question=copy.questions.first(), kind="scale", text="您对食堂饭菜是否满意？")
    client.force_login(world["admin_b"])
    assert client.post(reverse("surveys:copy", args=[survey.pk])).status_code == 404
