"""/api/v1/surveys/: list, retrieve, results — scoped like the pages."""
import pytest

from tests.api_support import api_as

from .factories import respond, small_survey

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/"


@pytest.fixture
def survey(world):
    s = small_survey(office=world["county_a"], schools=[world["schools"]["a1"], world["schools"]["a2"]])
    respond(s.links.get(school=world["schools"]["a1"]), level=0)
    respond(s.links.get(school=world["schools"]["a2"]), level=3)
    return s


@pytest.mark.parametrize("role, sees", [
    ("admin_a", True), ("director_a", True), ("city_viewer", True), ("province_viewer", True),
    ("school_user_a1", True), ("admin_b", False), ("sup_a1", False),
])
def test_each_role_lists_and_opens_only_the_surveys_in_its_scope(world, survey, role, sees):
    client = api_as(world, role)
    listed = [row["id"] for row in client.get(URL).json()["results"]]
    assert listed == ([survey.pk] if sees else [])
    assert client.get(f"{URL}{survey.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"{URL}{survey.pk}/results/").status_code == (200 if sees else 404)


def test_anonymous_gets_nothing(world, survey):
    assert api_as(world, "anonymous").get(URL).status_code in (401, 403)


def test_results_give_counts_and_satisfaction(world, survey):
    data = api_as(world, "director_a").get(f"{URL}{survey.pk}/results/").json()
    assert data["total"] == 2 and data["satisfaction"] == 50.0
    rows = {r["name"]: r for r in data["schools"]}
    assert rows["柳河县第一小学"]["responses"] == {"parent": 1} and rows["柳河县第一小学"]["satisfaction"] == 100.0
    assert data["questions"][0]["options"][0] == {"label": "非常满意", "count": 1, "percent": 50.0}


def test_a_school_user_gets_only_their_schools_results_and_links(world, survey):
    client = api_as(world, "school_user_a1")
    data = client.get(f"{URL}{survey.pk}/results/").json()
    assert data["total"] == 1 and [r["name"] for r in data["schools"]] == ["柳河县第一小学"]
    detail = client.get(f"{URL}{survey.pk}/").json()
    assert [link["school_name"] for link in detail["links"]] == ["柳河县第一小学"]
    assert detail["responses"] == 1


def test_the_list_runs_the_same_queries_for_more_surveys(world, survey, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(world, "director_a")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        s = small_survey(office=world["county_a"], schools=[world["schools"]["a3"]])
        respond(s.links.get())
    with django_assert_num_queries(len(few)):
        assert client.get(URL).json()["count"] == 4
