"""An office that ran the product before the roster had dates upgrades without losing its figures:
the migrations give every school one period per zone it was credited in (the move dated by the first
visit credited to the new zone), every supervisor's assignment a start, every admin 补录, and every
act recorded as an instant the Shanghai day it happened on.

The test migrates a real database back to the last undated state, writes rows as that version did,
migrates forward and reads the result with today's models."""
import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.now("2026-11-18 09:30")]

UNDATED = [
    ("schools", "0002_initial"),
    ("supervision", "0003_throttle"),
    ("inspections", "0005_special_visit_checklist"),
    ("monthly_reports", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def undated():
    """The database as the undated version left it; afterwards, back to the latest schema."""
    apps = migrate(UNDATED)
    yield apps
    migrate(latest())


def utc(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_an_undated_roster_becomes_periods_that_keep_last_years_figures(undated):
    apps = undated
    User = apps.get_model("auth", "User")
    Office = apps.get_model("supervision", "Office")
    Zone = apps.get_model("supervision", "Zone")
    Supervisor = apps.get_model("supervision", "Supervisor")
    School = apps.get_model("schools", "School")
    Visit = apps.get_model("inspections", "Visit")
    Summary = apps.get_model("inspections", "MonthlySummary")
    Grant = apps.get_model("supervision", "OfficeUserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    office = Office.objects.create(name="城关区教育督导室", level="county", division_code="330101")
    east = Zone.objects.create(name="第一责任区", category="urban_schools", office=office)
    west = Zone.objects.create(name="第二责任区", category="urban_schools", office=office)
    admin = User.objects.create(username="admin")
    user = User.objects.create(username="zhou")
    supervisor = Supervisor.objects.create(name="周敏", phone="13800000000", office=office, user=user)
    east.supervisors.add(supervisor)
    office_type, _created = ContentType.objects.get_or_create(app_label="supervision", model="office")
    manage, _created = Permission.objects.get_or_create(
        content_type=office_type, codename="manage_office", defaults={"name": "管理督导室名册"}
    )
    Grant.objects.create(user=admin, content_object=office, permission=manage)

    moved = School.objects.create(code="S1", name="城关一小", kind="primary", office=office, zone=west)
    stayed = School.objects.create(code="S2", name="城关二小", kind="primary", office=office, zone=east)
    School.objects.create(code="S3", name="城关三小", kind="primary", office=office, zone=east, is_active=False)
    now = utc("2026-11-18T01:30:00")
    for school, day, zone in ((moved, "2025-03-10", east), (moved, "2026-09-15", west), (stayed, "2025-04-02", east)):
        visit = Visit.objects.create(date=dt.date.fromisoformat(day), school=school, office=office, zone=zone,
                                     created_by=supervisor, created_at=now, updated_at=now)
        visit.supervisors.add(supervisor)
    # Submitted at 00:30 on 1 November in Shanghai, still 31 October in UTC.
    Summary.objects.create(year=2026, month=10, supervisor=supervisor,
                           submitted_at=utc("2026-10-31T16:30:00"), updated_at=now)

    migrate(latest())

    from django.contrib.auth.models import User as CurrentUser

    from inspections.models import MonthlySummary, Visit as CurrentVisit
    from schools.models import SchoolMembership
    from schools.selectors import placement_on
    from supervision import access
    from supervision.models import Office as CurrentOffice, Zone, ZoneAssignment

    def periods(code):
        return [
            (m.zone.name, m.valid_from, m.valid_to)
            for m in SchoolMembership.objects.filter(school__code=code).select_related("zone").order_by("valid_from")
        ]

    start = dt.date(2025, 1, 1)  # 1 January of the year of the earliest visit on record
    assert periods("S1") == [("第一责任区", start, dt.date(2026, 9, 15)), ("第二责任区", dt.date(2026, 9, 15), None)]
    assert periods("S2") == [("第一责任区", start, None)]
    assert periods("S3") == [("第一责任区", start, dt.date(2026, 11, 18))]

    # Last year's March is counted in the zone the school was in then, this autumn's in the new one.
    from schools.models import School as CurrentSchool

    school = CurrentSchool.objects.get(code="S1")
    east, west = (Zone.objects.get(name=name).pk for name in ("第一责任区", "第二责任区"))
    assert placement_on(school, dt.date(2025, 3, 10)).zone_id == east
    assert placement_on(school, dt.date(2026, 10, 1)).zone_id == west
    assert sorted(CurrentVisit.objects.filter(school=school).values_list("zone__name", flat=True)) == [
        "第一责任区", "第二责任区"]

    assignment = ZoneAssignment.objects.get(supervisor__name="周敏")
    assert (assignment.zone.name, assignment.valid_from, assignment.valid_to) == ("第一责任区", start, None)

    office = CurrentOffice.objects.get(division_code="330101")
    assert list(access.offices_backfilled_by(CurrentUser.objects.get(username="admin"))) == [office]
    assert not access.offices_backfilled_by(CurrentUser.objects.get(username="zhou")).exists()

    summary = MonthlySummary.objects.get(month=10)
    assert summary.submitted_on == dt.date(2026, 11, 1)
