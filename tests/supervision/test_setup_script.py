"""docs/setup_county.py, run as a real program against a running server: a city's admin sets up a
whole county office through the API, and every login it made works and sees only its scope. Run
twice, it creates nothing the second time."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from inspections.evaluations.models import Round
from inspections.models import Plan
from inspections.surveys.models import Survey
from schools.models import School
from supervision.choices import OfficeLevel, Role
from supervision.models import Office, Zone, ZoneAssignment
from tests import factories as f
from tests.api_support import first_token_login, token_login

SCRIPT = Path(settings.BASE_DIR) / "docs" / "setup_county.py"
INITIAL = "Qinghe-Duxue-2026"


def run_setup(live_server, *extra) -> str:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--base-url", live_server.url, "--username", "city_admin",
         "--password", f.PASSWORD, "--city", "990500", "--year", "2026", "--initial-password", INITIAL, *extra],
        check=False, capture_output=True, text=True, encoding="utf-8", timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.django_db(transaction=True)
def test_a_city_admin_sets_up_a_county_with_the_script_and_every_login_sees_its_scope(live_server):
    province = f.OfficeFactory(name="东江省人民政府教育督导室", level=OfficeLevel.PROVINCE, division_code="990000")
    city = f.OfficeFactory(name="临川市人民政府教育督导室", level=OfficeLevel.CITY, parent=province, division_code="990500")
    neighbour = f.OfficeFactory(name="桃源区人民政府教育督导室", parent=city, division_code="990502")
    f.SchoolFactory(office=neighbour, name="桃源区第一小学")
    f.office_user(Role.OFFICE_ADMIN, city, username="city_admin")

    output = run_setup(live_server)
    assert "[创建] 督导室 清河县人民政府教育督导室(990581,上级 临川市人民政府教育督导室)" in output
    assert "[发布] 问卷 家长满意度调查问卷:6所学校,共6个问卷链接" in output
    assert output.strip().endswith("完成:清河县人民政府教育督导室 已可使用。")

    # What the database holds.
    county = Office.objects.get(division_code="990581")
    assert (county.parent, county.level, county.phone) == (city, OfficeLevel.COUNTY, "0435-5123456")
    assert sorted(Zone.objects.filter(office=county).values_list("name", flat=True)) == [
        "乡镇学校责任区", "城区学校责任区", "幼儿园责任区"]
    schools = {s.code: s for s in School.objects.filter(office=county).with_current_zone()}
    assert len(schools) == 6 and schools["2199058104"].current_zone.name == "乡镇学校责任区"
    leads = ZoneAssignment.objects.current().filter(zone__office=county, is_lead=True).select_related(
        "zone", "supervisor"
    )
    assert sorted((a.zone.name, a.supervisor.name) for a in leads) == [
        ("乡镇学校责任区", "吴海燕"), ("城区学校责任区", "刘志强"), ("幼儿园责任区", "吴海燕")]
    assert Plan.objects.filter(office=county, year=2026).count() == 1
    survey = Survey.objects.get(office=county)
    assert (survey.status, survey.links.count()) == ("published", 6)
    assert survey.questions.last().text == "您对学校还有什么建议?"
    rnd = Round.objects.get(office=county)
    assert (rnd.name, sorted(rnd.entries.values_list("school__name", flat=True))) == (
        "2026年幼儿园办园行为督导评估", ["清河县实验幼儿园", "清河镇中心幼儿园"])

    # Run again: everything is found, nothing is created twice.
    again = run_setup(live_server)
    assert "[创建]" not in again, again
    assert "[已存在] 督导室 清河县人民政府教育督导室(990581)" in again
    assert (Office.objects.count(), Zone.objects.count(), School.objects.count(), Survey.objects.count(),
            Round.objects.count(), survey.links.count()) == (4, 3, 7, 1, 1, 6)
    assert f.User.objects.count() == 8

    # Every login it made got the initial password from someone else: it is changed first.
    assert token_login("qinghe_admin", INITIAL).get("/api/v1/users/").json()["code"] == "password_change_required"

    # The director reads the whole county and nothing else, and manages no logins.
    director = first_token_login("qinghe_director", INITIAL)
    assert names(director, "/api/v1/offices/") == ["清河县人民政府教育督导室"]
    assert names(director, "/api/v1/zones/") == ["乡镇学校责任区", "城区学校责任区", "幼儿园责任区"]
    assert director.get("/api/v1/schools/").json()["count"] == 6
    [listed] = director.get("/api/v1/surveys/").json()["results"]
    detail = director.get(f"/api/v1/surveys/{listed['id']}/").json()
    assert sorted(link["school_name"] for link in detail["links"]) == sorted(s.name for s in schools.values())
    [round_row] = director.get("/api/v1/evaluation-rounds/").json()["results"]
    assert (round_row["name"], round_row["schools"]) == ("2026年幼儿园办园行为督导评估", 2)
    assert director.get("/api/v1/users/").json()["results"] == []
    # The county admin manages every login the script made.
    admin = first_token_login("qinghe_admin", INITIAL)
    logins = {row["username"] for row in admin.get("/api/v1/users/").json()["results"]}
    assert logins == {"qinghe_admin", "qinghe_director", "qh_yixiao", "qh_shiyou",
                      "liuzhiqiang", "sunli", "wuhaiyan"}  # supervisors: never the plaque's phone
    # A school contact sees only its school; a supervisor only the schools of their zones.
    contact = first_token_login("qh_yixiao", INITIAL)
    assert names(contact, "/api/v1/schools/") == ["清河县第一小学"]
    assert [s["title"] for s in contact.get("/api/v1/surveys/").json()["results"]] == ["家长满意度调查问卷"]
    supervisor = first_token_login("liuzhiqiang", INITIAL)
    assert names(supervisor, "/api/v1/schools/") == ["清河县第一中学", "清河县第一小学"]
    assert names(supervisor, "/api/v1/zones/") == ["城区学校责任区"]
    # The city's admin now reads the new county beside the neighbour.
    city_admin = token_login("city_admin", f.PASSWORD)
    assert "清河县人民政府教育督导室" in names(city_admin, "/api/v1/offices/")

