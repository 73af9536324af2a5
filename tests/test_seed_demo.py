"""seed_demo builds what the README promises — the last complete year in full and this year up to
today, as full on 2 January as on 2 December — and running it again changes nothing."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inspections.models import Checklist, MonthlySummary, Plan, Problem, Ticket, TicketEvent, Visit
from reports.annual.models import AnnualSummary
from reports.annual.selectors import annual_figures
from reports.monthly.models import ZoneMonthlyReport
from schools.models import School
from supervision import clock
from supervision.accounts.models import PasswordState
from supervision.choices import Role
from supervision.models import Office, Supervisor, Zone

pytestmark = pytest.mark.django_db

# Four instants a demo is seeded at (Shanghai): an ordinary December day, the first night of the
# year (still 1 January in UTC), the first night of March, and the last half hour of the year.
INSTANTS = ["2026-12-02 10:00", "2027-01-02 00:30", "2027-03-01 00:30", "2026-12-31 23:30"]


def snapshot():
    return {
        "offices": Office.objects.count(), "zones": Zone.objects.count(), "schools": School.objects.count(),
        "supervisors": Supervisor.objects.count(), "plans": Plan.objects.count(), "visits": Visit.objects.count(),
        "problems": Problem.objects.count(), "summaries": MonthlySummary.objects.count(),
        "zone_reports": ZoneMonthlyReport.objects.count(), "annual": AnnualSummary.objects.count(),
    }


def seed():
    call_command("seed_demo", stdout=io.StringIO())
    return Office.objects.get(division_code="990524")


def test_seed_demo_builds_a_realistic_county_and_is_idempotent(django_user_model):
    county = seed()
    assert county.parent.parent.level == "province"
    zones = county.zones.all()
    assert len({z.category for z in zones}) >= 4
    # 30 schools in the roster today: one merged last spring, one opened last autumn.
    assert county.schools.exclude(kind__in=["kindergarten", "tutoring"]).count() == 31
    assert School.objects.current(office=county).exclude(kind__in=["kindergarten", "tutoring"]).count() == 30
    kgs = county.schools.filter(kind="kindergarten")
    assert kgs.count() == 12 and {"public", "private"} == set(kgs.values_list("ownership", flat=True))
    sups = county.supervisors.all()
    assert sups.count() >= 8 and {"full_time", "part_time"} == set(sups.values_list("kind", flat=True))
    for role in Role.values:
        assert django_user_model.objects.filter(groups__name=role).exists(), role
    assert Plan.objects.filter(office=county).count() == 2
    assert Visit.objects.filter(office=county, checklist__status="submitted").count() > 450
    before = snapshot()
    seed()
    assert snapshot() == before


def _submitted(county, **dates):
    return Visit.objects.filter(office=county, checklist__status="submitted", **dates)


@pytest.mark.parametrize("instant", [pytest.param(i, marks=pytest.mark.now(i), id=i) for i in INSTANTS])
def test_the_demo_is_as_full_on_2_january_as_on_2_december(client, instant):
    county = seed()
    today, now = clock.today(), clock.now()
    last = today.year - 1

    # Every month of the last complete year has its visits, every lead their monthly summaries.
    for month in range(1, 13):
        assert _submitted(county, date__year=last, date__month=month).count() >= 10, (last, month)
    assert MonthlySummary.objects.filter(year=last, submitted_on__isnull=False).values("month").distinct().count() == 12
    filed = ZoneMonthlyReport.objects.filter(office=county, year=last, status="filed")
    assert filed.values("month").distinct().count() == 12
    assert all(r.filed_on.year == last and r.filed_on.month == r.month for r in filed)

    # Last year's year-end summary: the figures a director reads, rectification as it went.
    fig = annual_figures(office=county, year=last, until=dt.date(last, 12, 31))
    assert fig.school_visits > 400 and fig.schools_visited >= 40 and fig.problems > 20
    assert fig.tickets_closed > 0 and fig.closed_late > 0 and fig.overdue_open > 0
    assert fig.monthly_summaries >= 12 * 6 and fig.reports_submitted >= 0
    assert AnnualSummary.objects.filter(office=county, year=last, zone=None, until=dt.date(last, 12, 31)).exists()
    # No demo login owes a new password: the demo is used with Demo@2026 as it is.
    assert not PasswordState.objects.filter(must_change=True).exists()
    client.login(username="director", password="Demo@2026")
    page = client.get(reverse("annual:summary", args=[county.pk, last])).content.decode()
    assert f"入校督导共{fig.person_visits}人次,督导学校{fig.school_visits}校次" in page
    assert f"复查销号{fig.tickets_closed}个" in page

    # This year up to today: each month that is over has its visits; the current one is under way.
    for month in range(1, today.month):
        assert _submitted(county, date__year=today.year, date__month=month).count() >= 10, month
    if today.day > (3 if today.month == 1 else 1):  # a visit on a day before today
        assert _submitted(county, date__year=today.year, date__month=today.month).exists()

    # Nothing is dated after now.
    assert not Visit.objects.filter(date__gt=today).exists()
    assert not Problem.objects.filter(found_on__gt=today).exists()
    assert not Ticket.objects.filter(closed_on__gt=today).exists()
    assert not TicketEvent.objects.filter(occurred_on__gt=today).exists()
    assert not TicketEvent.objects.filter(at__gt=now).exists()
    assert not MonthlySummary.objects.filter(submitted_on__gt=today).exists()
    assert not ZoneMonthlyReport.objects.filter(filed_on__gt=today).exists()
    assert not Checklist.objects.filter(submitted_at__gt=now).exists()
    assert not Visit.objects.filter(date=today).exists()  # a visit takes the day's morning: none yet today

    # The dated roster: the merged school was visited only before its last day, the new one only
    # after it opened, the moved one in both its zones.
    merged = School.objects.get(name="五道沟镇中学")
    assert not Visit.objects.filter(school=merged, date__gte=dt.date(last, 4, 1)).exists()
    assert Visit.objects.filter(school=merged, date__lt=dt.date(last, 4, 1)).exists()
    opened = School.objects.get(name="柳溪县新城小学")
    assert not Visit.objects.filter(school=opened, date__lt=dt.date(last, 9, 1)).exists()
    assert Visit.objects.filter(school=opened, date__gte=dt.date(last, 9, 1)).exists()
    moved = School.objects.get(name="红石镇九年一贯制学校")
    assert set(Visit.objects.filter(school=moved, date__year=last).values_list("zone__name", flat=True)) == {
        "一贯制学校责任区", "乡镇学校第一责任区"}
    assert timezone.localdate(now) == today
