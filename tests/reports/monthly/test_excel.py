"""The produced workbooks, opened with openpyxl and compared with the data."""
import io

import pytest
from openpyxl import load_workbook

from inspections.models import Problem
from inspections.visits.selectors import counted_visits
from reports.choices import JobStatus
from reports.models import Job
from reports.monthly import jobs, services
from reports.services import job_run, job_start
from tests import factories as f

from .factories import MONTH, YEAR, close_ticket, day, problems_of, visit

pytestmark = pytest.mark.django_db


def _workbook(job: Job):
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result.open("rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def _run(job: Job) -> Job:
    job_run(job_id=job.pk)  # the tests' Celery is eager, but on_commit never fires in a test transaction
    return job


def _zone_month(world):
    s = world["schools"]
    helper = f.SupervisorFactory(office=world["county_a"], name="张督学")
    v1 = visit(world["sup_a1"], s["a1"], day(9), problems=2, co=[helper])
    visit(world["sup_a1"], s["a1"], day(23), problems=1)
    close_ticket(problems_of(v1)[0].ticket, world["sup_a1"], day(20))
    return v1


def test_zone_excel_has_the_fixed_layout_and_every_figure_of_the_data(world):
    _zone_month(world)
    lead = world["sup_a1"].user
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    report = services.zone_monthly_report_file(report=report, user=lead)

    job = _run(job_start(kind=jobs.ZONE_KIND, office=world["county_a"], params={"report": report.pk}, user=lead))
    wb = _workbook(job)

    ws = wb.active
    assert ws["A1"].value == "责任督学挂牌督导问题管理月报表"
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert "柳河县人民政府教育督导室" in ws["A2"].value and "城区第一责任区" in ws["A2"].value
    assert "2026年10月" in ws["A3"].value and "王督学" in ws["A3"].value and "已报送" in ws["A3"].value
    assert [c.value for c in ws[5]] == ["序号", "学校名称", "督导日期", "参加督学", "检查事项", "发现问题", "整改意见", "整改期限", "整改情况"]
    assert ws.print_title_rows == "$5:$5"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["F6"].border.left.style == "thin" and ws["F6"].alignment.wrap_text
    assert ws.column_dimensions["F"].width >= 30
    # One row per problem: school a1 has 3 problems (rows 6–8, school cells merged), a2 is 未督导.
    visits = counted_visits().filter(zone=world["zone_a1"], date__year=YEAR, date__month=MONTH)
    problems = Problem.objects.filter(visit__in=visits).order_by("found_on", "pk")
    assert problems.count() == 3
    assert ws["B6"].value == "柳河县第一小学" and "B6:B8" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["C6"].value == "2026.10.09\n2026.10.23"
    assert ws["D6"].value == "张督学、王督学\n王督学"
    for row, problem in zip(range(6, 9), problems):
        assert ws.cell(row=row, column=6).value == f"{problem.item_title}:{problem.description}"
        assert ws.cell(row=row, column=7).value == problem.opinion
        assert ws.cell(row=row, column=8).value == problem.ticket.deadline.strftime("%Y.%m.%d")
    assert [ws.cell(row=r, column=9).value for r in range(6, 9)] == ["已销号", "待整改", "待整改"]
    assert ws["B9"].value == "柳河县第二中学" and ws["C9"].value == "未督导"
    totals = ws["A10"].value
    pv = sum(v.supervisors.count() for v in visits)
    assert f"入校督导{visits.count()}次、{pv}人次" in totals
    assert "学校2所,已督导1所,未督导1所" in totals
    assert "发现问题3个,已整改销号1个,未销号2个" in totals


def test_office_rollup_has_a_summary_sheet_and_one_sheet_per_zone(world):
    _zone_month(world)
    visit(world["sup_a2"], world["schools"]["a3"], day(11), problems=1)
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    services.zone_monthly_report_file(report=report, user=world["sup_a1"].user)
    # Zone A2 never drafted: its sheet is made from the live data and marked 未报送.

    job = _run(job_start(
        kind=jobs.ROLLUP_KIND, office=world["county_a"], params={"year": YEAR, "month": MONTH}, user=world["director_a"]
    ))
    wb = _workbook(job)

    assert wb.sheetnames == ["汇总", "乡镇第一责任区", "城区第一责任区"]
    summary = wb["汇总"]
    assert [c.value for c in summary[3]][:4] == ["序号", "责任区", "组长", "报送情况"]
    rows = {summary.cell(row=r, column=2).value: [c.value for c in summary[r]] for r in (4, 5)}
    assert rows["城区第一责任区"][3] == "逾期报送"  # filed today, after October 27th
    assert rows["城区第一责任区"][5:] == [2, 1, 2, 3, 3, 1, 2, 0]
    assert rows["乡镇第一责任区"][3] == "未报送"
    assert rows["乡镇第一责任区"][5:] == [1, 1, 1, 1, 1, 0, 1, 0]
    total = [c.value for c in summary[6]]
    assert total[0] == "合计" and total[5:] == [3, 2, 3, 4, 4, 1, 3, 0]
    assert wb["城区第一责任区"]["A1"].value == "责任督学挂牌督导问题管理月报表"
    assert wb["乡镇第一责任区"]["B6"].value == "三源浦镇中心小学"
    assert "未报送" in wb["乡镇第一责任区"]["A3"].value


def test_the_same_excel_twice_is_one_job_and_a_refiled_version_is_a_new_file(world):
    lead = world["sup_a1"].user
    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    first = _run(job_start(kind=jobs.ZONE_KIND, office=world["county_a"], params={"report": report.pk}, user=lead))
    again = job_start(kind=jobs.ZONE_KIND, office=world["county_a"], params={"report": report.pk}, user=world["admin_a"])
    assert again.pk == first.pk

    services.zone_monthly_report_file(report=report, user=lead)
    filed = job_start(kind=jobs.ZONE_KIND, office=world["county_a"], params={"report": report.pk}, user=lead)
    assert filed.pk != first.pk  # the filing date is now on the sheet


def test_who_may_start_the_excel_jobs(world):
    from reports.services import job_may_start

    report = services.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    params = {"report": report.pk}
    office = world["county_a"]
    may = lambda user, kind=jobs.ZONE_KIND, p=params: job_may_start(user=user, kind=kind, office=office, params=p)  # noqa: E731
    assert may(world["sup_a1"].user) and may(world["admin_a"]) and may(world["director_a"])
    assert not may(world["sup_a2"].user)  # lead of another zone
    assert not may(world["city_viewer"]) and not may(world["school_user_a1"]) and not may(world["admin_b"])
    rollup = {"year": YEAR, "month": MONTH}
    assert may(world["director_a"], jobs.ROLLUP_KIND, rollup)
    assert not may(world["sup_a1"].user, jobs.ROLLUP_KIND, rollup) and not may(world["city_viewer"], jobs.ROLLUP_KIND, rollup)
