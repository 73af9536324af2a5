"""The /api/v1/schools/ endpoint: every role reading and writing, filters, and bad input."""
import pytest
from rest_framework.test import APIClient

from schools.models import School
from supervision.choices import Role
from supervision.services import role_grant
from tests.api_support import api_as, assert_list_queries, assert_scope, names

pytestmark = pytest.mark.django_db

SCHOOLS = "/api/v1/schools/"
ALL_A = ["三源浦镇中心小学", "柳河县实验幼儿园", "柳河县第一小学", "柳河县第二中学"]
ALL = sorted([*ALL_A, "辉南县第一小学"])

SCHOOLS_SEEN = {
    "admin_a": ALL_A,
    "director_a": ALL_A,
    "sup_a1": ["柳河县第一小学", "柳河县第二中学"],
    "school_user_a1": ["柳河县第一小学"],
    "city_viewer": ALL,
    "province_viewer": ALL,
    "admin_b": ["辉南县第一小学"],
}


def url_of(school):
    return f"{SCHOOLS}{school.pk}/"


def new_school(world, **overrides):
    data = {
        "code": "2205240099",
        "name": "柳河县第九小学",
        "kind": "primary",
        "ownership": "public",
        "location": "rural",
        "office": world["county_a"].pk,
        "zone": world["zone_a2"].pk,
        "principal": "周校长",
        "phone": "0435-7212345",
    }
    data.update(overrides)
    return data


# --- Reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCHOOLS_SEEN)
@pytest.mark.parametrize("key", ["a2", "b1"])
def test_each_role_reads_exactly_the_schools_in_its_scope(world, role, key):
    assert_scope(world, role, SCHOOLS, seen=SCHOOLS_SEEN[role], probe=world["schools"][key])


def test_anonymous_visitor_cannot_open_a_school(world):
    response = APIClient().get(url_of(world["schools"]["a1"]))
    assert response.status_code in (401, 403)
    assert "柳河县第一小学" not in response.content.decode()


def test_school_record_names_its_office_zone_and_kind_in_chinese(world):
    body = api_as(world, "school_user_a1").get(url_of(world["schools"]["a1"])).json()
    assert body["office_name"] == "柳河县人民政府教育督导室"
    assert body["zone"] == world["zone_a1"].pk
    assert body["zone_name"] == "城区第一责任区"
    assert (body["kind_label"], body["ownership_label"], body["location_label"]) == ("小学", "公办", "城区")


def test_a_school_outside_any_zone_shows_no_zone(world):
    body = api_as(world, "admin_a").get(url_of(world["schools"]["a4"])).json()
    assert body["zone"] is None
    assert body["zone_name"] is None


def test_school_list_uses_the_shared_school_filter(world):
    client = api_as(world, "city_viewer")
    assert names(client.get(SCHOOLS, {"kind": "kindergarten"})) == ["柳河县实验幼儿园"]
    assert names(client.get(SCHOOLS, {"no_zone": "true"})) == ["柳河县实验幼儿园"]
    assert names(client.get(SCHOOLS, {"zone": world["zone_a1"].pk})) == ["柳河县第一小学", "柳河县第二中学"]
    assert names(client.get(SCHOOLS, {"location": "town"})) == ["三源浦镇中心小学"]
    assert names(client.get(SCHOOLS, {"q": "辉南"})) == ["辉南县第一小学"]
    assert names(client.get(SCHOOLS, {"office": world["county_b"].pk})) == ["辉南县第一小学"]


def test_filtering_by_a_zone_the_user_cannot_see_is_refused_and_shows_nothing(world):
    response = api_as(world, "admin_a").get(SCHOOLS, {"zone": world["zone_b1"].pk})
    assert response.status_code == 400
    assert "zone" in response.json()
    assert "辉南县第一小学" not in response.content.decode()


def test_school_list_can_be_searched_and_ordered(world):
    client = api_as(world, "admin_a")
    assert names(client.get(SCHOOLS, {"search": "中学"})) == ["柳河县第二中学"]
    code = world["schools"]["a3"].code
    assert names(client.get(SCHOOLS, {"search": code})) == ["三源浦镇中心小学"]
    ordered = [row["name"] for row in client.get(SCHOOLS, {"ordering": "-code"}).json()["results"]]
    by_code = sorted((world["schools"][k] for k in ("a1", "a2", "a3", "a4")), key=lambda s: s.code, reverse=True)
    assert ordered == [s.name for s in by_code]


@pytest.mark.parametrize("role, queries", [("province_viewer", 5), ("admin_a", 5), ("sup_a1", 5)])
def test_school_list_runs_the_same_number_of_queries_for_more_schools(world, role, queries, django_assert_num_queries):
    # session, user, count, page (office joined in), each school's membership today with its zone
    assert_list_queries(
        api_as(world, role), SCHOOLS, queries=queries, world=world, django_assert_num_queries=django_assert_num_queries
    )


# --- Creating --------------------------------------------------------------------------------------


def test_admin_registers_a_school_in_a_zone_of_their_office(world):
    response = api_as(world, "admin_a").post(SCHOOLS, new_school(world), format="json")
    assert response.status_code == 201
    school = School.objects.get(code="2205240099")
    assert (school.name, school.office, school.current_zone) == ("柳河县第九小学", world["county_a"], world["zone_a2"])
    assert response.json()["zone_name"] == "乡镇第一责任区"
    assert response.json()["location_label"] == "乡村"


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_an_admin_may_register_a_school(world, role):
    response = api_as(world, role).post(SCHOOLS, new_school(world), format="json")
    assert response.status_code == 403
    assert not School.objects.filter(code="2205240099").exists()


def test_admin_of_county_a_cannot_register_a_school_in_county_b(world):
    response = api_as(world, "admin_a").post(
        SCHOOLS, new_school(world, office=world["county_b"].pk, zone=None), format="json"
    )
    assert response.status_code == 400
    assert "不在您的权限范围内" in response.json()["office"][0]
    assert not School.objects.filter(code="2205240099").exists()


def test_a_school_code_that_is_not_ten_digits_is_refused_in_chinese(world):
    response = api_as(world, "admin_a").post(SCHOOLS, new_school(world, code="22052400"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == ["学校标识码应为10位数字。"]
    assert not School.objects.filter(name="柳河县第九小学").exists()


def test_a_school_code_already_registered_is_refused_and_that_school_is_untouched(world):
    b1 = world["schools"]["b1"]
    response = api_as(world, "admin_a").post(SCHOOLS, new_school(world, code=b1.code, zone=None), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == ["该学校标识码已存在。"]
    b1.refresh_from_db()
    assert (b1.name, b1.office) == ("辉南县第一小学", world["county_b"])


def test_a_zone_of_another_office_is_refused(world):
    response = api_as(world, "admin_a").post(SCHOOLS, new_school(world, zone=world["zone_b1"].pk), format="json")
    assert response.status_code == 400
    assert "不在您的权限范围内" in response.json()["zone"][0]
    assert not School.objects.filter(code="2205240099").exists()


def test_an_admin_who_can_see_the_neighbours_zone_still_cannot_use_it(world):
    role_grant(user=world["admin_a"], role=Role.VIEWER, office=world["city"])
    response = api_as(world, "admin_a").post(SCHOOLS, new_school(world, zone=world["zone_b1"].pk), format="json")
    assert response.status_code == 400
    assert response.json()["zone"] == ["责任区“辉南城区责任区”不属于柳河县人民政府教育督导室。"]
    assert not School.objects.filter(code="2205240099").exists()


def test_a_bad_phone_and_an_unknown_kind_are_both_reported(world):
    response = api_as(world, "admin_a").post(
        SCHOOLS, new_school(world, phone="123", kind="university"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"phone", "kind"}
    assert "请输入有效的手机号" in response.json()["phone"][0]


# --- Editing ---------------------------------------------------------------------------------------


def test_admin_renames_a_school_and_it_stays_in_its_zone(world):
    a1 = world["schools"]["a1"]
    response = api_as(world, "admin_a").patch(url_of(a1), {"name": "柳河县第一实验小学"}, format="json")
    assert response.status_code == 200
    a1.refresh_from_db()
    assert (a1.name, a1.current_zone, a1.kind) == ("柳河县第一实验小学", world["zone_a1"], "primary")


def test_admin_takes_a_school_out_of_its_zone(world):
    a1 = world["schools"]["a1"]
    response = api_as(world, "admin_a").patch(url_of(a1), {"zone": None}, format="json")
    assert response.status_code == 200
    a1.refresh_from_db()
    assert a1.current_zone is None


def test_a_schools_code_and_office_cannot_be_changed_by_editing(world):
    a1 = world["schools"]["a1"]
    code = a1.code
    response = api_as(world, "admin_a").patch(
        url_of(a1), {"code": "2205249999", "office": world["county_b"].pk}, format="json"
    )
    assert response.status_code == 200
    a1.refresh_from_db()
    assert (a1.code, a1.office) == (code, world["county_a"])


def test_editing_a_school_into_another_offices_zone_is_refused(world):
    role_grant(user=world["admin_a"], role=Role.VIEWER, office=world["city"])
    a1 = world["schools"]["a1"]
    response = api_as(world, "admin_a").patch(url_of(a1), {"zone": world["zone_b1"].pk}, format="json")
    assert response.status_code == 400
    assert "不属于柳河县人民政府教育督导室" in response.json()["zone"][0]
    a1.refresh_from_db()
    assert a1.current_zone == world["zone_a1"]


@pytest.mark.parametrize(
    "role, key, status",
    [
        ("director_a", "a1", 403),
        ("sup_a1", "a1", 403),
        ("sup_a1", "a3", 404),
        ("school_user_a1", "a1", 403),  # their own school: the office keeps the roster
        ("school_user_a1", "a2", 404),
        ("city_viewer", "a1", 403),
        ("province_viewer", "a1", 403),
        ("admin_b", "a1", 404),
        ("admin_a", "b1", 404),
    ],
)
def test_only_the_offices_admin_may_edit_a_school(world, role, key, status):
    school = world["schools"][key]
    before = school.name
    response = api_as(world, role).patch(url_of(school), {"name": "改过的名字"}, format="json")
    assert response.status_code == status
    school.refresh_from_db()
    assert school.name == before


def test_schools_cannot_be_deleted_through_the_api(world):
    a4 = world["schools"]["a4"]
    assert api_as(world, "admin_a").delete(url_of(a4)).status_code == 405
    assert School.objects.filter(pk=a4.pk).exists()
