"""/api/v1/surveys/ writes: the office's admin and director build a survey with its questions, publish
it to schools and audiences (the public links), print access codes, close and copy it — as the
survey pages allow; readers get 403, other offices 404."""
import pytest

from inspections.surveys.models import Survey, SurveyLink
from tests.api_support import api_as

from .factories import respond, small_survey

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/"
QUESTIONS = [
    {"kind": "scale", "text": "您对学校的整体满意度如何？"},
    {"kind": "single", "text": "孩子每天作业时间", "options": ["1小时以内", "1至2小时", "2小时以上"]},
    {"kind": "text", "text": "您的建议", "required": False},
]


def new_survey(world, **changes) -> dict:
    return {"office": world["county_a"].pk, "year": 2026, "title": "2026年家长满意度调查", "questions": QUESTIONS, **changes}


@pytest.mark.parametrize("role", ["admin_a", "director_a"])
def test_the_office_builds_a_survey_with_its_questions_and_publishes_it_to_schools(world, role):
    client = api_as(world, role)
    response = client.post(URL, new_survey(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["office_name"]) == ("draft", "柳河县人民政府教育督导室")
    assert [(q["kind"], q["text"]) for q in body["questions"]] == [(q["kind"], q["text"]) for q in QUESTIONS]
    assert body["questions"][1]["choices"] == ["1小时以内", "1至2小时", "2小时以上"]
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    response = client.post(f"{URL}{body['id']}/publish/", {"schools": [a1.pk, a2.pk], "audiences": ["parent", "student"]},
                           format="json")
    assert response.status_code == 200, response.content
    links = response.json()["links"]
    assert response.json()["status"] == "published"
    assert sorted((link["school_name"], link["audience"]) for link in links) == [
        ("柳河县第一小学", "parent"), ("柳河县第一小学", "student"), ("柳河县第二中学", "parent"), ("柳河县第二中学", "student")]
    assert all("/surveys/q/" in link["public_url"] for link in links)
    # Publishing again adds only what is new; existing links (and their posters) stay.
    tokens = set(SurveyLink.objects.values_list("token", flat=True))
    again = client.post(f"{URL}{body['id']}/publish/", {"schools": [a1.pk, world["schools"]["a3"].pk]}, format="json")
    assert len(again.json()["links"]) == 5
    assert tokens < set(SurveyLink.objects.values_list("token", flat=True))


def test_the_school_contact_sees_the_survey_published_to_their_school(world):
    client = api_as(world, "admin_a")
    survey = client.post(URL, new_survey(world), format="json").json()
    client.post(f"{URL}{survey['id']}/publish/", {"schools": [world["schools"]["a1"].pk]}, format="json")
    contact = api_as(world, "school_user_a1")
    assert [s["title"] for s in contact.get(URL).json()["results"]] == ["2026年家长满意度调查"]
    assert contact.post(f"{URL}{survey['id']}/close/").status_code == 403


def test_a_survey_from_the_default_questionnaire_gets_its_questions_and_title(world):
    response = api_as(world, "admin_a").post(
        URL, {"office": world["county_a"].pk, "year": 2026, "from_template": True}, format="json")
    assert response.status_code == 201
    assert response.json()["title"] == "家长满意度调查问卷"
    assert len(response.json()["questions"]) > 5


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"questions": [{"kind": "single", "text": "只有一个选项", "options": ["是"]}]}, "questions",
         "第1题:单选题和多选题至少需要两个选项。"),
        ({"questions": [QUESTIONS[0], {"kind": "multiple", "text": "重复", "options": ["甲", "甲"]}]}, "questions",
         "第2题:选项不能重复。"),
        ({"year": 1999}, "year", "年度应在2000年至"),
        ({"office": "county_b"}, "office", "不在您的权限范围内"),
    ],
)
def test_a_bad_survey_is_refused_in_chinese_and_not_created(world, changes, field, message):
    if changes.get("office") == "county_b":
        changes["office"] = world["county_b"].pk
    response = api_as(world, "admin_a").post(URL, new_survey(world, **changes), format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", ["sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_the_offices_admin_or_director_creates_a_survey(world, role):
    assert api_as(world, role).post(URL, new_survey(world), format="json").status_code == 403
    assert not Survey.objects.exists()


def test_questions_are_added_edited_moved_and_deleted_until_answers_arrive(world):
    client = api_as(world, "director_a")
    survey = client.post(URL, new_survey(world), format="json").json()
    sid = survey["id"]
    first, second = survey["questions"][0]["id"], survey["questions"][1]["id"]
    response = client.post(f"{URL}{sid}/questions/", {"kind": "multiple", "text": "课后服务项目", "options": ["体育", "艺术"]},
                           format="json")
    assert response.status_code == 201 and response.json()["questions"][-1]["text"] == "课后服务项目"
    response = client.patch(f"{URL}{sid}/questions/{first}/", {"text": "您对学校满意吗？"}, format="json")
    assert response.status_code == 200 and response.json()["questions"][0]["text"] == "您对学校满意吗？"
    assert response.json()["questions"][0]["kind"] == "scale"
    response = client.post(f"{URL}{sid}/questions/{second}/move/", {"up": True}, format="json")
    assert [q["id"] for q in response.json()["questions"]][:2] == [second, first]
    assert client.delete(f"{URL}{sid}/questions/{first}/").status_code == 204
    response = client.patch(f"{URL}{sid}/", {"title": "家长问卷(修订)", "intro": "感谢您的参与"}, format="json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["intro"], len(response.json()["questions"])) == (
        "家长问卷(修订)", "感谢您的参与", 3)


def test_questions_are_fixed_once_answers_arrived_and_the_survey_is_copied_instead(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    respond(survey.links.get())
    client = api_as(world, "admin_a")
    question = survey.questions.first()
    response = client.patch(f"{URL}{survey.pk}/questions/{question.pk}/", {"text": "改题"}, format="json")
    assert response.status_code == 400 and "不能再修改题目" in str(response.json())
    copy = client.post(f"{URL}{survey.pk}/copy/")
    assert copy.status_code == 201
    assert (copy.json()["status"], len(copy.json()["questions"]), copy.json()["links"]) == ("draft", 3, [])


def test_closing_stops_the_survey_and_a_closed_one_is_not_published_again(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    client = api_as(world, "admin_a")
    response = client.post(f"{URL}{survey.pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    again = client.post(f"{URL}{survey.pk}/close/")
    assert again.status_code == 400 and again.json() == {"non_field_errors": ["只有进行中的问卷可以结束。"]}
    response = client.post(f"{URL}{survey.pk}/publish/", {"schools": [world["schools"]["a2"].pk]}, format="json")
    assert response.status_code == 400 and "问卷已结束" in str(response.json())


def test_a_survey_is_published_only_to_the_offices_own_schools(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    b1 = world["schools"]["b1"]
    response = api_as(world, "admin_a").post(f"{URL}{survey.pk}/publish/", {"schools": [b1.pk]}, format="json")
    assert response.status_code == 400 and "不在您的权限范围内" in str(response.json()["schools"])
    response = api_as(world, "province_viewer").post(f"{URL}{survey.pk}/publish/", {"schools": [b1.pk]}, format="json")
    assert response.status_code == 403
    assert not SurveyLink.objects.filter(school=b1).exists()


def test_access_codes_are_printed_for_a_link_of_a_code_survey(world):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]], once_per="code")
    link = survey.links.get()
    response = api_as(world, "admin_a").post(f"{URL}{survey.pk}/links/{link.pk}/codes/", {"count": 3}, format="json")
    assert response.status_code == 201
    assert len(response.json()["codes"]) == 3 == link.codes.count()
    device = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    response = api_as(world, "admin_a").post(
        f"{URL}{device.pk}/links/{device.links.get().pk}/codes/", {"count": 3}, format="json")
    assert response.status_code == 400 and "不需要访问码" in str(response.json())


@pytest.mark.parametrize("role, status", [("admin_b", 404), ("sup_a1", 404), ("city_viewer", 403), ("school_user_a1", 403)])
def test_only_the_offices_admin_or_director_changes_a_survey(world, role, status):
    survey = small_survey(office=world["county_a"], schools=[world["schools"]["a1"]])
    client = api_as(world, role)
    question = survey.questions.first()
    assert client.patch(f"{URL}{survey.pk}/", {"title": "改名"}, format="json").status_code == status
    assert client.post(f"{URL}{survey.pk}/questions/", {"kind": "text", "text": "加题"}, format="json").status_code == status
    assert client.delete(f"{URL}{survey.pk}/questions/{question.pk}/").status_code == status
    assert client.post(f"{URL}{survey.pk}/close/").status_code == status
    assert client.post(f"{URL}{survey.pk}/copy/").status_code == status
    survey.refresh_from_db()
    assert (survey.title, survey.status, survey.questions.count(), Survey.objects.count()) == (
        "食堂满意度调查", "published", 3, 1)
