"""/api/v1/users/ and /api/v1/auth/password/: an office admin creates the logins of their office for
every role, reads them with their roles, grants and revokes roles, deactivates, sets and resets
passwords; a user changes their own password. Never another office's users, never a superuser."""
import pytest
from rest_framework.test import APIClient

from supervision.choices import Role
from supervision.models import Supervisor
from supervision.services import role_grant
from tests import factories as f
from tests.api_support import api_as, assert_list_queries, first_token_login, token_login

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
PASSWORD = "Liuhe-Duxue-2026"


def user_url(user, suffix=""):
    return f"{USERS}{user.pk}/{suffix}"


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["username"] for row in response.json()["results"])


# --- Reading ---------------------------------------------------------------------------------------


def test_admin_lists_the_logins_of_their_office_with_roles_and_scope(world):
    rows = {row["username"]: row for row in api_as(world, "admin_a").get(USERS).json()["results"]}
    sup_a1 = world["sup_a1"]
    assert set(rows) == {"admin_a", "director_a", "school_a1", sup_a1.user.username, world["sup_a2"].user.username}
    assert rows["school_a1"]["roles"] == [{
        "role": "school_user", "role_label": "学校联系人", "office": world["county_a"].pk,
        "office_name": "柳河县人民政府教育督导室", "school": world["schools"]["a1"].pk, "school_name": "柳河县第一小学",
    }]
    assert [(r["role"], r["office_name"]) for r in rows["director_a"]["roles"]] == [("director", "柳河县人民政府教育督导室")]
    assert [r["role"] for r in rows["admin_a"]["roles"]] == ["office_admin"]
    assert rows[sup_a1.user.username]["supervisor"] == sup_a1.pk
    assert rows[sup_a1.user.username]["roles"][0]["role_label"] == "责任督学"
    assert not {"password", "is_superuser"} & set(rows["admin_a"])


def test_a_role_the_user_holds_on_another_office_is_not_shown(world):
    role_grant(user=world["director_a"], role=Role.VIEWER, office=world["county_b"])
    row = api_as(world, "admin_a").get(user_url(world["director_a"])).json()
    assert [(r["role"], r["office_name"]) for r in row["roles"]] == [("director", "柳河县人民政府教育督导室")]


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer", "province_viewer"])
def test_only_admins_read_users(world, role):
    client = api_as(world, role)
    assert client.get(USERS).json()["results"] == []
    assert client.get(user_url(world["school_user_a1"])).status_code == 404


def test_another_countys_admin_neither_sees_nor_touches_the_users(world):
    client = api_as(world, "admin_b")
    target = world["school_user_a1"]
    assert usernames(client.get(USERS)) == ["admin_b", world["sup_b1"].user.username]
    for suffix in ["", "reset-password/", "deactivate/", "password/", "grant/", "revoke/"]:
        method = client.get if suffix == "" else client.post
        response = method(user_url(target, suffix), {"password": PASSWORD, "role": "director"}, format="json")
        assert response.status_code == 404, suffix
    target.refresh_from_db()
    assert target.is_active and target.check_password(f.PASSWORD)


def test_a_superuser_is_never_listed_nor_managed_by_an_office_admin(world):
    root = f.office_user(Role.OFFICE_ADMIN, world["county_a"], username="root", is_superuser=True)
    client = api_as(world, "admin_a")
    assert "root" not in usernames(client.get(USERS))
    assert client.post(user_url(root, "reset-password/")).status_code == 404
    assert client.post(user_url(root, "deactivate/")).status_code == 404
    root.refresh_from_db()
    assert root.is_active and root.check_password(f.PASSWORD)


def test_users_are_searched_and_filtered_by_role_and_login(world):
    client = api_as(world, "admin_a")
    assert usernames(client.get(USERS, {"role": "school_user"})) == ["school_a1"]
    login = world["sup_a2"].user.username
    assert usernames(client.get(USERS, {"username": login})) == [login]
    assert usernames(client.get(USERS, {"q": "director"})) == ["director_a"]


def test_the_user_list_runs_the_same_number_of_queries_for_more_users(world, django_assert_num_queries):
    # session, user, count, page, groups, office permissions, school permissions (+ the requester's scope is a subquery)
    assert_list_queries(
        api_as(world, "admin_a"), USERS, queries=7, world=world, django_assert_num_queries=django_assert_num_queries
    )


# --- Creating logins -------------------------------------------------------------------------------


@pytest.mark.parametrize("role, sees_zones", [("director", True), ("viewer", True), ("office_admin", True)])
def test_admin_creates_an_office_login_that_logs_in_and_reads_the_office(world, role, sees_zones):
    response = api_as(world, "admin_a").post(
        USERS, {"username": "new_login", "name": "新账号", "role": role, "office": world["county_a"].pk,
                "password": PASSWORD}, format="json",
    )
    assert response.status_code == 201, response.content
    assert [(r["role"], r["office"]) for r in response.json()["roles"]] == [(role, world["county_a"].pk)]
    client = first_token_login("new_login", PASSWORD)
    zones = sorted(z["name"] for z in client.get("/api/v1/zones/").json()["results"])
    assert zones == ["乡镇第一责任区", "城区第一责任区"]
    may_manage = client.post("/api/v1/zones/", {"office": world["county_a"].pk, "name": "新区", "category": "tutoring"},
                             format="json").status_code
    assert may_manage == (201 if role == "office_admin" else 403)


def test_admin_creates_a_school_contact_who_sees_only_that_school(world):
    school = world["schools"]["a2"]
    response = api_as(world, "admin_a").post(
        USERS, {"username": "erzhong", "name": "二中联系人", "role": "school_user", "school": school.pk,
                "password": PASSWORD}, format="json",
    )
    assert response.status_code == 201, response.content
    client = first_token_login("erzhong", PASSWORD)
    assert [s["name"] for s in client.get("/api/v1/schools/").json()["results"]] == ["柳河县第二中学"]
    assert client.get(f"/api/v1/schools/{world['schools']['a1'].pk}/").status_code == 404
    assert client.get("/api/v1/users/").json()["results"] == []


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"role": "supervisor"}, "role", "督学的登录账号在登记督学时创建"),
        ({"role": "school_user"}, "school", "学校联系人必须指定学校。"),
        ({"role": "director", "office": None}, "office", "该角色必须指定督导室。"),
        ({"role": "school_user", "school": "b1"}, "school", "不在您的权限范围内"),
        ({"role": "director", "office": "county_b"}, "office", "不在您的权限范围内"),
        ({"role": "director", "password": "12345678"}, "password", "密码只包含数字。"),
        ({"role": "director", "password": "abc"}, "password", "密码长度太短,至少需要8个字符。"),
        ({"role": "director", "username": "admin_b"}, "username", "用户名“admin_b”已存在。"),
    ],
)
def test_a_bad_login_is_refused_in_chinese_and_not_created(world, changes, field, message):
    data = {"username": "new_login", "name": "新账号", "office": world["county_a"].pk, "password": PASSWORD, **changes}
    if data.get("school") == "b1":
        data["school"] = world["schools"]["b1"].pk
    if data.get("office") == "county_b":
        data["office"] = world["county_b"].pk
    response = api_as(world, "admin_a").post(USERS, data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not f.User.objects.filter(username="new_login").exists()


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer"])
def test_only_an_admin_creates_logins(world, role):
    response = api_as(world, role).post(
        USERS, {"username": "new_login", "name": "新账号", "role": "director", "office": world["county_a"].pk,
                "password": PASSWORD}, format="json",
    )
    assert response.status_code == 403
    assert not f.User.objects.filter(username="new_login").exists()


def test_a_city_admin_does_not_create_logins_for_the_county_below(world):
    f.office_user(Role.OFFICE_ADMIN, world["city"], username="city_admin")
    client = token_login("city_admin", f.PASSWORD)
    response = client.post(USERS, {"username": "new_login", "name": "新账号", "role": "director",
                                   "office": world["county_a"].pk, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "不在您的权限范围内" in response.json()["office"][0]
    assert "school_a1" not in usernames(client.get(USERS))


# --- Supervisors' logins and passwords -------------------------------------------------------------


def test_a_supervisors_login_comes_with_the_record_and_the_admin_gives_it_a_password(world):
    client = api_as(world, "admin_a")
    response = client.post("/api/v1/supervisors/", {"office": world["county_a"].pk, "name": "孙督学",
                                                    "phone": "13604351234"}, format="json")
    assert response.status_code == 201
    supervisor = Supervisor.objects.get(phone="13604351234")
    login = supervisor.user.username
    assert login != "13604351234"  # the phone is on the plaque; the login is a name of its own
    assert token_login(login, PASSWORD) is None  # no password yet
    [row] = client.get(USERS, {"username": login}).json()["results"]
    assert row["supervisor"] == supervisor.pk and row["roles"][0]["role"] == "supervisor"
    assert client.post(user_url(supervisor.user, "password/"), {"password": PASSWORD}, format="json").status_code == 204
    assert first_token_login(login, PASSWORD).get("/api/v1/supervisors/").json()["results"][0]["name"] == "孙督学"


def test_a_login_created_without_a_password_cannot_log_in_until_one_is_set(world):
    client = api_as(world, "admin_a")
    response = client.post(USERS, {"username": "later", "name": "稍后", "role": "director",
                                   "office": world["county_a"].pk}, format="json")
    assert response.status_code == 201
    user = f.User.objects.get(username="later")
    assert not user.has_usable_password()
    weak = client.post(user_url(user, "password/"), {"password": "password"}, format="json")
    assert weak.status_code == 400 and weak.json()["password"] == ["这个密码太常见了。", "密码需包含大写字母、小写字母、数字、符号中的至少3类。"]
    assert client.post(user_url(user, "password/"), {"password": PASSWORD}, format="json").status_code == 204
    assert token_login("later", PASSWORD) is not None


def test_a_reset_password_is_shown_once_works_and_stops_the_old_token(world):
    old = token_login("school_a1", f.PASSWORD)
    response = api_as(world, "admin_a").post(user_url(world["school_user_a1"], "reset-password/"))
    assert response.status_code == 200
    temporary = response.json()["password"]
    assert response.json()["username"] == "school_a1" and len(temporary) == 10
    assert old.get("/api/v1/schools/").status_code == 401
    assert token_login("school_a1", f.PASSWORD) is None
    assert token_login("school_a1", temporary) is not None


@pytest.mark.parametrize("role", ["director_a", "city_viewer", "sup_a1"])
def test_only_the_admin_sets_or_resets_passwords(world, role):
    target = world["school_user_a1"]
    client = api_as(world, role)
    assert client.post(user_url(target, "password/"), {"password": PASSWORD}, format="json").status_code == 404
    assert client.post(user_url(target, "reset-password/")).status_code == 404
    target.refresh_from_db()
    assert target.check_password(f.PASSWORD)


def test_a_user_changes_their_own_password_with_the_old_one(world):
    client = api_as(world, "school_user_a1")  # a browser session
    url = "/api/v1/auth/password/"
    wrong = client.post(url, {"old_password": "not-mine", "new_password": PASSWORD}, format="json")
    assert wrong.status_code == 400 and wrong.json()["old_password"] == ["原密码不正确。"]
    weak = client.post(url, {"old_password": f.PASSWORD, "new_password": "11112222"}, format="json")
    assert weak.status_code == 400 and "密码只包含数字。" in weak.json()["new_password"]
    assert client.post(url, {"old_password": f.PASSWORD, "new_password": PASSWORD}, format="json").status_code == 204
    assert client.get("/api/v1/schools/").status_code == 200  # the session stays logged in
    assert token_login("school_a1", f.PASSWORD) is None
    assert token_login("school_a1", PASSWORD) is not None
    assert APIClient().post(url, {"old_password": PASSWORD, "new_password": "X"}, format="json").status_code in (401, 403)


# --- Roles and deactivation ------------------------------------------------------------------------


def test_admin_makes_a_school_contact_answer_for_a_second_school_then_takes_it_back(world):
    client = api_as(world, "admin_a")
    target, a3 = world["school_user_a1"], world["schools"]["a3"]
    response = client.post(user_url(target, "grant/"), {"role": "school_user", "school": a3.pk}, format="json")
    assert response.status_code == 200
    assert [r["school_name"] for r in response.json()["roles"]] == ["柳河县第一小学", "三源浦镇中心小学"]
    contact = token_login("school_a1", f.PASSWORD)
    assert len(contact.get("/api/v1/schools/").json()["results"]) == 2
    response = client.post(user_url(target, "revoke/"), {"role": "school_user", "school": a3.pk}, format="json")
    assert [r["school_name"] for r in response.json()["roles"]] == ["柳河县第一小学"]
    assert [s["name"] for s in contact.get("/api/v1/schools/").json()["results"]] == ["柳河县第一小学"]


def test_revoking_the_director_role_of_an_admin_keeps_their_admin_role(world):
    client = api_as(world, "admin_a")
    target = world["director_a"]
    assert client.post(user_url(target, "grant/"), {"role": "office_admin", "office": world["county_a"].pk},
                       format="json").status_code == 200
    response = client.post(user_url(target, "revoke/"), {"role": "director", "office": world["county_a"].pk},
                           format="json")
    assert [r["role"] for r in response.json()["roles"]] == ["office_admin"]
    former = token_login("director_a", f.PASSWORD)
    assert len(former.get("/api/v1/zones/").json()["results"]) == 2  # still reads the office as its admin
    assert former.get("/api/v1/users/").json()["count"] == 5


@pytest.mark.parametrize(
    "who, target, data, message",
    [
        ("admin_a", "school_user_a1", {"role": "school_user", "school": "a1"}, "这是该用户唯一的角色"),
        ("admin_a", "admin_a", {"role": "office_admin", "office": "county_a"}, "不能撤销自己的管理员角色"),
        ("admin_a", "director_a", {"role": "viewer", "office": "county_a"}, "没有“上级督导室”角色"),
        ("admin_a", "director_a", {"role": "supervisor", "office": "county_a"}, "不是可在此授予的角色"),
    ],
)
def test_revoking_is_refused_where_it_would_lose_a_login_or_an_office(world, who, target, data, message):
    data = {k: (world["schools"][v].pk if k == "school" else world[v].pk if k == "office" else v) for k, v in data.items()}
    response = api_as(world, who).post(user_url(world[target], "revoke/"), data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()), response.json()
    assert token_login(world[target].username, f.PASSWORD).get("/api/v1/offices/").json()["count"] == 1


def test_a_role_on_another_office_is_neither_granted_nor_revoked(world):
    client = api_as(world, "admin_a")
    response = client.post(user_url(world["school_user_a1"], "grant/"),
                           {"role": "director", "office": world["county_b"].pk}, format="json")
    assert response.status_code == 400 and "不在您的权限范围内" in response.json()["office"][0]
    assert "county_b" not in str(response.json())


def test_a_deactivated_login_stops_at_once_and_a_supervisors_goes_off_duty(world):
    token = token_login(world["sup_a2"].user.username, f.PASSWORD)
    client = api_as(world, "admin_a")
    response = client.post(user_url(world["sup_a2"].user, "deactivate/"))
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert token.get("/api/v1/zones/").status_code == 401
    assert token_login(world["sup_a2"].user.username, f.PASSWORD) is None
    world["sup_a2"].refresh_from_db()
    assert world["sup_a2"].is_active is False
    assert client.get("/api/v1/supervisors/", {"is_active": "true"}).json()["count"] == 1
    assert client.post(user_url(world["admin_a"], "deactivate/")).json() == {"non_field_errors": ["不能停用自己的账号。"]}


@pytest.mark.parametrize("role, status", [("director_a", 404), ("admin_b", 404), ("sup_a1", 404)])
def test_only_the_admin_deactivates(world, role, status):
    assert api_as(world, role).post(user_url(world["school_user_a1"], "deactivate/")).status_code == status
    world["school_user_a1"].refresh_from_db()
    assert world["school_user_a1"].is_active
