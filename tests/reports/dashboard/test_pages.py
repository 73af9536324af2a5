"""The dashboard pages: who sees which dashboard, bad input, drill-down links (zone → school → ticket),
and a constant number of SQL queries whatever the data size."""
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Ticket
from schools.models import School
from tests import factories as f

from .factories import year_of_data

pytestmark = pytest.mark.django_db

API = "/api/v1/dashboard/"


@pytest.fixture
def data(world):
    return year_of_data(world)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Who sees what ---------------------------------------------------------------------------------


def test_director_opens_the_dashboard_of_their_county_with_kpis_charts_and_zone_table(client, world, data):
    response = get(client, world["director_a"], reverse("dashboard:dashboard"), year=data["year"])
    assert response.status_code == 200
    body = response.content.decode()
    assert world["county_a"].name in body
    for kpi in ("coverage", "visits", "problems", "rectification", "on_time", "overdue", "escalations"):
        assert f'data-testid="kpi-{kpi}"' in body
    for chart in ("coverage", "trend", "items", "severity", "groups", "escalations"):
        option = json.loads(re.search(rf'<script id="chart-{chart}-option" type="application/json">(.*?)</script>', body, re.S)[1])
        assert option.get("baseOption", option)["series"]
    rows = [r["name"] for r in response.context["rows"]]
    assert set(rows) == {world["zone_a1"].name, world["zone_a2"].name, "未划入责任区"}  # a4 is in no zone
    assert reverse("dashboard:zone", args=[world["zone_a1"].pk]) in body


def test_school_user_has_no_dashboard(client, world):
    assert get(client, world["school_user_a1"], reverse("dashboard:dashboard")).status_code == 404
    assert get(client, world["school_user_a1"], API).status_code == 404
    assert get(client, world["school_user_a1"], reverse("dashboard:zone", args=[world["zone_a1"].pk])).status_code == 404
    assert get(client, world["school_user_a1"], reverse("dashboard:school", args=[world["schools"]["a1"].pk])).status_code == 404


def test_director_asking_for_another_county_gets_404(client, world):
    other = world["county_b"].pk
    assert get(client, world["director_a"], reverse("dashboard:dashboard"), office=other).status_code == 404
    assert get(client, world["director_a"], API, office=other).status_code == 404
    assert get(client, world["director_a"], API, office="x").status_code == 404
    assert get(client, world["director_a"], API, office=world["city"].pk).status_code == 404  # no office above


def test_other_county_cannot_open_a_zone_or_school_page_of_county_a(client, world):
    assert get(client, world["admin_b"], reverse("dashboard:zone", args=[world["zone_a1"].pk])).status_code == 404
    assert get(client, world["admin_b"], reverse("dashboard:school", args=[world["schools"]["a1"].pk])).status_code == 404
    assert get(client, world["admin_b"], reverse("dashboard:zone", args=[99999])).status_code == 404


def test_supervisor_sees_their_zones_dashboard_but_not_another_zones(client, world, data):
    sup = world["sup_a2"].user
    response = get(client, sup, reverse("dashboard:dashboard"), year=data["year"])
    assert response.status_code == 200
    assert [r["key"] for r in response.context["rows"]] == [world["zone_a2"].pk]
    assert get(client, sup, reverse("dashboard:zone", args=[world["zone_a2"].pk])).status_code == 200
    assert get(client, sup, reverse("dashboard:zone", args=[world["zone_a1"].pk])).status_code == 404
    assert get(client, sup, reverse("dashboard:school", args=[world["schools"]["a2"].pk])).status_code == 404
    assert get(client, sup, reverse("dashboard:dashboard"), office=world["county_b"].pk).status_code == 404


def test_city_viewer_sees_the_roll_up_and_drills_into_one_county(client, world, data):
    response = get(client, world["city_viewer"], reverse("dashboard:dashboard"), year=data["year"])
    assert response.status_code == 200 and response.context["by_office"]
    rows = response.context["rows"]
    assert [r["key"] for r in rows] == [world["county_b"].pk, world["county_a"].pk]  # by division code
    county = get(client, world["city_viewer"], rows[1]["url"])
    assert county.status_code == 200 and not county.context["by_office"]
    assert county.context["scope"].office == world["county_a"]
    assert county.context["parent_url"].startswith(reverse("dashboard:dashboard") + f"?office={world['city'].pk}")


# --- Bad input ---------------------------------------------------------------------------------------


def test_a_wrong_period_is_refused_with_a_chinese_message_and_this_year_is_shown(client, world):
    response = get(client, world["director_a"], reverse("dashboard:dashboard"), year="abc", month="13")
    assert response.status_code == 200
    body = response.content.decode()
    assert "年度应为四位数字" in body and "月份应为 1 到 12 之间的数字" in body
    assert response.context["period"].year == response.context["form"].today.year
    future = get(client, world["director_a"], API, year=response.context["form"].today.year + 1)
    assert future.status_code == 400 and "不能选择未来的年份" in future.json()["year"][0]


# --- Drill down: zone → school → ticket --------------------------------------------------------------


def test_zone_page_lists_the_schools_counted_for_it_including_one_that_moved_away(client, world, data):
    response = get(client, world["director_a"], reverse("dashboard:zone", args=[world["zone_a1"].pk]), year=data["year"])
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.context["rows"]}
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    assert set(rows) == {a1.name, a2.name}
    assert (rows[a1.name]["visits"], rows[a1.name]["person_visits"], rows[a1.name]["schools"]) == (2, 3, 0)  # moved away
    assert rows[a2.name]["problems"] == 2
    assert "已调出本责任区" in response.content.decode()
    assert f"zone={world['zone_a1'].pk}" in rows[a1.name]["url"]


def test_school_page_links_each_ticket_and_keeps_to_the_zone_it_came_from(client, world, data):
    a1 = world["schools"]["a1"]
    url = reverse("dashboard:school", args=[a1.pk])
    in_a1 = get(client, world["director_a"], url, year=data["year"], zone=world["zone_a1"].pk)
    assert in_a1.status_code == 200
    assert [t.pk for t in in_a1.context["tickets"]] == [data["t_april"].pk]
    assert len(in_a1.context["visits"]) == 2
    assert reverse("inspections:ticket_detail", args=[data["t_april"].pk]) in in_a1.content.decode()
    everywhere = get(client, world["director_a"], url, year=data["year"])
    assert {t.pk for t in everywhere.context["tickets"]} == {data["t_april"].pk, data["t_sept"].pk}
    assert len(everywhere.context["visits"]) == 3


def test_charts_drill_into_coverage_ledger_and_zone_pages(client, world, data):
    response = get(client, world["director_a"], reverse("dashboard:dashboard"), year=data["year"])
    charts = {c["id"]: c["option"] for c in response.context["charts"]}
    march = charts["chart-coverage"]["baseOption"]["series"][0]["data"][2]["url"]
    assert march.startswith(reverse("inspections:coverage")) and "month=3" in march
    item = charts["chart-items"]["series"][0]["data"][-1]["url"]
    assert item.startswith(reverse("inspections:ledger")) and "item=" in item and f"year={data['year']}" in item
    zones = charts["chart-groups"]["series"][0]["data"]
    assert reverse("dashboard:zone", args=[world["zone_a1"].pk]) in {d["url"].split("?")[0] for d in zones}
    overdue = next(k for k in response.context["kpis"] if k["key"] == "overdue")
    assert client.get(overdue["url"]).context["totals"]["total"] == 2  # the ledger shows the same 2 overdue


# --- Constant queries ------------------------------------------------------------------------------


def more_data(world, n=15):
    """More schools, visits, problems and tickets (through the services, as supervisors fill them)."""
    zone = world["zone_a2"]
    schools = [f.SchoolFactory(office=world["county_a"], zone=zone) for _ in range(n)]
    for school in schools:
        f.visit_filled(user=world["sup_a2"].user, school=school, problems=2)
    f.visit_filled(user=world["sup_a2"].user, school=schools[0], problems=1, co_supervisors=[world["sup_a1"]])
    return schools


def count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "sup_a2"])
def test_dashboard_and_api_run_the_same_queries_for_small_and_larger_data(client, world, data, who, django_assert_num_queries):
    user = world[who].user if who.startswith("sup") else world[who]
    client.force_login(user)
    urls = [(reverse("dashboard:dashboard"), {}), (API, {}), (reverse("dashboard:zone", args=[world["zone_a2"].pk]), {}),
            (reverse("dashboard:school", args=[world["schools"]["a1"].pk]), {"zone": world["zone_a2"].pk})]
    client.get(urls[0][0])  # warm the session
    small = [count(client, url, params) for url, params in urls]
    more_data(world)
    assert School.objects.count() >= 20 and Ticket.objects.count() > 30
    for (url, params), n in zip(urls, small):
        with django_assert_num_queries(n):
            client.get(url, params)


def test_office_menu_and_overview_lead_to_the_dashboard(client, world):
    client.force_login(world["director_a"])
    body = client.get(reverse("office_overview")).content.decode()
    assert f'{reverse("dashboard:dashboard")}?office={world["county_a"].pk}' in body
    assert "数据看板" in body
    client.force_login(world["sup_a1"].user)
    assert reverse("dashboard:dashboard") in client.get(reverse("supervisor_home")).content.decode()
