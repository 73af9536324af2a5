"""The rules that depend on dates, at the instants where they break if "today" is the server's UTC
date or a year, a month or the school year is assumed: 31 December 23:30 and 1 January 00:30 in
Shanghai (still 31 December in UTC), 29 February 2028, the 27th at 23:59 and 00:01 after it, 31 August
and 1 September, and December 2026 (its 27th is a Sunday)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision import calendar
from inspections.coverage import selectors
from inspections.visits import services as visit_services
from inspections.coverage import services as coverage_services
from inspections.escalations import services as escalations
from inspections.tickets import services as ticket_services
from inspections.tickets import rules as rectification
from inspections.models.choices import EscalationLevel
from inspections.models import Escalation, Ticket
from reports.monthly import services as monthly_services
from reports.monthly.models import ZoneMonthlyReport
from supervision import clock
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.now("2027-01-01 00:30")
def test_half_past_midnight_on_new_years_day_is_already_the_new_year_for_every_rule(client, world):
    """At 00:30 in Shanghai the server's own date is still 31 December: the product says 1 January."""
    assert dt.datetime.now(dt.timezone.utc).date() == dt.date(2026, 12, 31)  # what the server sees
    assert clock.today() == dt.date(2027, 1, 1)
    sup = world["sup_a1"].user
    visit = visit_services.visit_start(user=sup, school=world["schools"]["a1"], date=dt.date(2027, 1, 1))
    assert visit.date == dt.date(2027, 1, 1)
    with pytest.raises(ValidationError, match="督导日期不能晚于今天"):
        visit_services.visit_start(user=sup, school=world["schools"]["a2"], date=dt.date(2027, 1, 2))
    # The late-entry window (this month and last) reaches back to 1 December of the old year.
    assert calendar.earliest_entry(clock.today(), 1) == dt.date(2026, 12, 1)
    visit_services.visit_start(user=sup, school=world["schools"]["a2"], date=dt.date(2026, 12, 1))
    # The home is January's to-do; the coverage page opens on January and refuses February.
    client.force_login(sup)
    assert "1月 · 距27日报送还有 26 天" in client.get(reverse("supervisor_home")).content.decode()
    client.force_login(world["director_a"])
    page = client.get(reverse("inspections:coverage"))
    assert (page.context["year"], page.context["month"]) == (2027, 1)
    future = client.get(reverse("inspections:coverage"), {"year": 2027, "month": 2})
    assert (future.context["year"], future.context["month"]) == (2027, 1)


@pytest.mark.now("2026-12-31 23:30")
def test_half_past_eleven_on_new_years_eve_is_still_december(client, world):
    assert clock.today() == dt.date(2026, 12, 31)
    with pytest.raises(ValidationError, match="督导日期不能晚于今天"):
        visit_services.visit_start(user=world["sup_a1"].user, school=world["schools"]["a1"], date=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="不能填写未来月份的总结"):
        coverage_services.monthly_summary_save(supervisor=world["sup_a1"], year=2027, month=1, text="总结")
    with pytest.raises(ValidationError, match="不能生成未来月份的月报表"):
        monthly_services.zone_monthly_report_build(zone=world["zone_a1"], year=2027, month=1)
    # December's report is counted as at today, its last day.
    assert calendar.as_at(2026, 12, clock.today()) == dt.date(2026, 12, 31)


@pytest.mark.now("2028-02-29 23:59")
def test_the_29th_of_february_is_a_day_like_any_other(world):
    today = clock.today()
    assert today == dt.date(2028, 2, 29)
    assert calendar.month_bounds(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert calendar.due_date(2028, 2) == dt.date(2028, 2, 27)
    visit = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], date=today, problems=1)
    ticket = Ticket.objects.get(problem__visit=visit)
    # 限期整改 a month by default: 29 March.
    assert ticket.deadline == dt.date(2028, 3, 29)
    coverage = selectors.coverage_for_month(scope=selectors.RosterScope(offices=[world["county_a"].pk]),
                                            year=2028, month=2, today=today)
    assert (coverage.visited, coverage.deadline_passed) == (1, True)
    # The year before has no 29 February: last year's same month ends on the 28th.
    assert calendar.month_bounds(2027, 2)[1] == dt.date(2027, 2, 28)


def test_a_zone_report_filed_at_23_59_on_the_27th_is_on_time_and_one_at_00_01_after_it_is_late(world, clock):
    clock.move_to("2026-10-27 23:59")
    on_time = monthly_services.zone_monthly_report_build(zone=world["zone_a1"], year=2026, month=10)
    monthly_services.zone_monthly_report_file(report=on_time, user=world["sup_a1"].user)
    clock.move_to("2026-10-28 00:01")
    late = monthly_services.zone_monthly_report_build(zone=world["zone_a2"], year=2026, month=10)
    monthly_services.zone_monthly_report_file(report=late, user=world["sup_a2"].user)
    reports = {r.zone_id: r for r in ZoneMonthlyReport.objects.all()}
    assert (reports[world["zone_a1"].pk].filed_on, reports[world["zone_a1"].pk].filed_on_time) == (
        dt.date(2026, 10, 27), True)
    # 00:01 on the 28th in Shanghai is still the 27th in UTC: the report is late all the same.
    assert reports[world["zone_a2"].pk].filed_at.astimezone(dt.timezone.utc).date() == dt.date(2026, 10, 27)
    assert (reports[world["zone_a2"].pk].filed_on, reports[world["zone_a2"].pk].filed_on_time) == (
        dt.date(2026, 10, 28), False)


@pytest.mark.now("2026-12-27 09:00")
def test_the_27th_is_the_due_day_also_when_it_falls_on_a_sunday(client, world):
    assert clock.today().weekday() == 6  # Sunday, 27 December 2026
    assert calendar.due_date(2026, 12) == clock.today()
    drafted = monthly_services.monthly_report_drafts_ensure(today=clock.today())
    assert drafted == ZoneMonthlyReport.objects.filter(year=2026, month=12).count() == 3
    client.force_login(world["sup_a1"].user)
    assert "12月 · 今天27日报送" in client.get(reverse("supervisor_home")).content.decode()


@pytest.mark.parametrize(
    "day, year_end",
    [(dt.date(2027, 8, 31), dt.date(2027, 8, 31)), (dt.date(2027, 9, 1), dt.date(2028, 8, 31)),
     (dt.date(2027, 1, 1), dt.date(2027, 8, 31))],
)
def test_the_school_year_turns_on_1_september(day, year_end):
    assert calendar.school_year_end(day) == year_end
    assert calendar.school_year_start(day) == dt.date(year_end.year - 1, 9, 1)


@pytest.mark.now("2027-08-31 22:00")
def test_on_31_august_an_extension_may_reach_that_day_but_not_the_next_school_year(world):
    ticket = f.tickets_opened(user=world["sup_a1"].user, school=world["schools"]["a1"], count=1,
                              deadline=dt.date(2027, 8, 30))[0]
    user = world["school_user_a1"]
    with pytest.raises(ValidationError, match="延期不能超过本学年结束"):
        ticket_services.extension_request(ticket=ticket, actor=user, requested_deadline=dt.date(2027, 9, 1), reason="暑期施工")
    extension = ticket_services.extension_request(ticket=ticket, actor=user, requested_deadline=dt.date(2027, 8, 31),
                                                  reason="暑期施工")
    assert extension.requested_on == dt.date(2027, 8, 31)


def test_overdue_days_and_escalations_count_shanghai_days(world, clock):
    """A ticket due on 30 December is one day overdue at 00:30 on 31 December in Shanghai (16:30 on
    the 30th in UTC): the daily check proposes 督办 after the office's threshold counted in those days."""
    clock.move_to("2026-11-01 09:00")
    ticket = f.tickets_opened(user=world["sup_a1"].user, school=world["schools"]["a1"], count=1,
                              deadline=dt.date(2026, 11, 20))[0]
    clock.move_to("2026-11-21 00:30")
    assert Ticket.objects.filter(rectification.overdue_open(clock.today), pk=ticket.pk).exists()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert rectification.is_overdue(fresh, clock.today)
    assert rectification.days_overdue(status=fresh.status, deadline=fresh.deadline, closed_on=fresh.closed_on,
                                      day=clock.today) == 1
    policy = escalations.escalation_policy_ensure(office=world["county_a"])
    clock.move_to(dt.datetime.combine(dt.date(2026, 11, 20) + dt.timedelta(days=policy.urge_after_days - 1),
                                      dt.time(23, 59)))
    escalations.rectification_daily_check(today=clock.today)
    assert not Escalation.objects.exists()
    clock.move_to(dt.datetime.combine(dt.date(2026, 11, 20) + dt.timedelta(days=policy.urge_after_days), dt.time(0, 30)))
    escalations.rectification_daily_check(today=clock.today)
    assert Escalation.objects.get().level == EscalationLevel.URGE


@pytest.mark.now("2026-12-20 07:00")
def test_reminders_go_out_on_the_20th_and_the_25th_only(world):
    assert monthly_services.monthly_report_reminders_send(today=clock.today()) == 3
    assert monthly_services.monthly_report_reminders_send(today=clock.today()) == 0  # once a day
