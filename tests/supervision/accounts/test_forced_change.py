"""A password someone else set, or one older than the office's 密码有效期, is changed before anything
else (issue 13, 等保 2.0 三级 身份鉴别): pages lead to 修改密码, the API answers 403 with a code."""
import datetime as dt

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from supervision.accounts.models import PasswordState
from supervision.choices import Role
from tests import factories as f

NEW = "Ziji-Mima-2027"


def reset_by_admin(world, user) -> str:
    admin = Client()
    admin.force_login(world["admin_a"])
    page = admin.post(reverse("user_password_reset", args=[user.pk]))
    assert page.status_code == 200
    return page.context["password"]


def log_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def token_client(username, password) -> APIClient:
    token = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert token.status_code == 200, token.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_a_password_reset_by_the_admin_is_changed_first_on_every_page_and_in_the_api(world, client):
    temporary = reset_by_admin(world, world["director_a"])
    log_in(client, "director_a", temporary)

    page = client.get(reverse("office_overview"))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:password_change"))
    form = client.get(page.url).content.decode()
    assert "您的密码是管理员设置的，请先修改为只有您自己知道的新密码，再继续使用系统。" in form
    api = client.get("/api/v1/schools/")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required" and "管理员设置" in api.json()["detail"]

    same = client.post(reverse("accounts:password_change"),
                       {"old_password": temporary, "new_password": temporary, "new_password_again": temporary})
    assert same.status_code == 400 and "新密码不能与原密码相同。" in same.content.decode()
    changed = client.post(reverse("accounts:password_change"), {
        "old_password": temporary, "new_password": NEW, "new_password_again": NEW, "next": reverse("office_overview"),
    })
    assert changed.status_code == 302 and changed.url == reverse("office_overview")
    assert client.get(reverse("office_overview")).status_code == 200
    assert client.get("/api/v1/schools/").status_code == 200
    # And at the next login nothing is owed any more.
    client.post(reverse("logout"))
    log_in(client, "director_a", NEW)
    assert client.get(reverse("office_overview")).status_code == 200


def test_logout_stays_reachable_while_the_password_is_owed(world, client):
    log_in(client, "director_a", reset_by_admin(world, world["director_a"]))
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_token_of_a_reset_login_may_only_change_its_password(world):
    temporary = reset_by_admin(world, world["school_user_a1"])
    api = token_client("school_a1", temporary)
    refused = api.get("/api/v1/tickets/")
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    changed = api.post("/api/v1/auth/password/", {"old_password": temporary, "new_password": NEW}, format="json")
    assert changed.status_code == 204
    assert api.get("/api/v1/tickets/").status_code == 200


def test_a_login_created_by_the_admin_with_a_password_changes_it_at_first_login(world, client):
    admin = APIClient()
    admin.force_login(world["admin_a"])
    created = admin.post("/api/v1/users/", {
        "username": "new_director", "name": "新主任", "role": "director", "office": world["county_a"].pk,
        "password": "Chushi-Mima-1",
    }, format="json")
    assert created.status_code == 201, created.content
    log_in(client, "new_director", "Chushi-Mima-1")
    assert client.get(reverse("home")).url.startswith(reverse("accounts:password_change"))


def test_a_user_who_changes_their_own_password_of_their_own_accord_is_never_stopped(world, client):
    client.force_login(world["director_a"])
    assert client.get(reverse("accounts:password_change")).status_code == 200
    changed = client.post(reverse("accounts:password_change"),
                          {"old_password": f.PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert changed.status_code == 302 and changed.url == reverse("accounts:account")
    assert client.get(reverse("office_overview")).status_code == 200
    assert PasswordState.objects.get(user=world["director_a"]).must_change is False


def set_max_age(world, days):
    admin = Client()
    admin.force_login(world["admin_a"])
    office = world["county_a"]
    response = admin.post(reverse("office_settings", args=[office.pk]), {
        "name": office.name, "address": "", "phone": "", "email": "", "late_entry_months": 1,
        "password_max_age_days": days,
    })
    assert response.status_code == 302, response.content.decode()[:800]


def test_a_password_older_than_the_offices_max_age_must_be_changed(world, client, clock):
    start = clock.move_to("2026-03-02 09:00")
    director = f.office_user(Role.DIRECTOR, world["county_a"], username="director_new")  # joined today
    set_max_age(world, 90)

    clock.move_to(start + dt.timedelta(days=89))
    log_in(client, "director_new", f.PASSWORD)
    assert client.get(reverse("office_overview")).status_code == 200
    client.post(reverse("logout"))

    clock.move_to(start + dt.timedelta(days=91))
    log_in(client, "director_new", f.PASSWORD)
    page = client.get(reverse("office_overview"))
    assert page.url.startswith(reverse("accounts:password_change"))
    assert "您的密码已超过督导室规定的有效期，已经过期，请先修改密码，再继续使用系统。" in client.get(page.url).content.decode()
    api = token_client("director_new", f.PASSWORD)
    assert api.get("/api/v1/schools/").status_code == 403
    client.post(reverse("accounts:password_change"),
                {"old_password": f.PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert client.get(reverse("office_overview")).status_code == 200
    assert api.get("/api/v1/schools/").status_code == 200
    # The 90 days count again from the change.
    left = PasswordState.objects.get(user=director).expires_at - clock.now
    assert dt.timedelta(days=89, hours=23) < left <= dt.timedelta(days=90)


def test_an_expiry_in_the_middle_of_a_session_leads_to_the_change_at_once(world, client, clock):
    start = clock.move_to("2026-03-02 09:00")
    f.office_user(Role.DIRECTOR, world["county_a"], username="director_new")
    set_max_age(world, 30)
    clock.move_to(start + dt.timedelta(days=30) - dt.timedelta(minutes=10))
    log_in(client, "director_new", f.PASSWORD)
    assert client.get(reverse("office_overview")).status_code == 200
    clock.move_to(start + dt.timedelta(days=30, minutes=5))
    assert client.get(reverse("office_overview")).url.startswith(reverse("accounts:password_change"))


def test_an_office_without_a_max_age_never_expires_passwords(world, client, clock):
    start = clock.move_to("2026-03-02 09:00")
    f.office_user(Role.DIRECTOR, world["county_a"], username="director_new")
    clock.move_to(start + dt.timedelta(days=2000))
    log_in(client, "director_new", f.PASSWORD)
    assert client.get(reverse("office_overview")).status_code == 200
