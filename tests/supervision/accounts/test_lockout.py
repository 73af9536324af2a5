"""Attacks on the login doors (issue 13, 等保 三级 登录失败处理): guessing passwords locks for 15 minutes."""
import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD


def login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sixth_try_is_refused_even_with_the_right_password_until_fifteen_minutes_pass(world, client, clock):
    start = clock.move_to("2026-11-18 09:30")
    for _ in range(4):
        assert login(client, "admin_a", "wrong-guess").status_code == 200
    assert login(client, "admin_a", "wrong-guess").status_code == 429  # the fifth failure locks
    # Guessing from another address does not help either: the account itself is locked.
    response = login(client, "admin_a", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多,账号已锁定" in page and "09:45" in page
    assert 'value="admin_a"' in page  # the username typed is kept
    assert "_auth_user_id" not in client.session

    clock.move_to(start + dt.timedelta(minutes=14))
    assert login(client, "admin_a", PASSWORD).status_code == 429
    clock.move_to(start + dt.timedelta(minutes=16))
    assert login(client, "admin_a", PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == world["admin_a"].pk


def test_four_failures_then_the_right_password_still_logs_in(world, client):
    for _ in range(4):
        login(client, "admin_a", "wrong-guess")
    assert login(client, "admin_a", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked(world, client):
    for name in ["a", "b", "c", "d", "e"]:
        login(client, f"guess-{name}", "wrong-guess", address="10.6.6.6")
    assert login(client, "admin_a", PASSWORD, address="10.6.6.6").status_code == 429
    # The account itself is not locked: from its own desk the admin gets in.
    assert login(client, "admin_a", PASSWORD, address="10.0.0.2").status_code == 302


def test_api_token_endpoint_locks_too(world):
    api = APIClient(REMOTE_ADDR="10.0.0.3")
    for _ in range(4):
        response = api.post("/api/v1/auth/token/", {"username": "admin_a", "password": "x"}, format="json")
        assert response.status_code == 400
    fifth = api.post("/api/v1/auth/token/", {"username": "admin_a", "password": "x"}, format="json")
    assert fifth.status_code == 429
    response = api.post("/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "账号已锁定" in response.json()["detail"]
    assert "token" not in response.json()


def test_api_token_endpoint_still_gives_a_token(world):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]
