"""/api/v1/complaints/: staff only, same scope as the pages; contact details only for handlers."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.complaints.choices import ComplaintStatus as S
from inspections.complaints.models import Complaint
from tests.api_support import api_as

from .factories import complaint_made, complaint_verified

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def spread(world):
    return {
        "a1": complaint_made(school=world["schools"]["a1"], contact_name="张女士", contact_phone="13800001111"),
        "a3": complaint_made(school=world["schools"]["a3"]),
        "b1": complaint_made(school=world["schools"]["b1"]),
    }


@pytest.mark.parametrize("role,expected", [
    ("admin_a", {"a1", "a3"}), ("director_a", {"a1", "a3"}), ("sup_a1", {"a1"}), ("school_user_a1", set()),
    ("city_viewer", {"a1", "a3", "b1"}), ("admin_b", {"b1"}),
])
def test_each_role_lists_its_scope(world, spread, role, expected):
    response = api_as(world, role).get(URL)
    assert response.status_code == 200
    assert ids(response) == {spread[k].pk for k in expected}


def test_anonymous_gets_nothing(world, spread):
    assert api_as(world, "anonymous").get(URL).status_code in (401, 403)


def test_contact_details_only_for_those_who_handle_it(world, spread):
    url = f"{URL}{spread['a1'].pk}/"
    assert api_as(world, "sup_a1").get(url).json()["contact_phone"] == "13800001111"
    assert api_as(world, "admin_a").get(url).json()["contact_name"] == "张女士"
    viewer = api_as(world, "city_viewer").get(url).json()
    assert viewer["contact_phone"] == "" and viewer["contact_name"] == ""
    assert "code" not in viewer


@pytest.mark.parametrize("role,status", [("sup_a2", 404), ("school_user_a1", 404), ("admin_b", 404), ("city_viewer", 403)])
def test_others_cannot_verify(world, spread, role, status):
    response = api_as(world, role).post(f"{URL}{spread['a1'].pk}/verify/", {
        "verified_on": timezone.localdate().isoformat(), "method": "phone", "notes": "核实",
    }, format="json")
    assert response.status_code == status
    assert Complaint.objects.get(pk=spread["a1"].pk).status == S.RECEIVED


def test_the_supervisor_verifies_and_closes_through_the_api(world, spread):
    client = api_as(world, "sup_a1")
    url = f"{URL}{spread['a1'].pk}/"
    response = client.post(url + "verify/", {"verified_on": timezone.localdate().isoformat(), "method": "phone",
                                             "notes": "电话核实"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "verifying"
    bad = client.post(url + "close/", {"outcome": "resolved"}, format="json")
    assert bad.status_code == 400 and "public_reply" in bad.json()
    response = client.post(url + "close/", {"outcome": "ticket", "problem_description": "乱收费属实",
                                            "opinion": "退还"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rectifying" and body["ticket"] is not None
    assert [e["action"] for e in body["events"]] == ["received", "verified", "turned_into_ticket"]


def test_closing_twice_is_a_400(world, spread):
    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user)
    client = api_as(world, "sup_a1")
    assert client.post(f"{URL}{complaint.pk}/close/", {"outcome": "unfounded"}, format="json").status_code == 200
    assert client.post(f"{URL}{complaint.pk}/close/", {"outcome": "unfounded"}, format="json").status_code == 400


def test_filters_by_status_and_category(world, spread):
    complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user, category="workload")
    client = api_as(world, "admin_a")
    assert len(ids(client.get(URL, {"status": "verifying"}))) == 1
    assert len(ids(client.get(URL, {"category": "workload"}))) == 1


@pytest.mark.parametrize("role", ["admin_a", "sup_a1", "city_viewer"])
def test_the_list_runs_the_same_queries_for_more_complaints(world, role, django_assert_num_queries):
    client = api_as(world, role)
    sup = world["sup_a1"].user
    complaint_verified(school=world["schools"]["a1"], actor=sup)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for n in range(8):
        c = complaint_verified(school=world["schools"]["a1" if n % 2 else "a2"], actor=sup)
        if n % 3 == 0:
            from inspections.complaints.services import complaint_close

            complaint_close(complaint=c, actor=sup, outcome="ticket", problem_description="p", opinion="o")
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get(URL).json()["results"]) >= 5
