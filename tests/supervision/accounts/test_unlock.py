"""The office admin lifts a lock early, for their own office's logins only."""
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def lock(username, address="10.0.0.7"):
    guesser = Client()
    for _ in range(5):
        guesser.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
    return guesser


def test_office_admin_sees_and_unlocks_their_director(world, client):
    guesser = lock("director_a")
    refused = guesser.post(reverse("login"), {"username": "director_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert refused.status_code == 429

    client.force_login(world["admin_a"])
    page = client.get(reverse("accounts:locked_list"))
    assert [a.username for a in page.context["attempts"]] == ["director_a"]
    assert "锁定账号" in client.get(reverse("office_overview")).content.decode()  # in the menu

    response = client.post(reverse("accounts:locked_unlock"), {"username": "director_a"}, follow=True)
    assert "已解锁账号 director_a。" in response.content.decode()
    assert list(response.context["attempts"]) == []
    assert Client().post(
        reverse("login"), {"username": "director_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    ).status_code == 302


def test_admin_of_another_office_neither_sees_nor_unlocks(world, client):
    lock("director_a")
    client.force_login(world["admin_b"])
    assert list(client.get(reverse("accounts:locked_list")).context["attempts"]) == []
    assert client.post(reverse("accounts:locked_unlock"), {"username": "director_a"}).status_code == 404
    assert Client().post(
        reverse("login"), {"username": "director_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    ).status_code == 429


def test_users_without_admin_rights_get_no_page(world, client):
    client.force_login(world["director_a"])
    assert client.get(reverse("accounts:locked_list")).status_code == 404


def test_django_admin_lists_the_lock(world, client):
    lock("director_a")
    root = world["admin_a"].__class__.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "director_a" in page.content.decode()
