"""/api/v1/offices/ writes: a higher office's admin sets up the offices below it (each with its
first admin), an office's own admin keeps its contact details; nobody else writes."""
import pytest

from supervision.access import offices_managed_by
from supervision.choices import OfficeLevel, Role
from supervision.models import Office
from tests import factories as f
from tests.api_support import api_as, first_token_login

pytestmark = pytest.mark.django_db

OFFICES = "/api/v1/offices/"
ADMIN = {"username": "jian_admin", "name": "集安管理员", "password": "Jian-Duxue-2026"}


@pytest.fixture
def city_admin(world):
    return f.office_user(Role.OFFICE_ADMIN, world["city"], username="city_admin")


def new_county(world, **changes) -> dict:
    return {
        "name": "集安市人民政府教育督导室", "level": "county", "parent": world["city"].pk, "division_code": "220582",
        "phone": "0435-6222222", "address": "集安市团结路1号", "admin": dict(ADMIN), **changes,
    }


def as_user(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def test_city_admin_sets_up_a_county_under_the_city_and_its_admin_logs_in(world, city_admin):
    response = as_user(city_admin).post(OFFICES, new_county(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parent_name"], body["level_label"], body["division_code"]) == ("通化市人民政府教育督导室", "区县级", "220582")
    office = Office.objects.get(division_code="220582")
    assert office.parent == world["city"] and office.phone == "0435-6222222"
    assert "password" not in response.content.decode() and ADMIN["password"] not in response.content.decode()
    admin = first_token_login(ADMIN["username"], ADMIN["password"])  # given by the city: changed first
    assert [o["name"] for o in admin.get(OFFICES).json()["results"]] == ["集安市人民政府教育督导室"]
    assert list(offices_managed_by(f.User.objects.get(username="jian_admin"))) == [office]
    # The city's viewer reads the new county at once (it is below the city).
    assert "集安市人民政府教育督导室" in str(api_as(world, "city_viewer").get(OFFICES).json())


def test_city_admin_cannot_set_up_an_office_under_another_city_or_the_province(world, city_admin):
    other_city = f.OfficeFactory(name="白山市人民政府教育督导室", level=OfficeLevel.CITY, parent=world["province"],
                                 division_code="220600")
    client = as_user(city_admin)
    for parent in (other_city, world["province"], world["county_a"]):
        response = client.post(OFFICES, new_county(world, parent=parent.pk), format="json")
        assert response.status_code == 400
        assert "不在您的权限范围内" in response.json()["parent"][0]
    assert not Office.objects.filter(division_code="220582").exists()
    assert not f.User.objects.filter(username="jian_admin").exists()


@pytest.mark.parametrize("role", ["admin_a", "director_a", "sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_an_admin_of_a_higher_office_sets_up_an_office(world, role):
    response = api_as(world, role).post(OFFICES, new_county(world), format="json")
    assert response.status_code == 403
    assert not Office.objects.filter(division_code="220582").exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"division_code": "22058"}, "division_code", "行政区划代码应为6位数字。"),
        ({"division_code": "22058x"}, "division_code", "行政区划代码应为6位数字。"),
        ({"division_code": "220524"}, "division_code", "行政区划代码 220524 已被“柳河县人民政府教育督导室”使用。"),
        ({"level": "city"}, "level", "“通化市人民政府教育督导室”是市级督导室,其下级督导室的级别应低于市级。"),
        ({"level": "province"}, "level", "其下级督导室的级别应低于市级"),
        ({"phone": "12345"}, "phone", "请输入有效的手机号"),
        ({"name": ""}, "name", "不能为空"),
        ({"admin": {**ADMIN, "password": "12345678"}}, "admin", "管理员账号:密码只包含数字。"),
        ({"admin": {**ADMIN, "password": "duxue"}}, "admin", "管理员账号:密码长度太短,至少需要8个字符。"),
        ({"admin": {**ADMIN, "username": "admin_b"}}, "admin", "管理员账号:用户名“admin_b”已存在。"),
    ],
)
def test_a_bad_office_is_refused_in_chinese_and_nothing_is_created(world, city_admin, changes, field, message):
    response = as_user(city_admin).post(OFFICES, new_county(world, **changes), format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not Office.objects.filter(name="集安市人民政府教育督导室").exists()
    assert not f.User.objects.filter(username="jian_admin").exists()


def test_an_office_without_a_parent_is_set_up_by_a_superuser_only(world, city_admin):
    province = {"name": "辽宁省人民政府教育督导室", "level": "province", "division_code": "210000", "admin": dict(ADMIN)}
    response = as_user(city_admin).post(OFFICES, province, format="json")
    assert response.status_code == 400 and response.json()["parent"] == ["请选择上级督导室。"]
    root = f.UserFactory(username="root", is_superuser=True)
    response = as_user(root).post(OFFICES, province, format="json")
    assert response.status_code == 201
    assert Office.objects.get(division_code="210000").parent is None


def test_an_admin_updates_their_own_offices_contact_details_and_nothing_else(world):
    office = world["county_a"]
    response = api_as(world, "admin_a").patch(
        f"{OFFICES}{office.pk}/",
        {"phone": "0435-7222333", "email": "duban@liuhe.gov.cn", "level": "city", "division_code": "999999",
         "parent": world["county_b"].pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    office.refresh_from_db()
    assert (office.phone, office.email) == ("0435-7222333", "duban@liuhe.gov.cn")
    assert (office.level, office.division_code, office.parent) == ("county", "220524", world["city"])
    assert response.json()["phone"] == "0435-7222333"


def test_a_bad_phone_on_the_office_is_refused_in_chinese(world):
    response = api_as(world, "admin_a").patch(f"{OFFICES}{world['county_a'].pk}/", {"phone": "110"}, format="json")
    assert response.status_code == 400
    assert "请输入有效的手机号" in response.json()["phone"][0]


@pytest.mark.parametrize(
    "role, status",
    [("director_a", 403), ("sup_a1", 403), ("school_user_a1", 403), ("city_viewer", 403), ("admin_b", 404),
     ("city_admin", 403)],
)
def test_only_the_offices_own_admin_changes_its_details(world, city_admin, role, status):
    client = as_user(city_admin) if role == "city_admin" else api_as(world, role)
    response = client.patch(f"{OFFICES}{world['county_a'].pk}/", {"phone": "0435-7000000"}, format="json")
    assert response.status_code == status
    world["county_a"].refresh_from_db()
    assert world["county_a"].phone == ""
