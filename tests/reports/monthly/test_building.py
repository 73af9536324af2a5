"""What a zone's monthly report (月报表) lists and counts, and how versions and filing behave."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models.choices import TicketStatus
from inspections.models import Problem, Visit
from inspections.visits.selectors import counted_visits
from reports.monthly import selectors, services
from reports.monthly.choices import FilingState, ZoneMonthlyReportStatus
from reports.monthly.models import ZoneMonthlyReport
from tests import factories as f

from .factories import MONTH, YEAR, at, close_ticket, day, problems_of, visit

pytestmark = pytest.mark.django_db


def _school(data, name):
    return next(s for s in data["schools"] if s["name"] == name)


def test_report_lists_visited_and_unvisited_schools_of_the_zone_with_totals(world):
    s = world["schools"]
    visit(world["sup_a1"], s["a1"], day(8), problems=2)
    visit(world["sup_a1"], s["a1"], day(22), problems=1)

    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)

    data = report.data
    assert [row["name"] for row in data["schools"]] == ["柳河县第一小学", "柳河县第二中学"]
    first = _school(data, "柳河县第一小学")
    assert [v["date"] for v in first["visits"]] == ["2026-10-08", "2026-10-22"]
    assert len(first["problems"]) == 3
    assert all(p["opinion"] == "限期整改" for p in first["problems"])
    assert not _school(data, "柳河县第二中学")["visited"]  # shows as 未督导
    assert data["totals"] == {
        "schools": 2, "schools_visited": 1, "schools_not_visited": 1, "visits": 2, "person_visits": 2,
        "schools_with_problems": 1, "problems": 3, "rectified": 0, "unrectified": 3, "overdue": 0,
    }
    assert data["lead_supervisors"] == ["王督学"]
    assert report.version == 1 and report.status == ZoneMonthlyReportStatus.DRAFT
    assert report.due_date == dt.date(2026, 10, 27)


def test_draft_visits_special_visits_and_other_months_are_not_counted(world):
    s = world["schools"]
    f.visit_filled(user=world["sup_a1"].user, school=s["a1"], date=day(9), problems=1, submit=False)
    special = visit(world["sup_a1"], s["a2"], day(10))
    Visit.objects.filter(pk=special.pk).update(kind="special")
    visit(world["sup_a1"], s["a2"], day(3, month=9))

    data = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH)

    assert data["totals"]["visits"] == 0
    assert data["totals"]["problems"] == 0
    assert data["totals"]["schools_visited"] == 0


def test_a_school_moved_to_another_zone_mid_month_appears_in_both_zones_with_its_own_visits(world):
    s = world["schools"]
    visit(world["sup_a1"], s["a1"], day(5), problems=1)
    with f.on_day(day(15)):
        f.school_moved(s["a1"], world["zone_a2"], on=day(15))
    visit(world["sup_a2"], s["a1"], day(20), problems=2)

    old = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH)
    new = selectors.zone_month_data(zone=world["zone_a2"], year=YEAR, month=MONTH)

    moved_old, moved_new = _school(old, "柳河县第一小学"), _school(new, "柳河县第一小学")
    assert [v["date"] for v in moved_old["visits"]] == ["2026-10-05"]
    assert len(moved_old["problems"]) == 1 and moved_old["moved_out"]
    # In zone A2's report the school's row shows its visit made by zone A1 too, marked as such;
    # the visit, its 人次 and its problem count for zone A1 only.
    assert [(v["date"], v["in_zone"]) for v in moved_new["visits"]] == [("2026-10-05", False), ("2026-10-20", True)]
    assert len(moved_new["problems"]) == 2 and not moved_new["moved_out"]
    # Zone A1 lists its school a2 (unvisited) and a1, visited there before it left; zone A2 its a3 and the newcomer.
    assert {r["name"] for r in old["schools"]} == {"柳河县第一小学", "柳河县第二中学"}
    assert {r["name"] for r in new["schools"]} == {"柳河县第一小学", "三源浦镇中心小学"}
    assert old["totals"]["visits"] == new["totals"]["visits"] == 1
    # As at 31 October a1 is zone A2's: zone A1 covers 0 of 1 school, zone A2 1 of 2.
    assert (old["totals"]["schools_visited"], old["totals"]["schools"]) == (0, 1)
    assert (new["totals"]["schools_visited"], new["totals"]["schools"]) == (1, 2)


def test_a_joint_visit_is_one_visit_for_the_school_and_one_person_visit_per_supervisor(world):
    helper = f.SupervisorFactory(office=world["county_a"], name="张督学")
    visit(world["sup_a1"], world["schools"]["a1"], day(12), co=[helper])

    data = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH)

    row = _school(data, "柳河县第一小学")
    assert row["visits"][0]["supervisors"] == sorted(["王督学", "张督学"])
    assert data["totals"]["visits"] == 1
    assert data["totals"]["person_visits"] == 2


def test_a_ticket_closed_after_the_month_is_still_open_in_that_months_report(world):
    v = visit(world["sup_a1"], world["schools"]["a1"], day(6), problems=2)
    early, late = problems_of(v)
    close_ticket(early.ticket, world["sup_a1"], day(25))  # closed within October
    close_ticket(late.ticket, world["sup_a1"], day(3, month=11))  # closed in November

    data = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH)

    statuses = {p["id"]: p["status"] for p in _school(data, "柳河县第一小学")["problems"]}
    assert statuses == {early.pk: TicketStatus.CLOSED, late.pk: TicketStatus.OPEN}
    assert data["totals"]["rectified"] == 1 and data["totals"]["unrectified"] == 1
    # Today both are closed: the November view of the same tickets differs, October's does not.
    assert set(Problem.objects.filter(visit=v).values_list("ticket__status", flat=True)) == {TicketStatus.CLOSED}


def test_building_twice_refreshes_the_same_draft(world):
    zone = world["zone_a1"]
    first = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)
    visit(world["sup_a1"], world["schools"]["a2"], day(14), problems=1)

    again = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)

    assert again.pk == first.pk and again.version == 1
    assert again.data["totals"]["problems"] == 1
    assert ZoneMonthlyReport.objects.count() == 1


def test_filing_freezes_the_report_and_rebuilding_makes_a_new_draft_version(world):
    zone = world["zone_a1"]
    lead = world["sup_a1"].user
    draft = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)

    filed = services.zone_monthly_report_file(report=draft, user=lead, built_at=draft.built_at)
    frozen = dict(filed.data)
    visit(world["sup_a1"], world["schools"]["a1"], day(30), problems=1)
    newer = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)

    filed.refresh_from_db()
    assert filed.status == ZoneMonthlyReportStatus.FILED and filed.filed_by == lead and filed.filed_at
    assert filed.data == frozen and filed.data["totals"]["problems"] == 0
    assert newer.pk != filed.pk and newer.version == 2 and newer.status == ZoneMonthlyReportStatus.DRAFT
    assert newer.data["totals"]["problems"] == 1
    versions = selectors.reports_of_zone_month(zone=zone, year=YEAR, month=MONTH)
    assert selectors.the_report(versions).pk == filed.pk
    with pytest.raises(ValidationError, match="已报送"):
        services.zone_monthly_report_file(report=filed, user=lead)


def test_a_corrected_refiling_becomes_the_report_but_timeliness_is_the_first_filings(world):
    zone = world["zone_a1"]
    lead = world["sup_a1"].user
    v1 = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)
    with f.on_day(day(26)):
        services.zone_monthly_report_file(report=v1, user=lead)
    v2 = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)
    services.zone_monthly_report_file(report=v2, user=lead)  # filed today, after the 27th

    versions = selectors.reports_of_zone_month(zone=zone, year=YEAR, month=MONTH)

    assert selectors.the_report(versions).version == 2
    assert selectors.filing_state(versions) == FilingState.ON_TIME
    assert [r.filed_on_time for r in versions] == [False, True]


def test_only_the_zones_lead_supervisor_files(world):
    draft = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    member = f.SupervisorFactory(office=world["county_a"], name="成员督学")
    from supervision.services import zone_set_supervisors

    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], member], lead=world["sup_a1"])

    for user in (member.user, world["sup_a2"].user, world["director_a"]):
        with pytest.raises(ValidationError, match="只有本责任区的组长可以报送月报表"):
            services.zone_monthly_report_file(report=draft, user=user)
    draft.refresh_from_db()
    assert draft.status == ZoneMonthlyReportStatus.DRAFT and draft.filed_at is None


def test_filing_a_draft_rebuilt_since_it_was_looked_at_is_refused_and_nothing_is_filed(world):
    zone = world["zone_a1"]
    seen = services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH, now=timezone.now() - dt.timedelta(minutes=5))
    looked_at = seen.built_at
    services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)

    with pytest.raises(ValidationError, match="重新生成"):
        services.zone_monthly_report_file(report=seen, user=world["sup_a1"].user, built_at=looked_at)
    seen.refresh_from_db()
    assert seen.status == ZoneMonthlyReportStatus.DRAFT


def test_a_future_month_cannot_be_built(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="不能生成未来月份"):
        services.zone_monthly_report_build(zone=world["zone_a1"], year=today.year + 1, month=1)
    assert not ZoneMonthlyReport.objects.exists()


def test_the_figures_match_the_visits_and_problems_in_the_database(world):
    s = world["schools"]
    helper = f.SupervisorFactory(office=world["county_a"], name="张督学")
    visit(world["sup_a1"], s["a1"], day(2), problems=1, co=[helper])
    visit(world["sup_a1"], s["a2"], day(15), problems=3)
    visit(world["sup_a2"], s["a3"], day(16), problems=2)  # another zone

    data = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH)

    visits = counted_visits().filter(zone=world["zone_a1"], date__year=YEAR, date__month=MONTH)
    assert data["totals"]["visits"] == visits.count()
    assert data["totals"]["person_visits"] == sum(v.supervisors.count() for v in visits)
    assert data["totals"]["problems"] == Problem.objects.filter(visit__in=visits).count() == 4


def test_a_report_built_mid_month_counts_the_visits_up_to_that_day(world):
    visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=1)
    visit(world["sup_a1"], world["schools"]["a2"], day(22))

    data = selectors.zone_month_data(zone=world["zone_a1"], year=YEAR, month=MONTH, now=at(day(15)))

    assert data["totals"]["visits"] == 1 and data["totals"]["schools_visited"] == 1
    assert data["cutoff"].startswith("2026-10-15")
