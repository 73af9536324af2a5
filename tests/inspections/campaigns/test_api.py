"""/api/v1/campaigns/: the same scope and rules as the pages."""
import pytest
from django.utils import timezone

from inspections.campaigns.models import Campaign
from schools.choices import SchoolKind
from tests.api_support import api_as
from tests import factories as f

from .factories import campaign_made, special_visit_filled

pytestmark = pytest.mark.django_db
URL = "/api/v1/campaigns/"


@pytest.mark.parametrize("role, seen", [
    ("admin_a", True), ("director_a", True), ("city_viewer", True), ("sup_a1", True),
    ("sup_a2", False), ("admin_b", False), ("school_user_a1", False),
])
def test_campaigns_are_listed_and_opened_only_within_scope(world, role, seen):
    campaign = campaign_made(world)
    client = api_as(world, role)
    titles = [row["title"] for row in client.get(URL).json()["results"]]
    assert (campaign.title in titles) is seen
    assert client.get(f"{URL}{campaign.pk}/").status_code == (200 if seen else 404)
    assert client.get(f"{URL}{campaign.pk}/schools/").status_code == (200 if seen else 404)


def test_schools_endpoint_reports_each_schools_progress(world):
    campaign = campaign_made(world, schools=("a1", "a3"))
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    rows = api_as(world, "director_a").get(f"{URL}{campaign.pk}/schools/").json()
    assert [(r["school_name"], r["inspected"], r["problems"], r["tickets"]) for r in rows] == [
        ("柳河县第一小学", True, 1, 1), ("三源浦镇中心小学", False, 0, 0),
    ]


def payload(world, **extra):
    today = timezone.localdate().isoformat()
    data = {
        "office": world["county_a"].pk, "topic": "shuangjian", "start": today, "end": today,
        "leader": world["sup_a1"].pk, "team": [world["sup_a2"].pk], "selection": "random",
        "kinds": [SchoolKind.PRIMARY], "sample_size": 2, "seed": 42,
    }
    data.update(extra)
    return data


def test_office_admin_creates_a_random_sample_through_the_api(world):
    response = api_as(world, "admin_a").post(URL, payload(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seed"] == 42 and body["population_size"] == 2 and body["n_schools"] == 2
    assert [i["code"] for i in body["items"]][:2] == ["S1", "S2"]


def test_too_large_a_sample_answers_400_in_chinese(world):
    response = api_as(world, "admin_a").post(URL, payload(world, sample_size=7), format="json")
    assert response.status_code == 400
    assert "超过了可抽取的学校数" in response.json()["sample_size"][0]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role, status", [("director_a", 403), ("sup_a1", 403), ("school_user_a1", 403)])
def test_only_office_admins_create(world, role, status):
    assert api_as(world, role).post(URL, payload(world), format="json").status_code == status


def test_admin_of_another_office_cannot_create_in_this_one(world):
    response = api_as(world, "admin_b").post(URL, payload(world), format="json")
    assert response.status_code == 400
    assert not Campaign.objects.exists()


API_LIST_QUERIES = 6


def test_the_api_list_runs_the_same_queries_for_one_or_many_campaigns(world, django_assert_num_queries):
    client = api_as(world, "director_a")
    campaign_made(world)
    client.get(URL)
    with django_assert_num_queries(API_LIST_QUERIES):
        assert client.get(URL).json()["count"] == 1
    for n in range(5):
        c = campaign_made(world, schools=("a1", "a2", "a3"), team=("sup_a1", "sup_a2"))
        special_visit_filled(c, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    f.SchoolFactory(office=world["county_a"])
    with django_assert_num_queries(API_LIST_QUERIES):
        assert client.get(URL).json()["count"] == 6
