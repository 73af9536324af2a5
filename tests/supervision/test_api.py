"""The /api/v1/ offices, zones and supervisors endpoints: every role, reading and writing,
token login, the OpenAPI schema and the self-hosted docs page."""
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from schools.models import School
from supervision import clock
from supervision.choices import Role
from supervision.models import Supervisor, Zone, ZoneAssignment
from supervision.services import role_grant, zone_set_supervisors
from tests import factories as f
from tests.api_support import api_as, assert_list_queries, assert_scope, names

pytestmark = pytest.mark.django_db

OFFICES = "/api/v1/offices/"
ZONES = "/api/v1/zones/"
SUPERVISORS = "/api/v1/supervisors/"

NO_ACCESS = (401, 403)  # not logged in: DRF answers 403 when session auth is tried first


def detail(url, obj, suffix=""):
    return f"{url}{obj.pk}/{suffix}"


# --- Anonymous and token login ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [OFFICES, ZONES, SUPERVISORS, "/api/v1/schools/"])
def test_anonymous_visitor_gets_no_data_from_any_list(world, url):
    response = APIClient().get(url)
    assert response.status_code in NO_ACCESS
    assert "results" not in response.json()
    assert "柳河" not in response.content.decode()


def test_anonymous_visitor_cannot_read_or_create_a_zone(world):
    client = APIClient()
    assert client.get(detail(ZONES, world["zone_a1"])).status_code in NO_ACCESS
    response = client.post(ZONES, {"office": world["county_a"].pk, "name": "新区", "category": "urban_schools"})
    assert response.status_code in NO_ACCESS
    assert not Zone.objects.filter(name="新区").exists()


def test_mobile_client_logs_in_with_a_token_and_lists_its_zones(world):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "admin_a", "password": f.PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(ZONES)
    assert response.status_code == 200
    assert names(response) == ["乡镇第一责任区", "城区第一责任区"]


def test_token_login_with_a_wrong_password_is_refused_in_chinese(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "admin_a", "password": "wrong-password"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert re.search(r"[\u4e00-\u9fff]", str(response.json()))


def test_a_made_up_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get(ZONES)
    assert response.status_code in NO_ACCESS
    assert "results" not in response.json()
    assert response.json()["detail"] == "认证令牌无效。"


# --- Offices ---------------------------------------------------------------------------------------

OFFICES_SEEN = {
    "admin_a": ["柳河县人民政府教育督导室"],
    "director_a": ["柳河县人民政府教育督导室"],
    "sup_a1": ["柳河县人民政府教育督导室"],
    "school_user_a1": ["柳河县人民政府教育督导室"],
    "city_viewer": ["柳河县人民政府教育督导室", "辉南县人民政府教育督导室", "通化市人民政府教育督导室"],
    "province_viewer": [
        "吉林省人民政府教育督导室", "柳河县人民政府教育督导室", "辉南县人民政府教育督导室", "通化市人民政府教育督导室",
    ],
    "admin_b": ["辉南县人民政府教育督导室"],
}


@pytest.mark.parametrize("role", OFFICES_SEEN)
def test_each_role_reads_exactly_the_offices_in_its_scope(world, role):
    assert_scope(world, role, OFFICES, seen=OFFICES_SEEN[role], probe=world["county_b"])


def test_office_record_names_its_parent_and_level(world):
    body = api_as(world, "city_viewer").get(detail(OFFICES, world["county_b"])).json()
    assert (body["parent_name"], body["level_label"], body["division_code"]) == ("通化市人民政府教育督导室", "区县级", "220523")


def test_offices_are_never_deleted_and_a_county_admin_sets_up_no_office(world):
    # Writing offices is tested in test_office_api.py; here what stays closed.
    client = api_as(world, "admin_a")
    assert client.delete(detail(OFFICES, world["county_a"])).status_code == 405
    assert client.post(OFFICES, {"name": "新督导室"}, format="json").status_code == 403
    world["county_a"].refresh_from_db()
    assert world["county_a"].name == "柳河县人民政府教育督导室"


def test_office_list_can_be_filtered_by_level_and_searched(world):
    client = api_as(world, "province_viewer")
    assert names(client.get(OFFICES, {"level": "city"})) == ["通化市人民政府教育督导室"]
    assert names(client.get(OFFICES, {"search": "辉南"})) == ["辉南县人民政府教育督导室"]


# --- Zones: reading --------------------------------------------------------------------------------

ZONES_SEEN = {
    "admin_a": ["乡镇第一责任区", "城区第一责任区"],
    "director_a": ["乡镇第一责任区", "城区第一责任区"],
    "sup_a1": ["城区第一责任区"],
    "school_user_a1": [],
    "city_viewer": ["乡镇第一责任区", "城区第一责任区", "辉南城区责任区"],
    "province_viewer": ["乡镇第一责任区", "城区第一责任区", "辉南城区责任区"],
    "admin_b": ["辉南城区责任区"],
}


@pytest.mark.parametrize("role", ZONES_SEEN)
@pytest.mark.parametrize("probe", ["zone_a1", "zone_b1"])
def test_each_role_reads_exactly_the_zones_in_its_scope(world, role, probe):
    assert_scope(world, role, ZONES, seen=ZONES_SEEN[role], probe=world[probe])


def test_zone_shows_its_schools_count_and_its_lead_supervisor(world):
    response = api_as(world, "director_a").get(detail(ZONES, world["zone_a1"]))
    body = response.json()
    assert body["school_count"] == 2
    assert body["office_name"] == "柳河县人民政府教育督导室"
    assert body["supervisors"] == [
        {"id": world["sup_a1"].pk, "name": "王督学", "is_lead": True, "valid_from": f.roster_start().isoformat()}
    ]


def test_zone_list_filters_by_the_shared_zone_filter(world):
    client = api_as(world, "city_viewer")
    assert names(client.get(ZONES, {"q": "辉南"})) == ["辉南城区责任区"]
    assert names(client.get(ZONES, {"office": world["county_a"].pk})) == ["乡镇第一责任区", "城区第一责任区"]
    assert client.get(ZONES, {"category": "no-such-category"}).status_code == 400


# --- Zones: writing --------------------------------------------------------------------------------

NEW_ZONE = {"name": "民办幼儿园责任区", "category": "private_kg", "description": "全县民办幼儿园"}


def test_admin_draws_a_new_zone_for_their_office(world):
    response = api_as(world, "admin_a").post(ZONES, {**NEW_ZONE, "office": world["county_a"].pk}, format="json")
    assert response.status_code == 201
    zone = Zone.objects.get(name="民办幼儿园责任区")
    assert zone.office == world["county_a"]
    assert response.json()["id"] == zone.pk
    assert response.json()["school_count"] == 0
    assert response.json()["category_label"] == "民办幼儿园"


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_an_admin_may_draw_a_zone(world, role):
    response = api_as(world, role).post(ZONES, {**NEW_ZONE, "office": world["county_a"].pk}, format="json")
    assert response.status_code == 403
    assert not Zone.objects.filter(name=NEW_ZONE["name"]).exists()


def test_admin_of_county_b_cannot_draw_a_zone_in_county_a(world):
    response = api_as(world, "admin_b").post(ZONES, {**NEW_ZONE, "office": world["county_a"].pk}, format="json")
    assert response.status_code == 400
    assert "不在您的权限范围内" in response.json()["office"][0]
    assert not Zone.objects.filter(name=NEW_ZONE["name"]).exists()


def test_a_second_zone_with_the_same_name_is_refused_in_chinese(world):
    response = api_as(world, "admin_a").post(
        ZONES, {**NEW_ZONE, "name": "城区第一责任区", "office": world["county_a"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "本督导室已有名为“城区第一责任区”的责任区" in str(response.json())
    assert Zone.objects.filter(name="城区第一责任区").count() == 1


def test_a_zone_with_an_unknown_category_is_refused(world):
    response = api_as(world, "admin_a").post(
        ZONES, {**NEW_ZONE, "category": "moon_schools", "office": world["county_a"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "category" in response.json()


def test_admin_renames_a_zone_and_the_rest_of_it_stays(world):
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").patch(detail(ZONES, zone), {"name": "城区第一责任区(东)"}, format="json")
    assert response.status_code == 200
    zone.refresh_from_db()
    assert zone.name == "城区第一责任区(东)"
    assert zone.category == "urban_schools"
    assert response.json()["school_count"] == 2
    assert response.json()["supervisors"][0]["name"] == "王督学"


def test_a_zone_cannot_be_moved_to_another_office_by_editing_it(world):
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").put(
        detail(ZONES, zone),
        {"name": zone.name, "category": zone.category, "description": "", "office": world["county_b"].pk},
        format="json",
    )
    assert response.status_code == 200
    zone.refresh_from_db()
    assert zone.office == world["county_a"]


@pytest.mark.parametrize(
    "role, status",
    [
        ("director_a", 403),
        ("sup_a1", 403),
        ("city_viewer", 403),
        ("province_viewer", 403),
        ("school_user_a1", 404),
        ("admin_b", 404),
    ],
)
def test_only_the_offices_admin_may_edit_or_delete_a_zone(world, role, status):
    client = api_as(world, role)
    empty = f.ZoneFactory(office=world["county_a"], name="空责任区")
    if role == "sup_a1":
        empty = world["zone_a1"]  # the one zone the supervisor can see
    assert client.patch(detail(ZONES, empty), {"name": "改名"}, format="json").status_code == status
    assert client.delete(detail(ZONES, empty)).status_code == status
    assert Zone.objects.filter(pk=empty.pk).exclude(name="改名").exists()


def test_admin_deletes_an_empty_zone(world):
    empty = f.ZoneFactory(office=world["county_a"], name="空责任区")
    response = api_as(world, "admin_a").delete(detail(ZONES, empty))
    assert response.status_code == 204
    assert not Zone.objects.filter(pk=empty.pk).exists()


def test_a_zone_that_still_has_schools_is_not_deleted(world):
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").delete(detail(ZONES, zone))
    assert response.status_code == 400
    assert "还有 2 所学校" in str(response.json())
    assert Zone.objects.filter(pk=zone.pk).exists()
    assert School.objects.current(zone=zone).count() == 2


# --- Zones: assigning schools and supervisors ------------------------------------------------------


def test_admin_moves_schools_into_a_zone_in_one_request(world):
    zone, schools = world["zone_a2"], world["schools"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, zone, "schools/"), {"schools": [schools["a4"].pk, schools["a1"].pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["school_count"] == 3
    assert sorted(School.objects.current(zone=zone).values_list("name", flat=True)) == [
        "三源浦镇中心小学", "柳河县实验幼儿园", "柳河县第一小学"
    ]


def test_a_school_of_another_county_cannot_be_put_into_the_admins_zone(world):
    b1 = world["schools"]["b1"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, world["zone_a1"], "schools/"), {"schools": [b1.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "不在您的权限范围内" in str(response.json()["schools"])
    assert f.zone_today(b1) == world["zone_b1"]


def test_even_an_admin_who_can_see_the_neighbour_cannot_take_its_school(world):
    admin = world["admin_a"]
    role_grant(user=admin, role=Role.VIEWER, office=world["city"])  # also reads the whole city
    b1 = world["schools"]["b1"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, world["zone_a1"], "schools/"), {"schools": [b1.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "以下学校不属于本督导室,不能划入该责任区:辉南县第一小学" in str(response.json())
    assert f.zone_today(b1) == world["zone_b1"]


def test_assigning_no_schools_is_refused(world):
    url = detail(ZONES, world["zone_a1"], "schools/")
    response = api_as(world, "admin_a").post(url, {"schools": []}, format="json")
    assert response.status_code == 400
    assert "schools" in response.json()


@pytest.mark.parametrize("role, status", [("director_a", 403), ("sup_a1", 403), ("city_viewer", 403), ("admin_b", 404)])
def test_only_the_offices_admin_may_assign_schools(world, role, status):
    a4 = world["schools"]["a4"]
    response = api_as(world, role).post(
        detail(ZONES, world["zone_a1"], "schools/"), {"schools": [a4.pk]}, format="json"
    )
    assert response.status_code == status
    assert f.zone_today(a4) is None


def test_admin_staffs_a_zone_with_two_supervisors_and_picks_the_lead(world):
    zone, sup_a1, sup_a2 = world["zone_a1"], world["sup_a1"], world["sup_a2"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, zone, "supervisors/"), {"supervisors": [sup_a1.pk, sup_a2.pk], "lead": sup_a2.pk}, format="json"
    )
    assert response.status_code == 200
    today = clock.today().isoformat()
    assert response.json()["supervisors"] == [
        {"id": sup_a2.pk, "name": "李督学", "is_lead": True, "valid_from": today},
        {"id": sup_a1.pk, "name": "王督学", "is_lead": False, "valid_from": today},
    ]
    assert ZoneAssignment.objects.current().get(zone=zone, is_lead=True).supervisor == sup_a2
    # 王督学 led the zone until yesterday: the history keeps it.
    led = ZoneAssignment.objects.get(zone=zone, supervisor=sup_a1, is_lead=True)
    assert (led.valid_from, led.valid_to) == (f.roster_start(), clock.today())


def test_a_supervisor_of_another_county_cannot_be_assigned(world):
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, zone, "supervisors/"), {"supervisors": [world["sup_b1"].pk]}, format="json"
    )
    assert response.status_code == 400
    assert "不在您的权限范围内" in str(response.json()["supervisors"])
    assert list(zone.supervisors.all()) == [world["sup_a1"]]


def test_even_an_admin_who_can_see_the_neighbour_cannot_take_its_supervisor(world):
    role_grant(user=world["admin_a"], role=Role.VIEWER, office=world["city"])
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, zone, "supervisors/"), {"supervisors": [world["sup_b1"].pk]}, format="json"
    )
    assert response.status_code == 400
    assert "以下督学不属于本督导室:赵督学" in str(response.json())
    assert list(zone.supervisors.all()) == [world["sup_a1"]]


def test_the_lead_must_be_one_of_the_zones_supervisors(world):
    zone = world["zone_a1"]
    response = api_as(world, "admin_a").post(
        detail(ZONES, zone, "supervisors/"),
        {"supervisors": [world["sup_a1"].pk], "lead": world["sup_a2"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "组长必须是该责任区的责任督学" in str(response.json())
    assert ZoneAssignment.objects.get(zone=zone).is_lead


@pytest.mark.parametrize(
    "role, status", [("director_a", 403), ("sup_a1", 403), ("province_viewer", 403), ("admin_b", 404)]
)
def test_only_the_offices_admin_may_staff_a_zone(world, role, status):
    zone = world["zone_a1"]
    response = api_as(world, role).post(
        detail(ZONES, zone, "supervisors/"), {"supervisors": [world["sup_a2"].pk]}, format="json"
    )
    assert response.status_code == status
    assert list(zone.supervisors.all()) == [world["sup_a1"]]


# --- Supervisors -----------------------------------------------------------------------------------

SUPERVISORS_SEEN = {
    "admin_a": ["李督学", "王督学"],
    "director_a": ["李督学", "王督学"],
    "sup_a1": ["王督学"],
    "school_user_a1": [],
    "city_viewer": ["李督学", "王督学", "赵督学"],
    "province_viewer": ["李督学", "王督学", "赵督学"],
    "admin_b": ["赵督学"],
}


@pytest.mark.parametrize("role", SUPERVISORS_SEEN)
@pytest.mark.parametrize("probe", ["sup_a2", "sup_b1"])
def test_each_role_reads_exactly_the_supervisors_in_its_scope(world, role, probe):
    assert_scope(world, role, SUPERVISORS, seen=SUPERVISORS_SEEN[role], probe=world[probe])


def test_supervisor_record_shows_zones_with_lead_flag_and_never_the_login(world):
    response = api_as(world, "director_a").get(detail(SUPERVISORS, world["sup_a1"]))
    body = response.json()
    assert body["zones"] == [
        {"id": world["zone_a1"].pk, "name": "城区第一责任区", "is_lead": True, "valid_from": f.roster_start().isoformat()}
    ]
    assert body["kind_label"] == "专职督学"
    assert not {"user", "password", "username", "last_login", "is_superuser"} & set(body)
    user = world["sup_a1"].user
    assert user.password not in response.content.decode()
    assert f'"{user.username}"' not in response.content.decode()


def test_colleagues_sharing_a_zone_see_each_other(world):
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a1"])
    assert names(api_as(world, "sup_a1").get(SUPERVISORS)) == ["李督学", "王督学"]


def test_supervisor_list_filters_by_kind_and_searches_by_phone(world):
    client = api_as(world, "city_viewer")
    assert names(client.get(SUPERVISORS, {"kind": "part_time"})) == ["李督学"]
    assert names(client.get(SUPERVISORS, {"search": world["sup_b1"].phone})) == ["赵督学"]
    assert names(client.get(SUPERVISORS, {"ordering": "-name"})) == ["李督学", "王督学", "赵督学"]


NEW_SUPERVISOR = {"name": "孙督学", "phone": "13604351234", "kind": "part_time", "employer": "柳河县第五中学"}


def test_admin_registers_a_supervisor_whose_login_is_not_their_phone(world):
    response = api_as(world, "admin_a").post(
        SUPERVISORS, {**NEW_SUPERVISOR, "office": world["county_a"].pk}, format="json"
    )
    assert response.status_code == 201
    supervisor = Supervisor.objects.get(phone="13604351234")
    assert supervisor.office == world["county_a"]
    assert supervisor.user.username == "dx220524001"  # the plaque prints the phone; the login is not it
    assert not supervisor.user.has_usable_password()
    assert response.json()["zones"] == []
    assert "user" not in response.json()


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_an_admin_may_register_a_supervisor(world, role):
    response = api_as(world, role).post(SUPERVISORS, {**NEW_SUPERVISOR, "office": world["county_a"].pk}, format="json")
    assert response.status_code == 403
    assert not Supervisor.objects.filter(phone=NEW_SUPERVISOR["phone"]).exists()


def test_admin_of_county_b_cannot_register_a_supervisor_for_county_a(world):
    data = {**NEW_SUPERVISOR, "office": world["county_a"].pk}
    response = api_as(world, "admin_b").post(SUPERVISORS, data, format="json")
    assert response.status_code == 400
    assert "office" in response.json()
    assert not Supervisor.objects.filter(phone=NEW_SUPERVISOR["phone"]).exists()


def test_a_bad_phone_number_is_refused_in_chinese(world):
    response = api_as(world, "admin_a").post(
        SUPERVISORS, {**NEW_SUPERVISOR, "phone": "12345", "office": world["county_a"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "请输入有效的手机号" in response.json()["phone"][0]


def test_a_phone_already_registered_is_refused_and_the_other_supervisor_is_untouched(world):
    taken = world["sup_b1"].phone
    response = api_as(world, "admin_a").post(
        SUPERVISORS, {**NEW_SUPERVISOR, "phone": taken, "office": world["county_a"].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["phone"] == ["该手机号已登记为督学。"]
    world["sup_b1"].refresh_from_db()
    assert (world["sup_b1"].name, world["sup_b1"].office) == ("赵督学", world["county_b"])


def test_admin_edits_a_supervisors_title_and_nothing_else_changes(world):
    sup = world["sup_a2"]
    response = api_as(world, "admin_a").patch(
        detail(SUPERVISORS, sup), {"title": "副校长", "office": world["county_b"].pk}, format="json"
    )
    assert response.status_code == 200
    sup.refresh_from_db()
    assert (sup.title, sup.employer, sup.kind, sup.office) == ("副校长", "柳河县第三小学", "part_time", world["county_a"])
    assert response.json()["zones"][0]["name"] == "乡镇第一责任区"


def test_admin_takes_a_supervisor_off_duty_and_their_login_stops(world):
    sup = world["sup_a2"]
    response = api_as(world, "admin_a").patch(detail(SUPERVISORS, sup), {"is_active": False}, format="json")
    assert response.status_code == 200
    sup.user.refresh_from_db()
    assert not sup.user.is_active


@pytest.mark.parametrize(
    "role, status",
    [
        ("director_a", 403),
        ("sup_a1", 403),  # even their own record: the office keeps the roster
        ("city_viewer", 403),
        ("province_viewer", 403),
        ("school_user_a1", 404),
        ("admin_b", 404),
    ],
)
def test_only_the_offices_admin_may_edit_a_supervisor(world, role, status):
    sup = world["sup_a1"]
    response = api_as(world, role).patch(detail(SUPERVISORS, sup), {"title": "改过"}, format="json")
    assert response.status_code == status
    sup.refresh_from_db()
    assert sup.title == ""


def test_supervisors_cannot_be_deleted_through_the_api(world):
    response = api_as(world, "admin_a").delete(detail(SUPERVISORS, world["sup_a2"]))
    assert response.status_code == 405
    assert Supervisor.objects.filter(pk=world["sup_a2"].pk).exists()


# --- Constant queries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, url, queries",
    [
        # session, user, count, page (+ one prefetch for nested zones/supervisors)
        ("province_viewer", OFFICES, 4),
        ("province_viewer", ZONES, 5),
        ("admin_a", ZONES, 5),
        ("sup_a1", ZONES, 5),
        ("province_viewer", SUPERVISORS, 5),
        ("sup_a1", SUPERVISORS, 5),
    ],
)
def test_list_endpoints_run_the_same_number_of_queries_for_more_data(
    world, role, url, queries, django_assert_num_queries
):
    assert_list_queries(
        api_as(world, role), url, queries=queries, world=world, django_assert_num_queries=django_assert_num_queries
    )


# --- OpenAPI schema and docs -----------------------------------------------------------------------


def test_openapi_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in ["/api/v1/offices/", "/api/v1/schools/", "/api/v1/zones/{id}/schools/", "/api/v1/zones/{id}/"]:
        assert path in schema


def test_schema_is_served_and_describes_the_zone_actions(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "requestBody" in schema["paths"]["/api/v1/zones/{id}/supervisors/"]["post"]
    assert "ZoneSupervisors" in schema["components"]["schemas"]


def test_schema_documents_every_operations_errors_with_the_body_the_api_answers(world):
    schema = api_as(world, "admin_a").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) > 100
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"400", "404", "500"} <= codes, (path, method)
        if path != "/api/v1/auth/token/":
            assert {"401", "403"} <= codes, (path, method)
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    # The documented bodies are the real ones: a 404 and a 401 carry "detail", a 500 its error_id.
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]
    assert schema["components"]["schemas"]["ServerError"]["required"] == ["detail", "error_id"]
    assert set(api_as(world, "admin_a").get("/api/v1/zones/999999/").json()) == {"detail"}
    assert set(api_as(world, "anonymous").get("/api/v1/zones/").json()) == {"detail"}


# The writes a migration script needs, each with the body it takes (drf-spectacular component name).
WRITES = [
    ("/api/v1/offices/", "post", "OfficeCreate"),
    ("/api/v1/offices/{id}/", "patch", "PatchedOfficeUpdate"),
    ("/api/v1/users/", "post", "UserCreate"),
    ("/api/v1/users/{id}/grant/", "post", "RoleInput"),
    ("/api/v1/users/{id}/revoke/", "post", "RoleInput"),
    ("/api/v1/users/{id}/password/", "post", "PasswordSet"),
    ("/api/v1/auth/password/", "post", "PasswordChange"),
    ("/api/v1/surveys/", "post", "SurveyCreate"),
    ("/api/v1/surveys/{id}/questions/", "post", "QuestionInput"),
    ("/api/v1/surveys/{id}/publish/", "post", "Publish"),
    ("/api/v1/surveys/{id}/links/{link_id}/codes/", "post", "CodesInput"),
    ("/api/v1/evaluation-schemes/", "post", "SchemeCreate"),
    ("/api/v1/evaluation-schemes/{id}/indicators/", "post", "IndicatorInput"),
    ("/api/v1/evaluation-rounds/", "post", "RoundCreate"),
    ("/api/v1/evaluation-entries/{id}/rectify/", "post", "RectifyInput"),
]


def test_schema_documents_the_setup_writes_with_their_request_bodies(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, method, component in WRITES:
        body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{component}"}, (path, body)
    assert "admin" in schema["components"]["schemas"]["OfficeCreate"]["required"]
    assert "200" in schema["paths"]["/api/v1/users/{id}/reset-password/"]["post"]["responses"]
    assert "password" in schema["components"]["schemas"]["PasswordReset"]["properties"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_only_from_our_own_server(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    hosts = set(re.findall(r"(?:https?:)?//([\w.-]+(?::\d+)?)", html))
    assert hosts <= {"testserver"}, hosts
