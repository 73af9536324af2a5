"""动态口令 (TOTP, django-otp; issue 13, 等保 2.0 三级 两种鉴别方式): a user binds an authenticator on
their account page; an office may require it of its admins and directors."""
import datetime as dt

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from supervision.audit.choices import AuditAction
from supervision.audit.models import AuditEntry
from tests import factories as f


def code(device, *, wrong=False) -> str:
    right = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(right + 1) % 10**6 if wrong else right:06d}"


def log_in(client, username, password=f.PASSWORD):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def enrol(client, user) -> TOTPDevice:
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    body = page.content.decode()
    qr = body.split('data-testid="otp-qr"')[1].split("</div>")[0]
    assert "<svg" in qr and "<path" in qr and "<script>" not in body  # drawn on the server, no inline script
    secret = page.context["secret"].replace(" ", "")
    assert secret and secret in device.config_url
    done = client.post(reverse("accounts:otp_enrol"), {"otp_token": code(device)})
    assert done.status_code == 302, done.content.decode()[:800]
    device.refresh_from_db()
    assert device.confirmed
    return device


def require_2fa(world):
    admin = Client()
    admin.force_login(world["admin_a"])
    office = world["county_a"]
    response = admin.post(reverse("office_settings", args=[office.pk]), {
        "name": office.name, "address": "", "phone": "", "email": "", "late_entry_months": 1,
        "require_2fa_for_staff": "on",
    })
    assert response.status_code == 302, response.content.decode()[:800]


def test_a_user_binds_an_authenticator_on_their_account_page_and_is_asked_for_it_at_login(world, client, clock):
    clock.move_to("2026-05-12 10:00")
    director = world["director_a"]
    client.force_login(director)
    account = client.get(reverse("accounts:account")).content.decode()
    assert "尚未绑定" in account
    device = enrol(client, director)
    assert "已绑定手机验证器" in client.get(reverse("accounts:account")).content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.OTP_ENROL, actor=director).exists()

    client.post(reverse("logout"))
    clock.move_to("2026-05-12 10:05")  # a new code (each code is good once)
    log_in(client, "director_a")
    page = client.get(reverse("office_overview"))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:otp_verify"))
    done = client.post(reverse("accounts:otp_verify"), {"otp_token": code(device), "next": reverse("office_overview")})
    assert done.status_code == 302 and done.url == reverse("office_overview")
    assert client.get(reverse("office_overview")).status_code == 200


def test_a_wrong_code_at_enrolment_binds_nothing(world, client):
    client.force_login(world["director_a"])
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=world["director_a"])
    refused = client.post(reverse("accounts:otp_enrol"), {"otp_token": code(device, wrong=True)})
    assert refused.status_code == 400
    assert "动态口令不正确，请输入手机验证器上当前显示的 6 位数字。" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_an_office_requiring_2fa_stops_its_director_until_the_code_is_entered(world, client, clock):
    start = clock.move_to("2026-05-12 10:00")
    require_2fa(world)
    log_in(client, "director_a")
    page = client.get(reverse("office_overview"))
    assert page.url.startswith(reverse("accounts:otp_enrol"))
    assert "本督导室要求管理员和主任登录时使用动态口令，请先绑定手机验证器。" in client.get(page.url).content.decode()
    api = client.get("/api/v1/schools/")
    assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"
    device = enrol(client, world["director_a"])
    assert client.get(reverse("office_overview")).status_code == 200

    client.post(reverse("logout"))
    clock.move_to(start + dt.timedelta(minutes=5))
    log_in(client, "director_a")
    assert client.get(reverse("office_overview")).url.startswith(reverse("accounts:otp_verify"))
    assert client.get("/api/v1/schools/").json()["code"] == "otp_required"
    wrong = client.post(reverse("accounts:otp_verify"), {"otp_token": code(device, wrong=True)})
    assert wrong.status_code == 400 and "动态口令不正确" in wrong.content.decode()
    assert client.get(reverse("office_overview")).status_code == 302  # still stopped
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="director_a").exists()
    clock.move_to(start + dt.timedelta(minutes=5, seconds=5))  # past django-otp's wait after a wrong code
    assert client.post(reverse("accounts:otp_verify"), {"otp_token": code(device)}).status_code == 302
    assert client.get(reverse("office_overview")).status_code == 200
    assert client.get("/api/v1/schools/").status_code == 200


def test_a_supervisor_of_an_office_requiring_2fa_is_not_asked_for_a_code(world, client):
    require_2fa(world)
    log_in(client, world["sup_a1"].user.username)
    home = client.get(reverse("home"), follow=True)
    assert home.status_code == 200 and home.redirect_chain == [("/my/", 302)]  # their own page, no code asked


def test_an_api_token_is_not_asked_for_the_code(world, client):
    require_2fa(world)
    client.force_login(world["director_a"])
    enrol(client, world["director_a"])
    token = APIClient().post("/api/v1/auth/token/", {"username": "director_a", "password": f.PASSWORD}, format="json")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/schools/").status_code == 200


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(world, client, clock):
    start = clock.move_to("2026-05-12 10:00")
    client.force_login(world["director_a"])
    device = enrol(client, world["director_a"])
    client.post(reverse("logout"))
    clock.move_to(start + dt.timedelta(minutes=1))
    log_in(client, "director_a")
    for attempt in range(4):
        clock.move_to(start + dt.timedelta(minutes=1, seconds=20 * (attempt + 1)))
        assert client.post(reverse("accounts:otp_verify"), {"otp_token": code(device, wrong=True)}).status_code == 400
    clock.move_to(start + dt.timedelta(minutes=3))
    locked = client.post(reverse("accounts:otp_verify"), {"otp_token": code(device, wrong=True)})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    again = client.post(reverse("login"), {"username": "director_a", "password": f.PASSWORD})
    assert again.status_code == 429


def test_unbinding_the_authenticator_asks_for_a_new_one_where_the_office_requires_it(world, client):
    require_2fa(world)
    client.force_login(world["director_a"])
    enrol(client, world["director_a"])
    assert client.post(reverse("accounts:otp_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=world["director_a"]).exists()
    assert client.get(reverse("office_overview")).url.startswith(reverse("accounts:otp_enrol"))
