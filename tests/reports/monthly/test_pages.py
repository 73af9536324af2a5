"""The lead supervisor's journey, the readers, the office's status page, and who sees nothing (404)."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.monthly import services
from reports.monthly.choices import ZoneMonthlyReportStatus
from reports.monthly.models import ZoneMonthlyReport
from supervision.services import zone_set_supervisors
from tests import factories as f

from .factories import MONTH, YEAR, at, day, visit

pytestmark = pytest.mark.django_db


def _zone_url(zone, year=YEAR, month=MONTH):
    return reverse("monthly_reports:zone_month", args=[zone.pk, year, month])


def _logged(client, user):
    client.force_login(user)
    return client


def test_lead_supervisor_nav_goes_to_this_months_report_of_their_zone(client, world):
    today = timezone.localdate()
    response = _logged(client, world["sup_a1"].user).get(reverse("monthly_reports:home"))
    assert response.status_code == 302
    assert response["Location"] == _zone_url(world["zone_a1"], today.year, today.month)


def test_lead_builds_the_draft_sees_the_table_and_files_it(client, world, django_capture_on_commit_callbacks):
    visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=1)
    _logged(client, world["sup_a1"].user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monthly_reports:zone_month_build", args=[world["zone_a1"].pk, YEAR, MONTH]))
    assert response.status_code == 302 and "since=" in response["Location"]
    page = client.get(_zone_url(world["zone_a1"]))
    html = page.content.decode()
    assert 'data-testid="report-table"' in html and 'data-testid="school-cards"' in html
    assert "柳河县第一小学" in html and "限期整改" in html and "未督导" in html
    assert 'data-testid="file"' in html

    report = ZoneMonthlyReport.objects.get()
    response = client.post(reverse("monthly_reports:report_file", args=[report.pk]), {"built_at": report.built_at.isoformat()})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ZoneMonthlyReportStatus.FILED and report.filed_by == world["sup_a1"].user
    html = client.get(_zone_url(world["zone_a1"])).content.decode()
    assert 'data-testid="file"' not in html and "王督学" in html and "逾期报送" in html


def test_filing_a_draft_rebuilt_meanwhile_tells_the_lead_and_keeps_the_draft(client, world):
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH, now=at(day(28)))
    services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    _logged(client, world["sup_a1"].user)

    response = client.post(
        reverse("monthly_reports:report_file", args=[report.pk]), {"built_at": at(day(28)).isoformat()}, follow=True
    )

    assert "月报表草稿已重新生成,请核对最新数据后再报送。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ZoneMonthlyReportStatus.DRAFT


def test_a_non_lead_supervisor_of_the_zone_reads_but_cannot_build_or_file(client, world):
    member = f.SupervisorFactory(office=world["county_a"], name="成员督学")
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], member], lead=world["sup_a1"])
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    _logged(client, member.user)

    html = client.get(_zone_url(world["zone_a1"])).content.decode()
    assert 'data-testid="report-table"' in html
    assert 'data-testid="file"' not in html and 'data-testid="build"' not in html
    assert client.post(reverse("monthly_reports:report_file", args=[report.pk])).status_code == 404
    assert client.post(reverse("monthly_reports:zone_month_build", args=[world["zone_a1"].pk, YEAR, MONTH])).status_code == 404
    assert client.post(reverse("monthly_reports:report_excel", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("who", ["sup_a2", "school_user_a1", "admin_b"])
def test_others_get_404_for_the_zones_report_and_its_actions(client, world, who):
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    user = getattr(world[who], "user", world[who])
    _logged(client, user)

    assert client.get(_zone_url(world["zone_a1"])).status_code == 404
    assert client.post(reverse("monthly_reports:report_file", args=[report.pk])).status_code == 404
    assert client.post(reverse("monthly_reports:report_excel", args=[report.pk])).status_code == 404
    assert client.post(reverse("monthly_reports:zone_month_build", args=[world["zone_a1"].pk, YEAR, MONTH])).status_code == 404
    report.refresh_from_db()
    assert report.status == ZoneMonthlyReportStatus.DRAFT


def test_a_higher_office_reads_the_report_and_the_status_but_starts_nothing(client, world):
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    _logged(client, world["city_viewer"])

    html = client.get(_zone_url(world["zone_a1"])).content.decode()
    assert 'data-testid="report-table"' in html and 'data-testid="build"' not in html
    status = client.get(reverse("monthly_reports:status"), {"year": YEAR, "month": MONTH}).content.decode()
    assert "柳河县人民政府教育督导室" in status and "辉南县人民政府教育督导室" in status
    assert 'data-testid="rollup"' not in status
    assert client.post(reverse("monthly_reports:report_excel", args=[report.pk])).status_code == 404
    url = reverse("monthly_reports:rollup_excel", args=[world["county_a"].pk, YEAR, MONTH])
    assert client.post(url).status_code == 404


def test_a_future_month_is_not_found(client, world):
    today = timezone.localdate()
    _logged(client, world["sup_a1"].user)
    assert client.get(_zone_url(world["zone_a1"], today.year + 1, 1)).status_code == 404


def test_status_page_shows_each_zone_on_time_late_or_not_yet_with_who_filed(client, world):
    lead_a1, lead_a2 = world["sup_a1"].user, world["sup_a2"].user
    on_time = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH, now=at(day(26)))
    with f.on_day(day(26)):
        services.zone_monthly_report_file(report=on_time, user=lead_a1)
    late = services.zone_monthly_report_build(zone=world["zone_a2"], year=YEAR, month=MONTH)
    services.zone_monthly_report_file(report=late, user=lead_a2)
    zone_extra = f.ZoneFactory(office=world["county_a"], name="城区第二责任区")
    _logged(client, world["director_a"])

    response = client.get(reverse("monthly_reports:status"), {"year": YEAR, "month": MONTH})

    html = response.content.decode()
    lines = response.context["groups"][0]["lines"]
    states = {line.zone.name: line.state for line in lines}
    assert states == {"城区第一责任区": "on_time", "乡镇第一责任区": "late", "城区第二责任区": "missing"}
    assert {line.zone.name: line.filer for line in lines if line.report} == {"城区第一责任区": "王督学", "乡镇第一责任区": "李督学"}
    assert next(line for line in lines if line.zone == zone_extra).overdue  # not filed after the 27th: red
    assert "辉南县" not in html  # another county's zones
    assert 'data-testid="rollup"' in html and html.count('data-testid="zone-excel"') == 2


def test_status_page_runs_the_same_number_of_queries_for_more_zones(client, world, django_assert_num_queries):
    from tests.api_support import grow_world

    _logged(client, world["admin_a"])
    url = reverse("monthly_reports:status")
    client.get(url)
    for zone in (world["zone_a1"], world["zone_a2"]):
        services.zone_monthly_report_build(zone=zone, year=timezone.localdate().year, month=timezone.localdate().month)
    with django_assert_num_queries(9) as small:
        client.get(url)
    grow_world(world)
    for zone in world["county_a"].zones.all():
        report = services.zone_monthly_report_build(zone=zone, year=timezone.localdate().year, month=timezone.localdate().month)
    services.zone_monthly_report_file(report=report, user=zone.assignments.get(is_lead=True).supervisor.user)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["groups"][0]["lines"]) > 2


def test_school_user_and_plain_visitors_have_no_monthly_report_pages(client, world):
    _logged(client, world["school_user_a1"])
    assert client.get(reverse("monthly_reports:home")).status_code == 404
    assert client.get(reverse("monthly_reports:status")).status_code == 404


def test_while_the_worker_builds_the_page_waits_and_then_shows_the_draft(client, world):
    _logged(client, world["sup_a1"].user)
    # The build is queued (the worker has not run it yet: on_commit is not executed here).
    response = client.post(reverse("monthly_reports:zone_month_build", args=[world["zone_a1"].pk, YEAR, MONTH]))
    waiting_url = response["Location"]

    html = client.get(waiting_url).content.decode()
    assert 'data-testid="pending"' in html and 'data-testid="no-report"' in html
    poll = client.get(waiting_url + "&part=pending", headers={"HX-Request": "true"})
    assert 'data-testid="pending"' in poll.content.decode() and "HX-Redirect" not in poll

    services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)  # the worker's turn
    done = client.get(waiting_url + "&part=pending", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == _zone_url(world["zone_a1"])
    assert 'data-testid="report-table"' in client.get(done["HX-Redirect"]).content.decode()


def test_the_lead_watches_and_downloads_the_excel_they_started(client, world):
    from reports.services import job_run

    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    _logged(client, world["sup_a1"].user)

    response = client.post(reverse("monthly_reports:report_excel", args=[report.pk]))

    assert response.status_code == 302
    job_url = response["Location"]
    assert client.get(job_url).status_code == 200
    job_id = int(job_url.rstrip("/").split("/")[-1])
    job_run(job_id=job_id)
    download = client.get(reverse("reports:job_download", args=[job_id]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    # Another zone's supervisor does not see that job.
    client.force_login(world["sup_a2"].user)
    assert client.get(job_url).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job_id])).status_code == 404


def test_with_the_task_queue_down_the_draft_is_built_at_once(client, world, celery_broker_down, django_capture_on_commit_callbacks):
    _logged(client, world["sup_a1"].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monthly_reports:zone_month_build", args=[world["zone_a1"].pk, YEAR, MONTH]))
    assert ZoneMonthlyReport.objects.filter(zone=world["zone_a1"], status="draft").count() == 1
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="report-table"' in html and 'data-testid="pending"' not in html


def test_a_draft_that_never_came_is_said_so_after_a_minute(client, world):
    _logged(client, world["sup_a1"].user)
    asked = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    poll = client.get(_zone_url(world["zone_a1"]), {"since": asked, "part": "pending"}, headers={"HX-Request": "true"})
    assert "since=" in poll["HX-Redirect"]
    html = client.get(poll["HX-Redirect"]).content.decode()
    assert 'data-testid="timed-out"' in html and 'data-testid="pending"' not in html


def test_a_supervisor_of_two_zones_switches_between_their_reports(client, world):
    zone_set_supervisors(zone=world["zone_a2"], supervisors=[world["sup_a2"], world["sup_a1"]], lead=world["sup_a2"])
    _logged(client, world["sup_a1"].user)

    html = client.get(_zone_url(world["zone_a1"])).content.decode()

    assert 'data-testid="other-zones"' in html and _zone_url(world["zone_a2"]) in html
    assert 'data-testid="build"' not in client.get(_zone_url(world["zone_a2"])).content.decode()  # not its lead
