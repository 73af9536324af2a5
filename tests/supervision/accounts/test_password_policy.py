"""Weak passwords are refused in Chinese (issue 13, 等保 三级 口令复杂度), through the real API an admin uses."""
import pytest

from supervision import services
from supervision.passwords import classes_in
from tests.api_support import api_as


def set_password(world, password):
    user = world["director_a"]
    return api_as(world, "admin_a").post(f"/api/v1/users/{user.pk}/password/", {"password": password}, format="json")


@pytest.mark.parametrize("password, message", [
    ("duxueshi-zhan", "密码需包含大写字母、小写字母、数字、符号中的至少3类。"),  # letters only
    ("duxue20261118", "密码需包含大写字母、小写字母、数字、符号中的至少3类。"),  # two kinds
    ("Director_a-2026", "密码不能包含登录名或手机号。"),  # the login name, any case
    ("Password1", "这个密码太常见了。"),  # a known leaked password
])
def test_weak_password_is_refused_with_the_chinese_reason_and_the_old_one_still_works(world, password, message):
    response = set_password(world, password)
    assert response.status_code == 400
    assert message in response.json()["password"]
    world["director_a"].refresh_from_db()
    assert world["director_a"].check_password("Duxue-2026!")


def test_a_supervisor_may_not_use_their_phone_number(world):
    sup = world["sup_a1"]
    response = api_as(world, "admin_a").post(
        f"/api/v1/users/{sup.user.pk}/password/", {"password": f"Ab-{sup.phone}"}, format="json"
    )
    assert response.status_code == 400 and "密码不能包含登录名或手机号。" in response.json()["password"]


def test_the_demo_password_is_refused_on_a_real_server_only(world, settings):
    settings.DEBUG = False
    response = set_password(world, "Demo@2026")
    assert response.status_code == 400 and "不能使用演示密码。" in response.json()["password"]
    settings.DEBUG = True
    assert set_password(world, "Demo@2026").status_code in (200, 204)


def test_a_strong_password_passes(world):
    assert set_password(world, "Liuhe#Duxue7").status_code in (200, 204)
    world["director_a"].refresh_from_db()
    assert world["director_a"].check_password("Liuhe#Duxue7")


def test_temporary_passwords_always_meet_the_policy(world):
    for _ in range(40):
        assert classes_in(services.user_password_reset(user=world["director_a"])) >= 3
