"""Coverage (全覆盖) and the supervisor's monthly to-do, as the users see them."""
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.coverage import selectors
from inspections.plans import services
from inspections.coverage.views import shift_month
from schools.models import School
from supervision.models import ZoneAssignment
from supervision.services import zone_assign_schools, zone_set_supervisors
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def last_month(today):
    """A past month: its 27th is behind us, so gaps there are late."""
    year, month = shift_month(today.year, today.month, -1)
    return year, month


def visit(world, who="sup_a1", school="a1", date=None, submit=True, co=()):
    return f.visit_filled(user=world[who].user, school=world["schools"][school], date=date, submit=submit, co_supervisors=co)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def statuses(body: str) -> dict[str, str]:
    """School pk -> visited / draft / gap, as the coverage rows say."""
    return dict(re.findall(r'data-school="(\d+)" data-status="(\w+)"', body))


def zone_states(body: str) -> list[str]:
    return re.findall(r'data-testid="zone" data-state="(\w+)"', body)


# --- What counts ------------------------------------------------------------------------------------


def test_coverage_marks_a_school_visited_only_with_a_submitted_checklist_that_month(client, world, today, last_month):
    s = world["schools"]
    visit(world, school="a1")
    visit(world, school="a2", submit=False)  # a draft: 草稿中, not covered
    visit(world, who="sup_a2", school="a3", date=dt.date(*last_month, 10))  # last month does not count now
    body = page(client, world["director_a"], reverse("inspections:coverage")).content.decode()
    assert statuses(body) == {str(s["a1"].pk): "visited", str(s["a2"].pk): "draft", str(s["a3"].pk): "gap", str(s["a4"].pk): "gap"}
    assert re.search(r'data-testid="total-visited">1<span[^>]*>/4', body)
    assert 'data-testid="total-drafts">1<' in body
    assert "草稿中" in body and "未督导" in body
    # The same page for last month shows a3 covered and the others not.
    body = page(client, world["director_a"], reverse("inspections:coverage") + "?year=%d&month=%d" % last_month).content.decode()
    assert statuses(body)[str(s["a3"].pk)] == "visited"
    assert statuses(body)[str(s["a1"].pk)] == "gap"


def test_a_joint_visit_counts_once_for_the_school(client, world):
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a1"])
    visit(world, school="a1", co=[world["sup_a2"]])
    response = page(client, world["director_a"], reverse("inspections:coverage"))
    school = next(x for z in response.context["coverage"].zones for x in z.schools if x.name == "柳河县第一小学")
    assert school.visit_count == 1
    assert "1 次" in response.content.decode()
    assert response.context["coverage"].visited == 1


def test_zones_with_gaps_turn_red_after_the_27th_and_complete_zones_do_not(client, world, last_month):
    visit(world, school="a1", date=dt.date(*last_month, 5))
    visit(world, school="a2", date=dt.date(*last_month, 6))
    url = reverse("inspections:coverage") + "?year=%d&month=%d" % last_month
    response = page(client, world["director_a"], url)
    body = response.content.decode()
    by_zone = {(z.zone.name if z.zone else None): z for z in response.context["coverage"].zones}
    assert by_zone["城区第一责任区"].late is False and by_zone["城区第一责任区"].rate == 100
    assert by_zone["乡镇第一责任区"].late is True
    assert sorted(zone_states(body)) == ["done", "late", "late"]  # zone A2 and the unzoned kindergarten
    assert "逾期未全覆盖" in body and "bg-danger-subtle" in body
    assert "已过报送日" in body


def test_a_zone_with_gaps_is_amber_in_the_last_week_before_the_27th(world, last_month):
    year, month = last_month
    visit(world, school="a1", date=dt.date(year, month, 3))
    scope = selectors.RosterScope(offices=[world["county_a"].pk])

    def zone_a1(day):
        coverage = selectors.coverage_for_month(scope=scope, year=year, month=month, today=dt.date(year, month, day))
        return next(z for z in coverage.zones if z.zone == world["zone_a1"])

    assert (zone_a1(10).warning, zone_a1(10).late) == (False, False)  # 17 days left
    assert (zone_a1(22).warning, zone_a1(22).late) == (True, False)  # 5 days left, a2 not visited
    assert (zone_a1(28).warning, zone_a1(28).late) == (False, True)


# --- Filters and the month picker ---------------------------------------------------------------------


def test_coverage_filters_by_kind_and_zone(client, world):
    s = world["schools"]
    url = reverse("inspections:coverage")
    assert set(statuses(page(client, world["director_a"], url + "?kind=junior").content.decode())) == {str(s["a2"].pk)}
    body = page(client, world["director_a"], url + f"?zone={world['zone_a2'].pk}").content.decode()
    assert set(statuses(body)) == {str(s["a3"].pk)}
    assert re.search(r'data-testid="total-visited">0<span[^>]*>/1', body)


def test_a_zone_outside_the_users_scope_is_refused_with_a_clear_error(client, world):
    body = page(client, world["director_a"], reverse("inspections:coverage") + f"?zone={world['zone_b1'].pk}").content.decode()
    assert 'data-testid="form-errors"' in body
    assert str(world["schools"]["b1"].pk) not in statuses(body)
    assert "辉南县第一小学" not in body


def test_a_future_month_is_refused_and_this_month_shown(client, world, today):
    year, month = shift_month(today.year, today.month, 1)
    response = page(client, world["director_a"], reverse("inspections:coverage") + f"?year={year}&month={month}")
    assert "不能选择未来的月份" in response.content.decode()
    assert (response.context["year"], response.context["month"]) == (today.year, today.month)
    assert response.context["next_url"] == ""
    assert "data-testid=\"prev-month\"" in response.content.decode()


def test_the_previous_month_link_keeps_the_filters(client, world, today):
    response = page(client, world["director_a"], reverse("inspections:coverage") + "?kind=junior")
    year, month = shift_month(today.year, today.month, -1)
    assert f"year={year}" in response.context["prev_url"] and f"month={month}" in response.context["prev_url"]
    assert "kind=junior" in response.context["prev_url"]


# --- Who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, expected",
    [
        ("admin_a", {"a1", "a2", "a3", "a4"}),
        ("director_a", {"a1", "a2", "a3", "a4"}),
        ("city_viewer", {"a1", "a2", "a3", "a4", "b1"}),
        ("province_viewer", {"a1", "a2", "a3", "a4", "b1"}),
        ("admin_b", {"b1"}),
    ],
)
def test_office_roles_see_every_school_of_their_offices(client, world, who, expected):
    body = page(client, world[who], reverse("inspections:coverage")).content.decode()
    assert set(statuses(body)) == {str(world["schools"][k].pk) for k in expected}


@pytest.mark.parametrize("who, expected", [("sup_a1", {"a1", "a2"}), ("sup_a2", {"a3"}), ("sup_b1", {"b1"})])
def test_a_supervisor_sees_only_the_schools_of_their_zones(client, world, who, expected):
    body = page(client, world[who].user, reverse("inspections:coverage")).content.decode()
    assert set(statuses(body)) == {str(world["schools"][k].pk) for k in expected}


def test_a_higher_office_sees_coverage_grouped_by_office(client, world):
    visit(world, school="a1")
    body = page(client, world["city_viewer"], reverse("inspections:coverage")).content.decode()
    assert body.count('data-testid="office-row"') == 2
    assert body.index("辉南县人民政府教育督导室") < body.index("柳河县人民政府教育督导室")  # division-code order
    assert re.search(r"柳河县人民政府教育督导室</a></td>\s*<td>1/4", body)
    # A county office sees no per-office summary.
    assert 'data-testid="office-row"' not in page(client, world["director_a"], reverse("inspections:coverage")).content.decode()


def test_school_users_and_users_without_a_role_get_404(client, world):
    for user in (world["school_user_a1"], f.UserFactory()):
        assert page(client, user, reverse("inspections:coverage")).status_code == 404
        assert page(client, user, reverse("inspections:coverage_export")).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, world):
    for name in ("inspections:coverage", "inspections:coverage_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Excel export -------------------------------------------------------------------------------------


def test_the_excel_export_lists_every_school_with_its_status(client, world):
    visit(world, school="a1")
    visit(world, school="a2", submit=False)
    response = page(client, world["director_a"], reverse("inspections:coverage_export") + "?kind=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "全覆盖" in sheet["A1"].value
    assert sheet["A2"].value.startswith("已督导 1/4 所")
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["督导室", "责任区"] and "督导情况" in header
    rows = {r[4]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学", "柳河县实验幼儿园"}
    assert rows["柳河县第一小学"][6:8] == ("已督导", 1)
    assert rows["柳河县第一小学"][2] == "王督学"
    assert rows["柳河县第二中学"][6] == "草稿中"
    assert rows["柳河县实验幼儿园"][1] == "未划入责任区" and rows["柳河县实验幼儿园"][6] == "未督导"


def test_a_supervisors_export_holds_only_their_schools(client, world):
    response = page(client, world["sup_a2"].user, reverse("inspections:coverage_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[4] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["三源浦镇中心小学"]


# --- Constant queries ---------------------------------------------------------------------------------


def _bulk_schools(office, zone, n, start=0):
    f.schools_bulk(
        [School(office=office, code=f"{3100000000 + start + i:010d}", name=f"批量学校{start + i}", kind="primary")
         for i in range(n)],
        zone=zone,
    )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_coverage_runs_the_same_queries_for_10_and_1000_schools(client, world, django_assert_num_queries):
    office, zone = world["county_a"], world["zone_a1"]
    _bulk_schools(office, zone, 6)
    visit(world, school="a1")
    client.force_login(world["director_a"])
    url = reverse("inspections:coverage")
    client.get(url)  # warm the session
    small = _count_queries(client, url)
    _bulk_schools(office, zone, 990, start=100)
    other = f.ZoneFactory(office=office)
    ZoneAssignment.objects.create(zone=other, supervisor=world["sup_a2"], valid_from=f.roster_start())
    _bulk_schools(office, other, 10, start=5000)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["coverage"].total == 1010


def test_supervisor_home_runs_the_same_queries_for_10_and_1000_schools(client, world, django_assert_num_queries):
    office, zone = world["county_a"], world["zone_a1"]
    _bulk_schools(office, zone, 8)
    visit(world, school="a1")
    visit(world, school="a2", submit=False)
    client.force_login(world["sup_a1"].user)
    url = reverse("supervisor_home")
    client.get(url)
    small = _count_queries(client, url)
    _bulk_schools(office, zone, 990, start=100)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["todo"].schools_total == 1000


# --- The supervisor's monthly to-do -----------------------------------------------------------------


def test_supervisor_home_is_this_months_to_do(client, world, today):
    s = world["schools"]
    plan = services.plan_create(office=world["county_a"], year=today.year)
    month = plan.months.get(month=today.month)
    services.plan_month_save(
        plan_month=month, school_focus="校园及周边安全、食堂卫生", kindergarten_focus="杜绝小学化倾向", other_tasks="",
        school_item_codes=["S6"], kindergarten_item_codes=[],
    )
    visit(world, school="a1")
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    due = dt.date(today.year, today.month, 27)
    if today < due:
        assert f"{today.month}月 · 距27日报送还有 {(due - today).days} 天" in body
    elif today > due:
        assert "已过报送日" in body
    assert "已督导 1/2 所" in body
    # The plan's school focus is shown; the kindergarten focus only to supervisors of kindergartens.
    assert "校园及周边安全、食堂卫生" in body and "杜绝小学化倾向" not in body
    todo = re.findall(r'data-testid="todo-school">\s*<div class="me-auto">\s*<div[^>]*>([^<]+)<', body)
    assert todo == ["柳河县第二中学"]
    assert f'?school={s["a2"].pk}"' in body and "开始督导" in body
    assert f'?school={s["a1"].pk}"' not in body  # already visited this month
    assert 'data-testid="visited-school"' in body and "柳河县第一小学" in body
    assert 'data-testid="my-zones"' in body  # the zones stay reachable
    zone_assign_schools(zone=world["zone_a1"], schools=[s["a4"]])
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert "杜绝小学化倾向" in body and "已督导 1/3 所" in body


def test_a_draft_is_continued_not_started_twice(client, world):
    draft = visit(world, school="a2", submit=False)
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert body.count('data-testid="draft"') == 1
    assert "已填 0/8 项" in body
    assert "继续填写" in body
    assert f'?school={world["schools"]["a2"].pk}"' not in body
    assert draft.school.name in body


def test_the_start_and_continue_buttons_point_to_the_visit_pages(client, world):
    draft = visit(world, school="a2", submit=False)
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert f'href="{reverse("inspections:visit_start")}?school={world["schools"]["a1"].pk}"' in body
    assert f'href="{reverse("inspections:visit_detail", args=[draft.pk])}"' in body


def test_after_the_27th_the_home_says_the_deadline_has_passed_in_red(world, rf: RequestFactory):
    # "Today" is fixed by the clock, so render the page for a to-do built past its 27th.
    user = world["sup_a1"].user
    todo = selectors.SupervisorTodo(year=2026, month=10, due=dt.date(2026, 10, 27), days_left=-3, schools_total=2)
    todo.not_visited = selectors.RosterScope(zones=[world["zone_a1"].pk]).lines_on(dt.date(2026, 10, 30))
    request = rf.get("/my/")
    request.user = user
    html = render_to_string(
        "supervision/supervisor_home.html", {"supervisor": world["sup_a1"], "zones": [], "todo": todo}, request=request
    )
    assert re.search(r'<span class="text-danger">已过报送日</span>', html)
    assert "距27日" not in html
    assert "还差 2 所" in html


def test_a_supervisor_sees_only_their_own_drafts_and_schools(client, world):
    visit(world, who="sup_a2", school="a3", submit=False)
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert "三源浦镇中心小学" not in body
    assert 'data-testid="draft"' not in body


def test_the_to_do_shows_each_schools_last_visit_within_three_months(client, world, today):
    visit(world, school="a1", date=today - dt.timedelta(days=40))
    visit(world, school="a2", date=today - dt.timedelta(days=120))
    body = page(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    last = today - dt.timedelta(days=40)
    shown = f"{last.month}月{last.day}日" if last.year == today.year else f"{last.year}年{last.month}月{last.day}日"
    assert f"上次督导 {shown}" in body
    assert body.count("近三个月无督导记录") == 1  # a2, visited four months ago
