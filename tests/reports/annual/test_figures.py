"""The year-end summary's figures, counted the way the office counts them (DOMAIN.md, seed 004)."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models.choices import EscalationLevel
from reports.annual.selectors import annual_figures
from tests import factories as f

from .factories import year_built

pytestmark = pytest.mark.django_db


def test_a_joint_visit_is_two_person_visits_and_one_school_visit(world):
    data = year_built(world)

    fig = annual_figures(office=world["county_a"], year=data["year"], until=data["cutoff"])

    # joint visit (2 人次) + 李督学 at a3 + 王督学 at a3; the draft and county B's visit never count
    assert (fig.person_visits, fig.school_visits) == (4, 3)
    assert (fig.schools_visited, fig.schools_total) == (2, 4)
    assert fig.monthly_summaries == 2
    assert (fig.problems, fig.schools_with_problems) == (3, 2)
    assert fig.monthly_visits[2] == 2 and fig.monthly_visits[5] == 1 and sum(fig.monthly_visits) == 3


def test_a_school_moved_mid_year_counts_for_each_zone_it_was_visited_in(world):
    data = year_built(world)

    fig = annual_figures(office=world["county_a"], year=data["year"], until=data["cutoff"])

    zones = {row.name: row for row in fig.zones}
    a1, a2 = zones["城区第一责任区"], zones["乡镇第一责任区"]
    assert (a1.person_visits, a1.school_visits, a1.schools_visited, a1.schools_total) == (3, 2, 2, 3)
    assert (a2.person_visits, a2.school_visits, a2.schools_visited, a2.schools_total) == (1, 1, 1, 1)
    assert (a1.problems, a2.problems) == (2, 1)
    assert zones["未划入责任区"].schools_total == 1  # the kindergarten a4, in no zone

    zone_fig = annual_figures(office=world["county_a"], year=data["year"], zone=world["zone_a2"], until=data["cutoff"])
    assert (zone_fig.person_visits, zone_fig.problems, zone_fig.schools_total) == (1, 1, 1)
    assert zone_fig.escalation_count(EscalationLevel.URGE) == 1
    assert zone_fig.contributions == [] and zone_fig.zones == []


def test_a_ticket_closed_after_the_cut_off_is_still_open_and_overdue_in_that_summary(world):
    data = year_built(world)

    at_cutoff = annual_figures(office=world["county_a"], year=data["year"], until=data["cutoff"])
    year_end = annual_figures(office=world["county_a"], year=data["year"], until=dt.date(data["year"], 12, 31))

    assert at_cutoff.problems_all == 3
    assert at_cutoff.tickets_closed == 1  # only T1 (4月1日)
    assert at_cutoff.overdue == 2  # T2 open past its deadline on 10月31日, T3 never rectified
    assert at_cutoff.rectification_rate == 33.3
    assert at_cutoff.reports_submitted == 1
    assert year_end.tickets_closed == 2
    assert year_end.overdue == 2  # T2 now closed, but after its deadline; T3 still open
    assert at_cutoff.escalation_count(EscalationLevel.URGE) == 1
    assert at_cutoff.escalation_count(EscalationLevel.NOTICE) == 0


def test_an_early_cut_off_leaves_out_what_came_after(world):
    data = year_built(world)

    fig = annual_figures(office=world["county_a"], year=data["year"], until=dt.date(data["year"], 3, 11))

    assert (fig.person_visits, fig.school_visits, fig.problems) == (2, 1, 2)
    assert fig.monthly_summaries == 0 and fig.tickets_closed == 0


def test_figures_take_the_same_number_of_queries_for_a_small_and_a_larger_year(world):
    data = year_built(world)
    with CaptureQueriesContext(connection) as small:
        annual_figures(office=world["county_a"], year=data["year"])
    for n in range(6):
        school = f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"], name=f"新增学校{n}")
        f.visit_filled(user=world["sup_a1"].user, school=school, date=dt.date(data["year"], 5, 2 + n), problems=2)
    with CaptureQueriesContext(connection) as large:
        fig = annual_figures(office=world["county_a"], year=data["year"])

    assert fig.school_visits == 9
    assert len(large.captured_queries) == len(small.captured_queries)
