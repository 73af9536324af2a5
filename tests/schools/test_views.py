"""School pages: list, detail, create/edit — scoped per role, bad input kept."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import School
from tests import factories as f

pytestmark = pytest.mark.django_db


def listed(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("schools:list") + query)
    assert response.status_code == 200
    return sorted(s.name for s in response.context["page"])


def test_each_role_lists_exactly_the_schools_in_its_scope(client, world):
    assert listed(client, world["sup_a1"].user) == ["柳河县第一小学", "柳河县第二中学"]
    assert listed(client, world["school_user_a1"]) == ["柳河县第一小学"]
    assert len(listed(client, world["director_a"])) == 4
    assert len(listed(client, world["admin_a"])) == 4
    assert len(listed(client, world["city_viewer"])) == 5
    assert listed(client, world["admin_b"]) == ["辉南县第一小学"]


def test_filters_and_search_narrow_the_list(client, world):
    admin = world["admin_a"]
    assert listed(client, admin, "?kind=kindergarten") == ["柳河县实验幼儿园"]
    assert listed(client, admin, "?no_zone=true") == ["柳河县实验幼儿园"]
    assert listed(client, admin, f"?zone={world['zone_a2'].pk}") == ["三源浦镇中心小学"]
    assert listed(client, admin, "?q=二中") == ["柳河县第二中学"]
    assert listed(client, admin, "?location=town") == ["三源浦镇中心小学"]


def test_zone_filter_cannot_reach_into_another_office(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("schools:list") + f"?zone={world['zone_b1'].pk}")
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("who", ["school_user_a1", "sup_a2", "admin_b", "director_a"])
def test_guessing_another_schools_url_answers_404(client, world, who):
    user = world[who].user if who.startswith("sup_") else world[who]
    target = world["schools"]["b1"] if who != "admin_b" else world["schools"]["a1"]
    client.force_login(user)
    assert client.get(reverse("schools:detail", args=[target.pk])).status_code == 404


def test_school_user_opens_their_own_school_from_home(client, world):
    client.force_login(world["school_user_a1"])
    response = client.get(reverse("home"), follow=True)
    assert response.context["school"] == world["schools"]["a1"]
    assert "王督学" in response.content.decode()


def test_admin_adds_a_school_into_a_zone(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("schools:create"),
        {"code": "2205240099", "name": "柳河县第五小学", "kind": "primary", "ownership": "public", "location": "urban",
         "office": world["county_a"].pk, "zone": world["zone_a1"].pk, "is_active": "on"},
    )
    school = School.objects.get(code="2205240099")
    assert response.url == reverse("schools:detail", args=[school.pk])
    assert school.current_zone == world["zone_a1"]


def test_a_school_cannot_point_at_another_offices_zone(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("schools:create"),
        {"code": "2205240098", "name": "越区学校", "kind": "primary", "ownership": "public", "location": "urban",
         "office": world["county_a"].pk, "zone": world["zone_b1"].pk},
    )
    assert response.status_code == 400
    assert not School.objects.filter(code="2205240098").exists()
    assert 'value="越区学校"' in response.content.decode()


def test_bad_school_code_and_duplicate_code_get_clear_errors(client, world):
    client.force_login(world["admin_a"])
    data = {"name": "新学校", "kind": "primary", "ownership": "public", "location": "urban", "office": world["county_a"].pk}
    body = client.post(reverse("schools:create"), {**data, "code": "12345"}).content.decode()
    assert "学校标识码应为10位数字" in body
    existing = world["schools"]["b1"].code
    response = client.post(reverse("schools:create"), {**data, "code": existing})
    assert response.status_code == 400
    assert f"学校标识码 {existing} 已存在" in response.content.decode()
    assert School.objects.filter(code=existing).get().name == "辉南县第一小学"


def test_admin_edits_a_school_but_not_its_code(client, world):
    school = world["schools"]["a3"]
    client.force_login(world["admin_a"])
    client.post(
        reverse("schools:edit", args=[school.pk]),
        {"code": "9999999999", "name": "三源浦镇第一小学", "kind": "primary", "ownership": "public", "location": "town",
         "office": world["county_a"].pk, "zone": world["zone_a2"].pk, "is_active": "on"},
    )
    school.refresh_from_db()
    assert school.name == "三源浦镇第一小学"
    assert school.code != "9999999999"


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "school_user_a1", "admin_b"])
def test_only_the_office_admin_edits_its_schools(client, world, who):
    school = world["schools"]["a1"]
    client.force_login(world[who])
    response = client.post(reverse("schools:edit", args=[school.pk]), {"name": "改名"})
    assert response.status_code == 404
    school.refresh_from_db()
    assert school.name == "柳河县第一小学"


def test_school_list_runs_a_constant_number_of_queries(client, world):
    client.force_login(world["director_a"])
    client.get(reverse("schools:list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("schools:list"))
    zone = f.ZoneFactory(office=world["county_a"])
    f.SchoolFactory.create_batch(120, office=world["county_a"], zone=zone)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("schools:list"))
    assert response.context["page"].paginator.count == 124
    assert len(large) == len(small)
