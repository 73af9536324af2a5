"""A supervisor's login is a name of its own, never the phone number every school plaque prints
(个人信息保护: a public phone as login name is half of the credentials, and a guessing target)."""
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from supervision.models import Supervisor
from supervision.services import supervisor_save
from tests.api_support import api_as

pytestmark = pytest.mark.django_db

FORM = {"name": "孙督学", "kind": "part_time", "phone": "13812345678", "employer": "柳河县实验小学",
        "title": "副校长", "duties": "", "is_active": "on"}


def test_a_new_supervisor_gets_a_login_name_that_is_not_the_phone_and_the_admin_sees_it(client, world):
    client.force_login(world["admin_a"])
    assert client.post(reverse("supervisor_create"), {**FORM, "office": world["county_a"].pk}).status_code == 302
    supervisor = Supervisor.objects.get(name="孙督学")
    assert supervisor.user.username == "dx220524001"
    second = supervisor_save(office=world["county_a"], name="钱督学", phone="13812345679")
    assert second.user.username == "dx220524002"
    listing = client.get(reverse("supervisor_list")).content.decode()
    assert "dx220524001" in listing and "dx220524002" in listing
    client.force_login(world["director_a"])  # who does not manage the roster does not see login names
    assert "dx220524001" not in client.get(reverse("supervisor_list")).content.decode()


def test_the_phone_cannot_be_made_a_login_name_and_the_form_keeps_what_was_typed(client, world):
    client.force_login(world["admin_a"])
    response = client.post(reverse("supervisor_create"),
                           {**FORM, "username": "13812345678", "office": world["county_a"].pk})
    body = response.content.decode()
    assert response.status_code == 400 and "登录名不能是电话号码" in body and 'value="柳河县实验小学"' in body
    assert not Supervisor.objects.filter(name="孙督学").exists()


def test_the_office_chooses_a_login_name_and_a_new_phone_leaves_it_alone(client, world):
    client.force_login(world["admin_a"])
    client.post(reverse("supervisor_create"), {**FORM, "username": "sunli", "office": world["county_a"].pk})
    supervisor = Supervisor.objects.get(name="孙督学")
    assert supervisor.user.username == "sunli"
    response = client.post(reverse("supervisor_edit", args=[supervisor.pk]),
                           {**FORM, "phone": "13900001111", "username": "sunli", "office": world["county_a"].pk})
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert (supervisor.phone, supervisor.user.username) == ("13900001111", "sunli")
    taken = client.post(reverse("supervisor_edit", args=[supervisor.pk]),
                        {**FORM, "username": world["director_a"].username, "office": world["county_a"].pk})
    assert taken.status_code == 400 and "已存在" in taken.content.decode()


def test_the_api_sets_a_login_name_but_never_shows_one(world):
    client = api_as(world, "admin_a")
    response = client.post("/api/v1/supervisors/", {**FORM, "is_active": True, "office": world["county_a"].pk,
                                                    "username": "sunli"}, format="json")
    assert response.status_code == 201, response.content
    assert "username" not in response.json() and Supervisor.objects.get(name="孙督学").user.username == "sunli"
    phone_login = client.post("/api/v1/supervisors/", {**FORM, "phone": "13812340000", "name": "钱督学",
                                                       "is_active": True, "office": world["county_a"].pk,
                                                       "username": "13812340000"}, format="json")
    assert phone_login.status_code == 400 and "登录名不能是电话号码" in str(phone_login.json())


def test_the_migration_gives_phone_logins_a_name_of_their_own(world):
    supervisor = world["sup_a1"]
    supervisor.user.username = supervisor.phone
    supervisor.user.save(update_fields=["username"])
    other = world["sup_a2"]  # a login already named otherwise is left alone
    kept = other.user.username
    importlib.import_module("supervision.migrations.0008_supervisor_login_names").rename(apps, None)
    supervisor.user.refresh_from_db()
    other.user.refresh_from_db()
    assert supervisor.user.username == "dx220524001" and other.user.username == kept
