"""/api/v1/monthly-reports/: the same scope as the pages, the frozen data, filing, building."""
import pytest
from django.utils import timezone

from reports.monthly import services
from reports.monthly.choices import ZoneMonthlyReportStatus
from reports.monthly.models import ZoneMonthlyReport
from tests.api_support import api_as, grow_world

from .factories import MONTH, YEAR, day, visit

pytestmark = pytest.mark.django_db
URL = "/api/v1/monthly-reports/"


def _reports(world):
    return {
        zone: services.zone_monthly_report_build(zone=world[zone], year=YEAR, month=MONTH)
        for zone in ("zone_a1", "zone_a2", "zone_b1")
    }


@pytest.mark.parametrize(
    "role, seen",
    [
        ("admin_a", {"城区第一责任区", "乡镇第一责任区"}),
        ("sup_a1", {"城区第一责任区"}),
        ("city_viewer", {"城区第一责任区", "乡镇第一责任区", "辉南城区责任区"}),
        ("admin_b", {"辉南城区责任区"}),
        ("school_user_a1", set()),
    ],
)
def test_list_and_retrieve_follow_the_page_scope(world, role, seen):
    reports = _reports(world)
    client = api_as(world, role)

    listed = client.get(URL).json()["results"]

    assert {r["zone_name"] for r in listed} == seen
    probe = reports["zone_a1"]
    response = client.get(f"{URL}{probe.pk}/")
    assert response.status_code == (200 if "城区第一责任区" in seen else 404)


def test_a_report_carries_its_frozen_data(world):
    visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=2)
    report = _reports(world)["zone_a1"]

    body = api_as(world, "sup_a1").get(f"{URL}{report.pk}/").json()

    assert body["status"] == "draft" and body["version"] == 1 and body["due_date"] == "2026-10-27"
    assert body["data"]["totals"]["problems"] == 2
    assert body["data"]["schools"][0]["name"] == "柳河县第一小学"


def test_the_lead_files_through_the_api_and_a_second_filing_is_refused(world):
    report = _reports(world)["zone_a1"]
    client = api_as(world, "sup_a1")

    response = client.post(f"{URL}{report.pk}/file/", {"built_at": report.built_at.isoformat()}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "filed" and response.json()["filed_by_name"] == "王督学"
    again = client.post(f"{URL}{report.pk}/file/", {}, format="json")
    assert again.status_code == 400 and "已报送" in again.content.decode()


@pytest.mark.parametrize("role", ["director_a", "city_viewer"])
def test_others_who_read_cannot_file(world, role):
    report = _reports(world)["zone_a1"]
    response = api_as(world, role).post(f"{URL}{report.pk}/file/", {}, format="json")
    assert response.status_code == 400
    assert "只有本责任区的组长可以报送月报表" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ZoneMonthlyReportStatus.DRAFT


@pytest.mark.now("2026-11-18 09:30")  # the October report, entered in November
def test_an_admin_enters_a_zones_past_filing_with_the_day_it_was_filed(world):
    """补录: the report was sent by e-mail on 26 October; the admin enters the filing in November."""
    report = _reports(world)["zone_a1"]
    client = api_as(world, "admin_a")
    future = client.post(f"{URL}{report.pk}/file/", {"on": "2026-12-01"}, format="json")
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    response = client.post(f"{URL}{report.pk}/file/", {"on": "2026-10-26"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["filed_on"], body["filed_on_time"]) == ("filed", "2026-10-26", True)
    assert body["filed_at"].startswith("2026-11-18")  # entered today

def test_another_zones_supervisor_gets_404_on_file(world):
    report = _reports(world)["zone_a1"]
    assert api_as(world, "sup_a2").post(f"{URL}{report.pk}/file/", {}, format="json").status_code == 404


def test_build_asks_the_worker_for_a_draft(world, django_capture_on_commit_callbacks):
    client = api_as(world, "sup_a1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}build/", {"zone": world["zone_a1"].pk, "year": YEAR, "month": MONTH}, format="json")
    assert response.status_code == 202
    assert ZoneMonthlyReport.objects.filter(zone=world["zone_a1"], status="draft").count() == 1
    other = client.post(f"{URL}build/", {"zone": world["zone_b1"].pk, "year": YEAR, "month": MONTH}, format="json")
    assert other.status_code == 404
    future = client.post(f"{URL}build/", {"zone": world["zone_a1"].pk, "year": timezone.localdate().year + 1, "month": 1}, format="json")
    assert future.status_code == 400 and "不能生成未来月份" in future.content.decode()


def test_the_list_runs_the_same_number_of_queries_for_more_reports(world, django_assert_num_queries):
    _reports(world)
    client = api_as(world, "admin_a")
    # session, user, count, page
    with django_assert_num_queries(4):
        small = client.get(URL).json()
    grow_world(world)
    for zone in world["county_a"].zones.all():
        services.zone_monthly_report_build(zone=zone, year=YEAR, month=MONTH)
    with django_assert_num_queries(4):
        large = client.get(URL).json()
    assert large["count"] > small["count"]
