"""Attacks on the list filters found by fuzzing (issue 13): a year outside what a date can hold, and
Unicode digits, answered 500. One rule (``calendar.years``) decides what a year is; one helper
(``whole_number``) reads a number from a query string."""
import pytest
from django.core.cache import cache

from inspections.campaigns.models import Campaign
from supervision.filters import whole_number
from tests import factories as f
from tests.api_support import api_as

BAD_YEARS = ["0", "10000", "99999999999999999999", "1999"]
YEAR_LISTS = ["visits", "problems", "tickets", "complaints", "campaigns", "cases", "plans", "monthly-summaries"]


@pytest.fixture(autouse=True)
def _no_throttle_leftovers():
    cache.clear()


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("resource", YEAR_LISTS)
def test_api_list_with_a_year_no_date_can_hold_answers_400_in_chinese(world, resource, year):
    client = api_as(world, "admin_a")

    response = client.get(f"/api/v1/{resource}/?year={year}")

    assert response.status_code == 400, response.content[:300]
    assert "年度应在2000年至" in response.json()["year"][0]


def test_api_list_with_a_good_year_still_filters(world, clock):
    client = api_as(world, "admin_a")
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"])

    this_year = client.get(f"/api/v1/visits/?year={clock.today.year}").json()
    last_year = client.get(f"/api/v1/visits/?year={clock.today.year - 1}").json()

    assert this_year["count"] == 1 and last_year["count"] == 0


@pytest.mark.parametrize("month", ["0", "13", "99999999999999999999"])
def test_api_list_with_a_month_outside_1_to_12_answers_400(world, month):
    response = api_as(world, "admin_a").get(f"/api/v1/tickets/?year=2026&month={month}")

    assert response.status_code == 400 and "month" in response.json()


def test_detail_routes_with_a_bad_year_answer_400_not_500(world):
    visit = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"])
    client = api_as(world, "admin_a")

    assert client.get(f"/api/v1/visits/{visit.pk}/?year=0").status_code == 400
    assert client.get(f"/api/v1/visits/{visit.pk}/?year=99999999999999999999").status_code == 400


@pytest.mark.parametrize("url", ["/complaints/?year=0", "/complaints/?year=10000", "/inspections/ledger/?year=0",
                                 "/inspections/ledger/?year=99999999999999999999"])
def test_pages_with_a_bad_year_show_the_list_empty_not_a_500(client, world, url):
    client.force_login(world["admin_a"])

    response = client.get(url)

    assert response.status_code == 200
    assert "年度应在2000年至".encode() in response.content or "年度" in response.content.decode()


def test_campaign_schools_with_a_bad_year_answers_400_and_is_a_plain_list(world):
    client = api_as(world, "admin_a")
    created = client.post("/api/v1/campaigns/", {
        "office": world["county_a"].pk, "title": "校园安全专项督导", "topic": "shuangjian",
        "start": "2026-11-01", "end": "2026-12-20", "selection": "all_of_kinds", "kinds": ["primary", "junior"], "leader": world["sup_a1"].pk,
    }, format="json")
    assert created.status_code == 201, created.content[:400]
    pk = created.json()["id"]

    assert client.get(f"/api/v1/campaigns/{pk}/schools/?year=0").status_code == 400
    rows = client.get(f"/api/v1/campaigns/{pk}/schools/").json()
    assert isinstance(rows, list) and Campaign.objects.get(pk=pk).campaign_schools.count() == len(rows)


@pytest.mark.parametrize("text, number", [("12", 12), (" 7 ", 7), ("²", None), ("٣", None), ("-1", None), ("1.5", None),
                                          ("", None), (None, None), ("99999999999999999999", None)])
def test_whole_number_reads_only_ascii_digits_an_id_can_hold(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize("url", ["/api/v1/evaluation-entries/?round=²", "/api/v1/evaluation-entries/?round=99999999999999999999"])
def test_evaluation_entries_with_a_unicode_digit_round_answer_not_500(world, url):
    assert api_as(world, "admin_a").get(url).status_code == 200


@pytest.mark.parametrize("param", ["school", "zone", "supervisor"])
def test_api_list_with_an_id_no_column_can_hold_answers_400_not_500(world, param):
    # Schemathesis sent ?school=96455503261550012952567873536: the database overflowed (500).
    response = api_as(world, "admin_a").get(f"/api/v1/visits/?{param}=96455503261550012952567873536")
    assert response.status_code == 400
    assert param in response.json()


def test_a_monthly_summary_of_year_0_is_refused_with_the_year_rule_not_saved_then_500(world):
    # Schemathesis: POST {"year": 0, "month": 1} as a supervisor saved the summary, then answered 500.
    response = api_as(world, "sup_a1").post("/api/v1/monthly-summaries/", {"year": 0, "month": 1}, format="json")
    assert response.status_code == 400
    assert "年度应在" in response.json()["year"][0]
    assert not world["sup_a1"].monthly_summaries.exists()
