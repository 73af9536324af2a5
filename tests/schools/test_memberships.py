"""The dated roster: a school's membership of an office and a zone has a start and an end, every
figure and every right of access follows the membership of the day, and bad dates are refused with a
clear Chinese message and nothing half-written."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.coverage import selectors
from inspections.models import Problem, Visit
from schools.models import School, SchoolMembership
from schools.selectors import placement_on
from schools.services import school_close, school_joined_on_set, school_move, school_reopen, school_save
from supervision import access, clock
from supervision.models import ZoneAssignment
from supervision.services import zone_set_supervisors
from tests import factories as f

pytestmark = pytest.mark.django_db


def periods(school):
    return [
        (m.zone.name if m.zone else None, m.valid_from, m.valid_to)
        for m in SchoolMembership.objects.filter(school=school).select_related("zone").order_by("valid_from")
    ]


def test_moving_a_school_ends_one_period_and_starts_the_next_on_the_day_given(world):
    a1, june = world["schools"]["a1"], dt.date(2026, 6, 1)
    school_move(school=a1, zone=world["zone_a2"], on=june)
    assert periods(a1) == [("城区第一责任区", f.roster_start(), june), ("乡镇第一责任区", june, None)]
    assert placement_on(a1, dt.date(2026, 5, 31)).zone_id == world["zone_a1"].pk
    assert placement_on(a1, june).zone_id == world["zone_a2"].pk
    assert f.zone_today(a1) == world["zone_a2"]


def test_a_visit_entered_after_a_move_but_dated_before_it_counts_for_the_old_zone(world):
    """The bug of old: a back-dated visit was credited to the school's zone of the day it was typed in."""
    a1, june = world["schools"]["a1"], dt.date(2026, 6, 1)
    with f.on_day(dt.date(2026, 6, 20)):
        school_move(school=a1, zone=world["zone_a2"], on=june)
    world["county_a"].late_entry_months = 12
    world["county_a"].save()
    # 王督学 led zone A1 on 28 May, and enters that day's visit in November.
    visit = f._visit_filled(user=world["sup_a1"].user, school=a1, date=dt.date(2026, 5, 28), problems=1, rechecks=(),
                            submit=True, co_supervisors=())
    assert visit.zone == world["zone_a1"]
    assert Problem.objects.get(visit=visit).zone == world["zone_a1"]


def test_a_move_dated_back_credits_the_visits_since_that_day_to_the_new_zone(world):
    a1 = world["schools"]["a1"]
    july = f.visit_filled(user=world["sup_a1"].user, school=a1, date=dt.date(2026, 7, 10), problems=1)
    assert july.zone == world["zone_a1"]
    # In August the office records that a1 had moved to zone A2 on 1 July.
    with f.on_day(dt.date(2026, 8, 3)):
        school_move(school=a1, zone=world["zone_a2"], on=dt.date(2026, 7, 1))
    july.refresh_from_db()
    assert july.zone == world["zone_a2"] and Problem.objects.get(visit=july).zone == world["zone_a2"]


@pytest.mark.parametrize(
    "on, message",
    [
        (dt.date(2019, 5, 1), "起才列入名册,不能早于该日调整"),
        (dt.date(2027, 1, 5), "不能晚于今天"),
    ],
)
def test_a_move_before_the_school_existed_or_in_the_future_is_refused_and_nothing_changes(world, on, message):
    a1 = world["schools"]["a1"]
    before = periods(a1)
    with pytest.raises(ValidationError, match=message) as exc:
        school_move(school=a1, zone=world["zone_a2"], on=on)
    assert "柳河县第一小学" in str(exc.value) or "2027年1月5日" in str(exc.value)
    assert periods(a1) == before


def test_a_move_overlapping_a_period_already_recorded_is_refused_naming_the_record_and_dates(world):
    a1 = world["schools"]["a1"]
    school_move(school=a1, zone=world["zone_a2"], on=dt.date(2026, 6, 1))
    before = periods(a1)
    with pytest.raises(ValidationError) as exc:
        school_move(school=a1, zone=None, on=dt.date(2026, 5, 1))
    text = str(exc.value)
    assert "柳河县第一小学" in text and "2026年6月1日" in text and "乡镇第一责任区" in text and "重叠" in text
    assert periods(a1) == before


def test_a_move_on_the_day_a_period_began_corrects_that_period(world):
    school = f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"], since=dt.date(2026, 9, 1))
    school_move(school=school, zone=world["zone_a2"], on=dt.date(2026, 9, 1))
    assert periods(school) == [("乡镇第一责任区", dt.date(2026, 9, 1), None)]


def test_schools_added_in_autumn_do_not_change_last_marchs_coverage(world):
    """10 of 12 stays 10 of 12: March is counted over the schools in the roster on 31 March."""
    march = dt.date(2026, 3, 31)
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], date=dt.date(2026, 3, 10))
    scope = selectors.RosterScope(offices=[world["county_a"].pk])
    before = selectors.coverage_for_month(scope=scope, year=2026, month=3, today=clock.today())
    for n in range(2):
        school_save(office=world["county_a"], code=f"22052409{n:02d}", name=f"新建学校{n}", kind="primary",
                    zone=world["zone_a1"], on=dt.date(2026, 9, 1))
    after = selectors.coverage_for_month(scope=scope, year=2026, month=3, today=clock.today())
    assert (after.visited, after.total) == (before.visited, before.total) == (1, 4)
    november = selectors.coverage_for_month(scope=scope, year=2026, month=11, today=clock.today())
    assert november.total == 6
    assert march < dt.date(2026, 9, 1)


def test_a_school_closed_in_spring_leaves_the_roster_from_that_day_and_keeps_its_history(world, client):
    a2 = world["schools"]["a2"]
    f.visit_filled(user=world["sup_a1"].user, school=a2, date=dt.date(2026, 3, 5))
    with f.on_day(dt.date(2026, 4, 2)):
        school_close(school=a2, on=dt.date(2026, 4, 1), merged_into=world["schools"]["a1"])
    assert not School.objects.get(pk=a2.pk).is_active
    scope = selectors.RosterScope(offices=[world["county_a"].pk])
    assert a2.pk in {s.pk for s in scope.lines_on(dt.date(2026, 3, 31))}
    assert a2.pk not in {s.pk for s in scope.lines_on(dt.date(2026, 4, 1))}
    # No visit may be made at it from that day; its supervisor no longer has it, the office still reads it.
    with pytest.raises(ValidationError, match="不在本督导室名册中"):
        f.visit_filled(user=world["sup_a1"].user, school=a2, date=dt.date(2026, 4, 3))
    assert not access.schools_of_supervisor(world["sup_a1"].user).filter(pk=a2.pk).exists()
    client.force_login(world["director_a"])
    page = client.get(reverse("schools:detail", args=[a2.pk])).content.decode()
    assert "已撤并,并入柳河县第一小学" in page and "2026-03-31" in page


def test_closing_before_a_visit_already_recorded_is_refused(world):
    a2 = world["schools"]["a2"]
    f.visit_filled(user=world["sup_a1"].user, school=a2, date=dt.date(2026, 5, 5))
    with pytest.raises(ValidationError, match="2026年5月5日 仍有入校督导记录"):
        school_close(school=a2, on=dt.date(2026, 5, 1))
    assert School.objects.get(pk=a2.pk).is_active


def test_a_closed_school_reopens_from_a_later_day(world):
    a2 = world["schools"]["a2"]
    school_close(school=a2, on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="恢复日期不能早于停办日期"):
        school_reopen(school=a2, zone=world["zone_a1"], on=dt.date(2026, 3, 1))
    school_reopen(school=a2, zone=world["zone_a1"], on=dt.date(2026, 9, 1))
    assert [p[1:] for p in periods(a2)] == [(f.roster_start(), dt.date(2026, 4, 1)), (dt.date(2026, 9, 1), None)]


def test_the_day_a_school_joined_can_be_moved_back_to_enter_its_history_but_not_after_its_records(world):
    school = f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"], since=dt.date(2026, 11, 1))
    school_joined_on_set(school=school, on=dt.date(2025, 1, 1))
    assert periods(school)[0][1] == dt.date(2025, 1, 1)
    f.visit_filled(user=world["sup_a1"].user, school=school, date=dt.date(2026, 2, 3))
    with pytest.raises(ValidationError, match="最早的入校督导记录为 2026年2月3日"):
        school_joined_on_set(school=school, on=dt.date(2026, 3, 1))


def test_a_supervisor_who_left_a_zone_keeps_reading_what_they_did_there_and_loses_the_rest(world):
    sup_a1, a1 = world["sup_a1"], world["schools"]["a1"]
    visit = f.visit_filled(user=sup_a1.user, school=a1, date=dt.date(2026, 10, 12), problems=1)
    ticket = Problem.objects.get(visit=visit).ticket
    newcomer = f.SupervisorFactory(office=world["county_a"], name="新督学")
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[newcomer], lead=newcomer)
    user = sup_a1.user
    assert not access.schools_of_supervisor(user).exists()  # no longer works there
    assert access.tickets_visible_to(user).filter(pk=ticket.pk).exists()  # the ticket he opened
    assert access.visits_visible_to(user).filter(pk=visit.pk).exists()
    assert not access.tickets_rechecked_by(user).filter(pk=ticket.pk).exists()  # but may not act on it
    # The newcomer sees the school's whole history, including the visit made before he came.
    assert access.visits_visible_to(newcomer.user).filter(pk=visit.pk).exists()
    assert access.tickets_rechecked_by(newcomer.user).filter(pk=ticket.pk).exists()
    # The history says who led the zone when.
    led = ZoneAssignment.objects.get(zone=world["zone_a1"], supervisor=sup_a1)
    assert (led.is_lead, led.valid_from, led.valid_to) == (True, f.roster_start(), clock.today())


def test_every_figure_as_at_a_day_counts_the_school_for_the_zone_of_that_day(world):
    """A school moved in June: January–May it is zone A1's, from June zone A2's — coverage, the
    zone report's schools and the visits' zone all agree."""
    from reports.monthly.selectors import zone_month_data

    a1 = world["schools"]["a1"]
    with f.on_day(dt.date(2026, 6, 1)):
        school_move(school=a1, zone=world["zone_a2"], on=dt.date(2026, 6, 1))
    may = zone_month_data(zone=world["zone_a1"], year=2026, month=5)
    june = zone_month_data(zone=world["zone_a1"], year=2026, month=6)
    assert "柳河县第一小学" in {r["name"] for r in may["schools"]}
    assert "柳河县第一小学" not in {r["name"] for r in june["schools"]}
    assert Visit.objects.count() == 0
