"""The director's dashboard counts what the office counts: every figure compared with plain queries
over a year of fixture data (a joint visit, a school moved mid-year, a ticket closed after the period)."""
import datetime as dt

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from inspections.models.choices import ChecklistStatus, TicketStatus, VisitKind
from inspections.models import Problem, Ticket, Visit

from .factories import at, year_of_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    return year_of_data(world)


def figures_of(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("api-root") + "dashboard/", params)
    assert response.status_code == 200, response.content
    return response.json()


def counted(office, year):
    return Visit.objects.filter(
        office=office, kind=VisitKind.ROUTINE, checklist__status=ChecklistStatus.SUBMITTED, date__year=year
    )


def test_director_sees_visits_and_person_visits_with_a_joint_visit_counted_once_per_supervisor(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"])
    visits = counted(world["county_a"], data["year"])
    assert figures["visits"] == visits.count() == 4  # the draft and the special visit do not count
    assert figures["person_visits"] == visits.aggregate(n=Count("supervisors"))["n"] == 5  # joint visit: 2 人次


def test_coverage_per_month_is_schools_visited_over_active_schools(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"])
    months = {m["month"]: m for m in figures["coverage"]["months"]}
    assert len(months) == 12
    for month, row in months.items():
        visited = counted(world["county_a"], data["year"]).filter(date__month=month).values("school").distinct().count()
        assert (row["visited"], row["schools"]) == (visited, 4)
    assert (months[3]["visited"], months[3]["rate"]) == (2, 50.0)
    assert figures["coverage"]["visited"] == 4 and figures["coverage"]["school_months"] == 48


def test_problems_by_checklist_item_and_by_severity_match_the_ledger(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"])
    problems = Problem.objects.filter(office=world["county_a"], found_on__year=data["year"])
    assert figures["problems"]["total"] == problems.count() == 4
    expected_items = {r["item_code"]: r["n"] for r in problems.values("item_code").annotate(n=Count("pk"))}
    assert {i["code"]: i["count"] for i in figures["problems"]["by_item"]} == expected_items
    expected_severity = {r["severity"]: r["n"] for r in problems.values("severity").annotate(n=Count("pk"))}
    assert {s["severity"]: s["count"] for s in figures["problems"]["by_severity"] if s["count"]} == expected_severity
    assert expected_severity["severe"] == 1


def test_rectification_counts_a_ticket_closed_after_the_period_and_on_time_only_by_the_deadline(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"])["tickets"]
    tickets = Ticket.objects.filter(office=world["county_a"], opened_on__year=data["year"])
    closed = tickets.filter(status=TicketStatus.CLOSED)
    assert (figures["tickets"], figures["closed"]) == (tickets.count(), closed.count()) == (4, 2)
    assert figures["rectification_rate"] == 50.0  # the ticket closed in January of this year counts (截至今日)
    # 按期整改率: closed by the deadline over those whose outcome is known (closed, or open past it):
    # one on time, one closed late, two still open past their deadline.
    assert (figures["on_time"], figures["decided"]) == (1, 4) and figures["on_time_rate"] == 25.0


def test_overdue_now_counts_open_tickets_past_their_deadline_whenever_found(client, world, data):
    today = timezone.localdate()
    figures = figures_of(client, world["director_a"], year=data["year"], month=3)["tickets"]
    expected = Ticket.objects.filter(office=world["county_a"], deadline__lt=today).exclude(status=TicketStatus.CLOSED)
    assert figures["overdue"] == expected.count() == 2  # April's and September's, though March is asked


def test_escalations_by_level_proposed_and_confirmed(client, world, data):
    levels = {e["level"]: e for e in figures_of(client, world["director_a"], year=data["year"])["escalations"]}
    assert (levels[1]["proposed"], levels[1]["confirmed"]) == (1, 1)
    assert (levels[2]["proposed"], levels[2]["confirmed"], levels[2]["pending"]) == (1, 0, 1)
    assert levels[3]["proposed"] == levels[4]["proposed"] == 0
    march = {e["level"]: e for e in figures_of(client, world["director_a"], year=data["year"], month=3)["escalations"]}
    assert march[1]["proposed"] == 0  # proposed in May


def test_a_school_moved_mid_year_leaves_its_visits_and_problems_with_the_zone_of_the_day(client, world, data):
    groups = {g["id"]: g for g in figures_of(client, world["director_a"], year=data["year"])["groups"]}
    a1, a2 = groups[world["zone_a1"].pk], groups[world["zone_a2"].pk]
    for zone, row in ((world["zone_a1"], a1), (world["zone_a2"], a2)):
        visits = counted(world["county_a"], data["year"]).filter(zone=zone)
        assert row["visits"] == visits.count()
        assert row["person_visits"] == visits.aggregate(n=Count("supervisors"))["n"]
        assert row["problems"] == Problem.objects.filter(zone=zone, found_on__year=data["year"]).count()
    assert (a1["visits"], a1["person_visits"], a1["problems"], a1["schools"]) == (3, 4, 3, 1)
    assert (a2["visits"], a2["person_visits"], a2["problems"], a2["schools"]) == (1, 1, 1, 2)
    # Zone A1's school-months, by each month's membership: a2 all year, a1 January–May (it moved on
    # 1 June): 12 + 5; visited: a1 in March and April, a2 in March.
    assert (a1["visited"], a1["school_months"]) == (3, 17)
    assert (a1["rectification_rate"], a1["overdue"]) == (round(200 / 3, 1), 1)
    assert (a2["rectification_rate"], a2["overdue"]) == (0.0, 1)


def test_trends_show_twelve_months_of_visits_problems_and_closed_tickets(client, world, data):
    trend = figures_of(client, world["director_a"], year=data["year"])["trend"]
    assert [(t["year"], t["month"]) for t in trend] == [(data["year"], m) for m in range(1, 13)]
    by_month = {t["month"]: t for t in trend}
    assert (by_month[3]["visits"], by_month[3]["person_visits"], by_month[3]["problems"]) == (2, 3, 2)
    closed_months = Ticket.objects.filter(office=world["county_a"], status=TicketStatus.CLOSED, closed_at__year=data["year"])
    assert sum(t["closed"] for t in trend) == closed_months.count() == 1  # the other closed this January
    this_year = figures_of(client, world["director_a"])["trend"]
    assert this_year[-1]["month"] == timezone.localdate().month and len(this_year) == 12


def test_a_month_counts_only_that_month(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"], month=4)
    assert (figures["visits"], figures["person_visits"], figures["problems"]["total"]) == (1, 1, 1)
    assert figures["coverage"]["months"] == [
        {"year": data["year"], "month": 4, "visited": 1, "schools": 4, "rate": 25.0, "visits": 1, "person_visits": 1}
    ]


def test_county_b_data_never_reaches_county_a(client, world, data):
    figures = figures_of(client, world["director_a"], year=data["year"])
    assert "C1" not in {i["code"] for i in figures["problems"]["by_item"]}
    assert figures["schools"] == 4


def test_city_viewer_sees_a_row_per_county_with_the_same_figures_as_the_county(client, world, data):
    city = figures_of(client, world["city_viewer"], year=data["year"])
    assert city["office"]["id"] == world["city"].pk
    rows = {g["id"]: g for g in city["groups"]}
    assert set(rows) == {world["county_a"].pk, world["county_b"].pk}
    county = figures_of(client, world["city_viewer"], year=data["year"], office=world["county_a"].pk)
    for key in ("visits", "person_visits", "schools"):
        assert rows[world["county_a"].pk][key] == county[key]
    assert rows[world["county_a"].pk]["problems"] == county["problems"]["total"]
    assert rows[world["county_a"].pk]["overdue"] == county["tickets"]["overdue"]
    assert rows[world["county_b"].pk]["problems"] == 2 and rows[world["county_b"].pk]["visits"] == 1
    assert city["visits"] == 5 and city["problems"]["total"] == 6
    province = figures_of(client, world["province_viewer"], year=data["year"])
    assert [g["id"] for g in province["groups"]] == [world["city"].pk]
    assert province["groups"][0]["problems"] == 6


def test_a_supervisor_sees_only_their_zones_figures(client, world, data):
    figures = figures_of(client, world["sup_a2"].user, year=data["year"])
    assert figures["office"] is None and [z["id"] for z in figures["zones"]] == [world["zone_a2"].pk]
    assert (figures["visits"], figures["problems"]["total"]) == (1, 1)  # September's, made in zone A2
    assert [g["id"] for g in figures["groups"]] == [world["zone_a2"].pk]


def test_monthly_reports_filed_on_time_count_each_zone_and_month_once(client, world, data):
    from reports.dashboard.selectors import _zone_monthly_report_model

    model = _zone_monthly_report_model()
    if model is None:  # the monthly-report app has no model yet: the figure is left out
        assert figures_of(client, world["director_a"], year=data["year"])["monthly_reports"] is None
        return
    year, zone_a1, zone_a2 = data["year"], world["zone_a1"], world["zone_a2"]

    def filed(zone, month, day, version=1):
        due = dt.date(year, month, 27)
        model.objects.create(office=world["county_a"], zone=zone, year=year, month=month, version=version, status="filed",
                             built_at=at(dt.date(year, month, 1)), filed_at=at(dt.date(year, month, day)),
                             filed_on=dt.date(year, month, day), due_date=due)

    filed(zone_a1, 3, 20)  # on time
    filed(zone_a1, 4, 26)  # on time, then corrected and filed again after the 27th: still on time, counted once
    filed(zone_a1, 4, 29, version=2)
    filed(zone_a2, 3, 30)  # late
    figures = figures_of(client, world["director_a"], year=year)["monthly_reports"]
    assert figures == {"expected": 24, "filed": 3, "on_time": 2, "on_time_rate": round(200 / 24, 1)}
    march = figures_of(client, world["director_a"], year=year, month=3)["monthly_reports"]
    assert march == {"expected": 2, "filed": 2, "on_time": 1, "on_time_rate": 50.0}
