"""Named, expiring, revocable API tokens (issue 13, 等保 2.0 三级 身份鉴别): a login keeps several,
each shown once, stored only as a hash, stopped by its expiry, its owner or the office's admin."""
import datetime as dt
import hashlib
import importlib
import types

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from supervision.accounts import services
from supervision.accounts.models import ApiToken
from supervision.audit.choices import AuditAction
from supervision.audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
ZONES = "/api/v1/zones/"


def with_key(key: str, address: str = "10.1.2.3") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def log_in(username: str, **extra) -> dict:
    response = APIClient().post(LOGIN, {"username": username, "password": f.PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# --- Getting one -----------------------------------------------------------------------------------

def test_the_login_endpoint_gives_a_named_token_valid_for_ninety_days(world, clock):
    answer = log_in("director_a", name="手机App")
    assert answer["name"] == "手机App" and answer["status"] == "active" and answer["status_label"] == "有效"
    expires = dt.datetime.fromisoformat(answer["expires_at"])
    assert abs(expires - (clock.now + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert answer["prefix"] == answer["token"][:8]
    assert with_key(answer["token"]).get(ZONES).status_code == 200
    assert log_in("director_a")["name"] == "API"  # no name given
    assert ApiToken.objects.filter(owner=world["director_a"]).count() == 2  # one more per login, the first kept


def test_the_plain_key_is_never_stored(world):
    answer = log_in("director_a", name="手机App")
    key = answer["token"]
    row = ApiToken.objects.filter(pk=answer["id"]).values().get()
    assert not any(key in str(value) for value in row.values())
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    # Nor in the audit log, which records the creation.
    (entry,) = AuditEntry.objects.filter(action=AuditAction.TOKEN_CREATE)
    assert entry.actor == world["director_a"] and entry.office == world["county_a"]
    assert key not in entry.canonical() and entry.details["name"] == "手机App"


def test_a_validity_beyond_a_year_is_refused_in_chinese(world):
    response = APIClient().post(LOGIN, {"username": "director_a", "password": f.PASSWORD, "days": 400}, format="json")
    assert response.status_code == 400 and "365" in str(response.json())
    assert not ApiToken.objects.exists()


def test_a_shorter_default_comes_from_the_setting(world, clock, settings):
    settings.API_TOKEN_DAYS = 30
    expires = dt.datetime.fromisoformat(log_in("director_a")["expires_at"])
    assert abs(expires - (clock.now + dt.timedelta(days=30))) < dt.timedelta(minutes=1)


# --- Refused ---------------------------------------------------------------------------------------

def test_an_expired_token_is_refused_with_a_chinese_401(world, clock):
    start = clock.now
    key = log_in("director_a")["token"]
    clock.move_to(start + dt.timedelta(days=89))
    assert with_key(key).get(ZONES).status_code == 200
    clock.move_to(start + dt.timedelta(days=90, minutes=1))
    response = with_key(key).get(ZONES)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert "过期" in response.json()["detail"] and "请重新获取令牌" in response.json()["detail"]
    assert "results" not in response.json()


def test_a_revoked_token_is_refused_with_a_chinese_401(world):
    answer = log_in("director_a")
    services.token_revoke(token=ApiToken.objects.get(pk=answer["id"]), actor=world["director_a"])
    response = with_key(answer["token"]).get(ZONES)
    assert response.status_code == 401
    assert response.json()["detail"] == "该API令牌已被撤销，请重新获取令牌。"


def test_a_made_up_key_is_refused(world):
    response = with_key("0123456789abcdef0123456789abcdef01234567").get(ZONES)
    assert response.status_code == 401 and response.json()["detail"] == "认证令牌无效。"


# --- The owner -------------------------------------------------------------------------------------

def test_the_owner_lists_and_revokes_their_tokens_through_the_api(world):
    phone = log_in("director_a", name="手机App")
    script = log_in("director_a", name="同步脚本")
    log_in("admin_a", name="别人的")
    client = with_key(phone["token"])

    listed = client.get(TOKENS).json()
    assert [t["name"] for t in listed] == ["同步脚本", "手机App"]
    assert all("token" not in t for t in listed)  # the key is never listed again

    assert client.delete(f"{TOKENS}{script['id']}/").status_code == 204
    assert with_key(script["token"]).get(ZONES).status_code == 401
    assert {t["name"]: t["status"] for t in client.get(TOKENS).json()} == {"同步脚本": "revoked", "手机App": "active"}
    (entry,) = AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKE)
    assert entry.actor == world["director_a"] and entry.object_id == str(script["id"])

    admins = ApiToken.objects.get(name="别人的")
    assert client.delete(f"{TOKENS}{admins.pk}/").status_code == 404  # someone else's: not found
    admins.refresh_from_db()
    assert admins.revoked_at is None


def test_the_owner_creates_one_through_the_api(world):
    client = with_key(log_in("director_a")["token"])
    response = client.post(TOKENS, {"name": "数据同步", "days": 7}, format="json")
    assert response.status_code == 201 and response.json()["name"] == "数据同步"
    assert with_key(response.json()["token"]).get(ZONES).status_code == 200


def test_the_tokens_list_costs_the_same_for_one_token_or_many(world):
    client = with_key(log_in("director_a")["token"])
    client.get(TOKENS)  # the first use stamps the token; the next minute's do not
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(TOKENS).json()) == 1
    for n in range(5):
        services.token_create(owner=world["director_a"], name=f"脚本{n}")
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(TOKENS).json()) == 6
    assert len(six) == len(one)


def test_the_owner_page_shows_a_new_key_once_and_revokes(world, client):
    client.force_login(world["director_a"])
    assert "我的API令牌" in client.get(reverse("office_overview")).content.decode()  # in the menu
    created = client.post(reverse("accounts:token_create"), {"name": "手机App", "days": 30})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    key = created.context["key"]
    page = created.content.decode()
    assert key in page and "令牌只显示这一次" in page
    assert with_key(key).get(ZONES).status_code == 200

    listed = client.get(reverse("accounts:token_list")).content.decode()
    assert "手机App" in listed and key[:8] in listed and key not in listed

    token = ApiToken.objects.get(owner=world["director_a"])
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "已撤销API令牌“手机App”。" in response.content.decode()
    assert [t.status for t in response.context["tokens"]] == ["revoked"]
    assert with_key(key).get(ZONES).status_code == 401


def test_the_owner_page_refuses_a_validity_beyond_a_year(world, client):
    client.force_login(world["director_a"])
    response = client.post(reverse("accounts:token_create"), {"name": "手机App", "days": 400})
    assert response.status_code == 400 and not ApiToken.objects.exists()


# --- The office's admin ----------------------------------------------------------------------------

def test_the_admin_sees_and_revokes_a_token_of_their_office(world, client):
    answer = log_in("director_a", name="手机App")
    with_key(answer["token"], address="10.9.8.7").get(ZONES)
    client.force_login(world["admin_a"])
    users = client.get(reverse("user_list")).content.decode()
    url = reverse("accounts:user_tokens", args=[world["director_a"].pk])
    assert url in users

    page = client.get(url)
    assert [t.name for t in page.context["tokens"]] == ["手机App"]
    assert "10.9.8.7" in page.content.decode()  # the admin reads the office's audit log: addresses shown

    response = client.post(reverse("accounts:user_token_revoke", args=[world["director_a"].pk, answer["id"]]),
                           follow=True)
    director = world["director_a"]
    assert f"已撤销{director.get_full_name() or director.username}的API令牌“手机App”。" in response.content.decode()
    assert with_key(answer["token"]).get(ZONES).status_code == 401
    (entry,) = AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKE)
    assert entry.actor == world["admin_a"] and entry.office == world["county_a"]
    assert entry.details["owner"] == "director_a"


def test_the_neighbouring_countys_admin_gets_404(world, client):
    answer = log_in("director_a")
    client.force_login(world["admin_b"])
    assert client.get(reverse("accounts:user_tokens", args=[world["director_a"].pk])).status_code == 404
    revoke = reverse("accounts:user_token_revoke", args=[world["director_a"].pk, answer["id"]])
    assert client.post(revoke).status_code == 404
    assert with_key(answer["token"]).get(ZONES).status_code == 200


def test_the_admin_lists_and_revokes_a_logins_tokens_through_the_api(world):
    answer = log_in("director_a", name="手机App")
    admin = with_key(log_in("admin_a")["token"])
    url = f"/api/v1/users/{world['director_a'].pk}/tokens/"
    assert [t["name"] for t in admin.get(url).json()] == ["手机App"]
    assert admin.post(f"{url}{answer['id']}/revoke/").status_code == 204
    assert with_key(answer["token"]).get(ZONES).status_code == 401
    neighbour = with_key(log_in("admin_b")["token"])
    assert neighbour.get(url).status_code == 404
    assert neighbour.post(f"{url}{answer['id']}/revoke/").status_code == 404


def test_a_director_manages_no_ones_tokens(world, client):
    client.force_login(world["director_a"])
    assert client.get(reverse("accounts:user_tokens", args=[world["school_user_a1"].pk])).status_code == 404


def test_the_address_shows_only_to_those_who_may_see_addresses(world):
    answer = log_in("director_a")
    with_key(answer["token"], address="10.9.8.7").get(ZONES)
    (own,) = with_key(answer["token"]).get(TOKENS).json()
    assert own["last_used_at"] is not None and own["last_used_address"] is None  # a director reads no audit log
    admin = log_in("admin_a")
    with_key(admin["token"], address="10.5.5.5").get(ZONES)
    (mine,) = with_key(admin["token"]).get(TOKENS).json()
    assert mine["last_used_address"] == "10.5.5.5"


# --- Clients of before ----------------------------------------------------------------------------

def test_a_drf_token_of_before_keeps_working_after_the_migration(world):
    old_key = "a" * 8 + "0123456789abcdef0123456789abcdef"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (\"key\" varchar(40) PRIMARY KEY, created timestamp NOT NULL, "
                       "user_id integer NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token (\"key\", created, user_id) VALUES (%s, %s, %s)",
                       [old_key, "2026-01-05 08:00:00", world["director_a"].pk])
    migration = importlib.import_module("supervision.accounts.migrations.0002_convert_drf_tokens")
    migration.convert(django_apps, types.SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name))

    response = with_key(old_key).get(ZONES)
    assert response.status_code == 200
    token = ApiToken.objects.get(owner=world["director_a"])
    assert token.name == "原有令牌" and token.prefix == "aaaaaaaa" and token.created_at.year == 2026
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # the plain keys are gone


def test_password_reset_by_the_admin_revokes_the_tokens_and_says_so_in_the_audit(world):
    key = log_in("school_a1")["token"]
    from supervision.services import user_password_reset

    user_password_reset(user=world["school_user_a1"])
    assert with_key(key).get(ZONES).status_code == 401
    (entry,) = AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKE)
    assert entry.details["reason"] == "password_reset"


# --- The last use ----------------------------------------------------------------------------------

def test_the_last_use_is_stamped_at_most_once_a_minute(world, clock):
    start = clock.now
    answer = log_in("director_a")
    token = ApiToken.objects.get(pk=answer["id"])
    client = with_key(answer["token"])

    client.get(ZONES)
    token.refresh_from_db()
    first = token.last_used_at
    assert abs(first - start) < dt.timedelta(seconds=5)

    clock.move_to(start + dt.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        client.get(ZONES)
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first

    clock.move_to(start + dt.timedelta(seconds=75))
    client.get(ZONES)
    token.refresh_from_db()
    assert token.last_used_at - first >= dt.timedelta(seconds=60)
