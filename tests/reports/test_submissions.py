"""报送: the office sends the period's package upward — what may be sent, by whom, and who sees it."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import submissions
from reports.models import Job, Submission

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "week", "year": 2026}, "请选择报送周期"),
        ({"period": "month", "year": 2026, "month": 12}, "月份无效"),  # a month still to come
        ({"period": "month", "year": 2026, "month": "x"}, "月份无效"),
        ({"period": "month", "year": 2026}, "月份无效"),
        ({"period": "year", "year": 2027}, "年度无效"),
        ({"period": "year", "year": 2026, "month": 3}, "年度报送不需要月份"),
        ({"period": "year", "year": 2026, "zone": 1}, "未知的参数"),
    ],
)
def test_a_period_that_cannot_be_sent_is_refused_with_a_reason(world, params, message):
    with pytest.raises(ValidationError) as refused:
        submissions.clean_params(world["county_a"], params, today=TODAY)
    assert message in " ".join(refused.value.messages)


def test_a_month_and_a_year_are_accepted(world):
    assert submissions.clean_params(world["county_a"], {"period": "month", "year": "2026", "month": "11"}, today=TODAY) == {
        "period": "month", "year": 2026, "month": 11,
    }
    assert submissions.clean_params(world["county_a"], {"period": "year", "year": 2025, "month": ""}, today=TODAY) == {
        "period": "year", "year": 2025, "month": None,
    }


def test_a_province_office_has_nobody_to_send_to(world):
    with pytest.raises(ValidationError) as refused:
        submissions.submission_start(
            office=world["province"], params={"period": "year", "year": 2026}, user=world["province_viewer"]
        )
    assert "没有上级督导室" in " ".join(refused.value.messages)
    assert not Submission.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize("who", ["sup_a1", "school_user_a1", "city_viewer", "admin_b"])
def test_only_the_offices_own_admin_or_director_opens_the_send_page(client, world, who):
    user = world[who].user if who.startswith("sup_") else world[who]
    client.force_login(user)
    url = reverse("reports:submission_new") + f"?office={world['county_a'].pk}&period=month&year=2026&month=10"
    assert client.get(url).status_code == 404
    assert client.post(reverse("reports:submission_new"), {
        "office": world["county_a"].pk, "period": "month", "year": 2026, "month": 10,
    }).status_code == 404
    assert not Submission.objects.exists()


def test_a_month_no_zone_has_filed_cannot_be_sent(client, world):
    client.force_login(world["director_a"])
    url = reverse("reports:submission_new") + f"?office={world['county_a'].pk}&period=month&year=2026&month=10"
    body = client.get(url).content.decode()
    assert "报送函" in body and "2026年10月" in body and world["city"].name in body
    response = client.post(reverse("reports:submission_new"), {
        "office": world["county_a"].pk, "period": "month", "year": 2026, "month": 10, "note": "请审阅",
    })
    assert response.status_code == 200
    assert "本月还没有责任区报送月报表" in response.content.decode()
    assert "请审阅" in response.content.decode()  # what was typed is kept
    assert not Submission.objects.exists()


# --- A month sent upward, from the filed zone reports ----------------------------------------------


def _filed_month(world):
    """Zone a1 files October with two visits (one joint) and three problems, one closed; zone a2 does not."""
    from reports.monthly import services as monthly
    from tests import factories as f
    from tests.reports.monthly.factories import MONTH, YEAR, close_ticket, day, problems_of, visit

    helper = f.SupervisorFactory(office=world["county_a"], name="张督学")
    first = visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=2, co=[helper])
    visit(world["sup_a1"], world["schools"]["a2"], day(15), problems=1)
    close_ticket(problems_of(first)[0].ticket, world["sup_a1"], day(20))
    report = monthly.zone_monthly_report_build(zone=world["zone_a1"], year=YEAR, month=MONTH)
    return monthly.zone_monthly_report_file(report=report, user=world["sup_a1"].user), YEAR, MONTH


def _zip_of(submission, tmp_path):
    import io
    import zipfile

    submission.refresh_from_db()
    assert submission.job.status == "succeeded", submission.job.error
    with submission.job.result.open("rb") as fh:
        package = zipfile.ZipFile(io.BytesIO(fh.read()))
    package.extractall(tmp_path)
    return package


def test_the_director_sends_october_and_the_city_receives_exactly_what_the_zones_filed(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    import hashlib
    import json

    from openpyxl import load_workbook

    from .pdf_tools import pdf_text

    filed, year, month = _filed_month(world)
    totals = filed.data["totals"]
    client.force_login(world["director_a"])
    preview = client.get(
        reverse("reports:submission_new") + f"?office={world['county_a'].pk}&period=month&year={year}&month={month}"
    ).content.decode()
    assert "责任区月报表汇总" in preview and "可报送" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:submission_new"), {
            "office": world["county_a"].pk, "period": "month", "year": year, "month": month, "note": "十月材料",
        })
    submission = Submission.objects.get()
    assert response.url == reverse("reports:submission_detail", args=[submission.pk])
    assert (submission.office, submission.recipient, submission.submitted_by) == (
        world["county_a"], world["city"], world["director_a"]
    )
    package = _zip_of(submission, tmp_path)
    names = package.namelist()
    assert names[0] == "01-报送函.pdf" and names[1].endswith(".xlsx") and "manifest.json" in names

    # Every file is listed with the SHA-256 of what is in the zip.
    manifest = json.loads(package.read("manifest.json"))
    assert [m["name"] for m in manifest["files"]] == names[:2] == [m["name"] for m in submission.manifest]
    for entry in manifest["files"]:
        assert hashlib.sha256(package.read(entry["name"])).hexdigest() == entry["sha256"]

    # The cover letter quotes the filed figures: 2 visits, 3 人次 (joint visit), 3 problems, 1 closed.
    letter = pdf_text(tmp_path / names[0])
    assert f"关于报送{year}年{month}月责任督学挂牌督导工作材料的函" in letter
    assert world["city"].name in letter and world["county_a"].name in letter
    assert (totals["visits"], totals["person_visits"], totals["problems"], totals["rectified"]) == (2, 3, 3, 1)
    assert "已报送月报表1个" in letter and "入校督导2次、3人次" in letter
    assert "发现问题3个，已整改销号1个，未销号2个" in letter

    # The roll-up: zone a1 as filed, zone a2 marked as not filed.
    wb = load_workbook(tmp_path / names[1])
    summary = wb.worksheets[0]
    rows = {row[1]: row for row in summary.iter_rows(values_only=True) if row and row[1]}
    assert rows[world["zone_a1"].name][3] == "逾期报送"  # October's report filed in November
    assert rows[world["zone_a1"].name][7:12] == (2, 3, 3, 1, 2)  # visits, 人次, problems, closed, open
    assert rows[world["zone_a2"].name][3] == "未报送"

    # Pressing 报送 again with nothing changed is the same package and the same record.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:submission_new"), {
            "office": world["county_a"].pk, "period": "month", "year": year, "month": month,
        })
    assert Submission.objects.count() == 1

    # The city sees what the county sent and downloads it; the neighbour county does not.
    client.force_login(world["city_viewer"])
    assert world["county_a"].name in client.get(reverse("reports:submission_list")).content.decode()
    assert client.get(reverse("reports:job_download", args=[submission.job_id])).status_code == 200
    client.force_login(world["admin_b"])
    assert client.get(reverse("reports:submission_detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[submission.job_id])).status_code == 404


def test_the_submissions_api_lists_the_package_for_the_city_and_not_for_the_neighbour(
    world, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    _filed, year, month = _filed_month(world)
    api = APIClient()
    api.force_authenticate(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/submissions/", {
            "office": world["county_a"].pk, "period": "month", "year": year, "month": month,
        }, format="json")
    assert created.status_code == 201, created.content
    api.force_authenticate(world["city_viewer"])
    listed = api.get("/api/v1/submissions/").json()["results"]
    assert [s["office_name"] for s in listed] == [world["county_a"].name]
    assert listed[0]["job"]["status"] == "succeeded" and listed[0]["job"]["download_url"]
    api.force_authenticate(world["admin_b"])
    assert api.get("/api/v1/submissions/").json()["results"] == []
    # Only the county's own admin or director sends: the city viewer cannot send for it.
    api.force_authenticate(world["city_viewer"])
    refused = api.post("/api/v1/submissions/", {
        "office": world["county_a"].pk, "period": "month", "year": year, "month": month,
    }, format="json")
    assert refused.status_code == 400


# --- A year sent upward: the year-end summary and its figures --------------------------------------


def test_the_director_sends_the_year_and_the_package_holds_the_summary_and_its_figures(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from inspections.visits.selectors import counted_visits
    from tests.reports.monthly.factories import day, problems_of, visit, close_ticket
    from tests import factories as f

    from .pdf_tools import pdf_text

    helper = f.SupervisorFactory(office=world["county_a"], name="张督学")
    joint = visit(world["sup_a1"], world["schools"]["a1"], day(9), problems=2, co=[helper])
    visit(world["sup_a2"], world["schools"]["a3"], day(12), problems=1)
    close_ticket(problems_of(joint)[0].ticket, world["sup_a1"], day(20))
    client.force_login(world["director_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:submission_new"), {"office": world["county_a"].pk, "period": "year", "year": 2026})
    submission = Submission.objects.get()
    package = _zip_of(submission, tmp_path)
    names = package.namelist()
    assert [n.split("-", 1)[1] for n in names[:3]] == ["报送函.pdf", "2026年度工作总结.pdf", "2026年度督导工作数据.xlsx"]

    letter = pdf_text(tmp_path / names[0])
    assert "关于报送2026年度责任督学挂牌督导工作材料的函" in letter
    assert "2026年度工作总结(PDF)" in letter and "2026年度督导工作数据(Excel)" in letter
    summary = pdf_text(tmp_path / names[1])
    assert "年度工作总结" in summary and world["county_a"].name in summary

    visits = counted_visits().filter(office=world["county_a"], date__year=2026)
    person_visits = sum(v.supervisors.count() for v in visits)
    assert (visits.count(), person_visits) == (2, 3)  # the joint visit is one visit and two 人次
    wb = load_workbook(tmp_path / names[2])
    main = {row[0]: row[1] for row in wb["主要数据"].iter_rows(min_row=3, values_only=True)}
    assert main["入校督导人次"] == 3 and main["入校督导校次"] == 2
    assert main["经常性督导发现问题(个)"] == 3 and main["已整改销号(个)"] == 1 and main["存在问题的学校(所)"] == 2
    zones = {row[0]: row[1:] for row in wb["各责任区"].iter_rows(min_row=3, values_only=True)}
    assert zones[world["zone_a1"].name][:2] == (2, 1) and zones[world["zone_a2"].name][:2] == (1, 1)
    by_item = [row for row in wb["问题分类"].iter_rows(min_row=3, values_only=True)]
    assert sum(row[2] for row in by_item) == 3
    months = [row[1] for row in wb["月度"].iter_rows(min_row=3, values_only=True)]
    assert months[9] == 2 and sum(months) == 2


def test_the_monthly_status_page_leads_the_director_to_send_the_month_upward(client, world):
    client.force_login(world["director_a"])
    body = client.get(reverse("monthly_reports:status") + "?year=2026&month=10").content.decode()
    link = reverse("reports:submission_new") + f"?office={world['county_a'].pk}&amp;period=month&amp;year=2026&amp;month=10"
    assert link in body
    client.force_login(world["city_viewer"])  # reads the counties' status, sends nothing for them
    assert reverse("reports:submission_new") not in client.get(reverse("monthly_reports:status") + "?year=2026&month=10").content.decode()


def _form_on_list(client, testid) -> tuple[str, dict]:
    """A form of the 报送 page as the browser would send it untouched: its action and its fields."""
    import lxml.html

    page = client.get(reverse("reports:submission_list"))
    assert page.status_code == 200
    (form,) = lxml.html.fromstring(page.content.decode()).xpath(f'//form[@data-testid="{testid}"]')
    return form.get("action"), dict(form.form_values())


@pytest.mark.now("2026-12-10 10:00")
def test_the_year_form_opens_without_a_month_and_sends_the_year_first_time(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["director_a"])
    action, fields = _form_on_list(client, "submission-year-form")
    assert "month" not in fields and fields["year"] == "2026"

    preview = client.get(action, fields)
    assert preview.status_code == 200, [str(m) for m in preview.wsgi_request._messages]
    assert "报送2026年度材料" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(action, {**fields, "note": ""})
    submission = Submission.objects.get()
    assert sent.url == reverse("reports:submission_detail", args=[submission.pk])
    assert (submission.period, submission.year, submission.month) == ("year", 2026, None)


@pytest.mark.now("2026-12-10 10:00")
def test_the_month_form_still_sends_a_month(client, world, django_capture_on_commit_callbacks):
    _filed, year, month = _filed_month(world)
    client.force_login(world["director_a"])
    action, fields = _form_on_list(client, "submission-month-form")
    assert (fields["year"], fields["month"]) == ("2026", "12")  # this month by default

    fields["month"] = str(month)
    assert "可报送" in client.get(action, fields).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, fields)
    assert Submission.objects.values_list("period", "year", "month").get() == ("month", year, month)
