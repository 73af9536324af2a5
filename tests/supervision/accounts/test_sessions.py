"""A forgotten session ends (issue 13, 等保 三级 登录连接超时): 30 idle minutes, 12 hours at most."""
import datetime as dt

from django.urls import reverse


def test_thirty_idle_minutes_log_out_and_say_why(world, client, clock):
    start = clock.move_to("2026-11-18 09:30")
    client.force_login(world["director_a"])
    assert client.get(reverse("office_overview")).status_code == 200
    clock.move_to(start + dt.timedelta(minutes=25))
    assert client.get(reverse("office_overview")).status_code == 200  # activity restarts the 30 minutes
    clock.move_to(start + dt.timedelta(minutes=54))
    assert client.get(reverse("office_overview")).status_code == 200
    clock.move_to(start + dt.timedelta(minutes=54 + 31))
    response = client.get(reverse("office_overview"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "长时间未操作,已自动退出,请重新登录。" in page


def test_twelve_hours_end_even_a_busy_session(world, client, clock):
    start = clock.move_to("2026-11-18 07:00")
    client.force_login(world["director_a"])
    for step in range(36):  # a request every 20 minutes: never idle, 11 h 40 min in all
        clock.move_to(start + dt.timedelta(minutes=20 * step))
        assert client.get(reverse("office_overview")).status_code == 200
    clock.move_to(start + dt.timedelta(hours=12, minutes=1))
    response = client.get(reverse("office_overview"))
    assert response.status_code == 302
    assert "登录已超过12小时,请重新登录。" in client.get(response.url).content.decode()


def test_an_api_call_by_session_after_the_timeout_is_refused(world, client, clock):
    start = clock.move_to("2026-11-18 09:30")
    client.force_login(world["admin_a"])
    assert client.get("/api/v1/users/").status_code == 200
    clock.move_to(start + dt.timedelta(minutes=31))
    assert client.get("/api/v1/users/").status_code in (401, 403)
