"""The ledger (台账) of rectification tickets, its Excel export and 回头看, as the office sees them."""
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models.choices import Severity, TicketStatus
from inspections.models import Problem, Ticket
from schools.selectors import placement_on
from supervision import clock
from tests import factories as f

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LEDGER = reverse("inspections:ledger")
EXPORT = reverse("inspections:ledger_export")
LOOKBACK = reverse("inspections:lookback")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def base_visits(world):
    """One submitted visit per county: the problems below hang on them (the ledger reads the
    problem and the ticket, not the visit)."""
    return {
        "a": f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1),
        "a3": f.visit_filled(user=world["sup_a2"].user, school=world["schools"]["a3"], problems=1),
        "b": f.visit_filled(user=world["sup_b1"].user, school=world["schools"]["b1"], problems=1),
    }


def visit_for(world, base_visits, school):
    """The visit a problem of ``school`` hangs on: one by the school's own supervisor; a school
    outside any zone (a4) has none — its problem came from an evaluation."""
    if school == world["schools"]["a4"]:
        return None
    if school == world["schools"]["a3"]:
        return base_visits["a3"]
    return base_visits["b" if school.office == world["county_b"] else "a"]


def make_ticket(world, base_visits, school_key, *, code="S6", severity=Severity.MINOR, found_on=None, deadline=None,
                status=TicketStatus.OPEN, closed_at=None, description="消防通道堵塞", opinion="立即清理"):
    school = world["schools"][school_key]
    visit = visit_for(world, base_visits, school)
    answer = visit.checklist.answers.get(code="S6") if visit else None
    found_on = found_on or timezone.localdate()
    # The problem counts for the zone the school was in on the day it was found.
    zone = placement_on(school, found_on).zone_id
    problem = Problem.objects.create(
        office=school.office, school=school, visit=visit, answer=answer, item_code=code, item_title=f"事项{code}",
        description=description, severity=severity, opinion=opinion, deadline=deadline or found_on + dt.timedelta(days=30),
        found_on=found_on, created_by=visit.created_by.user if visit else world["admin_a"], zone_id=zone,
        source="checklist" if visit else "evaluation",
    )
    return Ticket.objects.create(
        problem=problem, office=school.office, school=school, status=status, deadline=problem.deadline,
        opened_on=found_on, closed_at=closed_at, closed_on=closed_at and clock.date_of(closed_at),
    )


@pytest.fixture
def tickets(world, base_visits, today):
    """Six tickets that differ in one way each from the first."""
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    Ticket.objects.all().delete()  # the base visits' own tickets are not part of this ledger
    return {
        "fresh": make_ticket(world, base_visits, "a1"),
        "late": make_ticket(world, base_visits, "a2", code="S7", severity=Severity.SEVERE, found_on=last_month,
                            deadline=today - dt.timedelta(days=5), status=TicketStatus.IN_PROGRESS,
                            description="食堂留样不全", opinion="补齐留样记录"),
        "closed": make_ticket(world, base_visits, "a3", code="S1", found_on=last_month, deadline=today - dt.timedelta(days=3),
                              status=TicketStatus.CLOSED, closed_at=timezone.now() - dt.timedelta(days=10),
                              description="制度未上墙"),
        "kindergarten": make_ticket(world, base_visits, "a4", code="K2", severity=Severity.MAJOR,
                                    status=TicketStatus.SUBMITTED, description="小学化倾向"),
        "other_county": make_ticket(world, base_visits, "b1", description="辉南的问题"),
    }


def ledger_ids(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-testid="ledger-row" data-ticket="(\d+)"', response.content.decode())}


def ids(*tickets) -> set[int]:
    return {t.pk for t in tickets}


def as_user(client, user):
    client.force_login(user)
    return client


# --- The page and its filters -----------------------------------------------------------------------


def test_the_director_sees_one_row_per_ticket_of_the_county_with_totals(client, world, tickets):
    response = as_user(client, world["director_a"]).get(LEDGER)
    t = tickets
    assert ledger_ids(response) == ids(t["fresh"], t["late"], t["closed"], t["kindergarten"])
    body = response.content.decode()
    assert "共 4 个问题" in body and "逾期未销号 1" in body
    assert re.search(r'data-total="closed"[^>]*>已销号 1<', body)
    assert re.search(r'data-total="in_progress"[^>]*>整改中 1<', body)
    assert "辉南的问题" not in body


def test_each_row_links_to_its_ticket_page(client, world, tickets):
    as_user(client, world["director_a"])
    body = client.get(LEDGER, {"school": world["schools"]["a2"].pk}).content.decode()
    link = reverse("inspections:ticket_detail", args=[tickets["late"].pk])
    assert f'<a href="{link}">食堂留样不全</a>' in body
    assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    "query, expected",
    [
        (lambda w, t: {"zone": w["zone_a1"].pk}, ["fresh", "late"]),
        (lambda w, t: {"school": w["schools"]["a3"].pk}, ["closed"]),
        (lambda w, t: {"kind": "kindergarten"}, ["kindergarten"]),
        (lambda w, t: {"kind": "junior"}, ["late"]),
        (lambda w, t: {"item": "S7"}, ["late"]),
        (lambda w, t: {"item": "k2"}, ["kindergarten"]),
        (lambda w, t: {"severity": "severe"}, ["late"]),
        (lambda w, t: {"status": "closed"}, ["closed"]),
        (lambda w, t: {"status": "submitted"}, ["kindergarten"]),
        (lambda w, t: {"year": t["late"].opened_on.year, "month": t["late"].opened_on.month}, ["late", "closed"]),
        (lambda w, t: {"overdue": "true"}, ["late"]),
        (lambda w, t: {"overdue": "false"}, ["fresh", "closed", "kindergarten"]),
        (lambda w, t: {"q": "留样"}, ["late"]),
        (lambda w, t: {"q": "三源浦"}, ["closed"]),
        (lambda w, t: {"zone": w["zone_a1"].pk, "overdue": "true", "severity": "severe"}, ["late"]),
        (lambda w, t: {"zone": w["zone_a1"].pk, "status": "closed"}, []),
    ],
    ids=["zone", "school", "kind-kindergarten", "kind-junior", "item", "item-any-case", "severity", "status-closed",
         "status-submitted", "month-found", "overdue", "not-overdue", "search-text", "search-school", "combined", "none"],
)
def test_each_filter_narrows_the_ledger(client, world, tickets, query, expected):
    response = as_user(client, world["admin_a"]).get(LEDGER, query(world, tickets))
    assert ledger_ids(response) == ids(*(tickets[name] for name in expected))


def test_overdue_days_are_derived_from_the_deadline_and_the_closing_date(client, world, tickets, today):
    late, closed = tickets["late"], tickets["closed"]
    # Closed 10 days ago with a deadline 3 days ago: on time, so no days overdue; the other is 5 days late.
    body = as_user(client, world["admin_a"]).get(LEDGER).content.decode()
    row = re.search(rf'data-ticket="{late.pk}".*?</tr>', body, re.S).group(0)
    assert "5 天" in row and "text-danger" in row
    row = re.search(rf'data-ticket="{closed.pk}".*?</tr>', body, re.S).group(0)
    assert " 天" not in row
    # Moving the deadline makes it overdue without touching anything stored but the deadline.
    Ticket.objects.filter(pk=tickets["fresh"].pk).update(deadline=today - dt.timedelta(days=2))
    assert ledger_ids(client.get(LEDGER, {"overdue": "true"})) == ids(late, tickets["fresh"])


# --- Who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin_a", ["fresh", "late", "closed", "kindergarten"]),
        ("director_a", ["fresh", "late", "closed", "kindergarten"]),
        ("city_viewer", ["fresh", "late", "closed", "kindergarten", "other_county"]),
        ("province_viewer", ["fresh", "late", "closed", "kindergarten", "other_county"]),
        ("admin_b", ["other_county"]),
        ("sup_a1", ["fresh", "late"]),
        ("sup_a2", ["closed"]),
        ("sup_b1", ["other_county"]),
    ],
)
def test_each_role_sees_the_ledger_of_its_offices_or_zones(client, world, tickets, role, expected):
    user = getattr(world[role], "user", world[role])
    assert ledger_ids(as_user(client, user).get(LEDGER)) == ids(*(tickets[name] for name in expected))


def test_a_school_user_has_no_ledger_lookback_or_export(client, world, tickets):
    as_user(client, world["school_user_a1"])
    assert client.get(LEDGER).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert client.get(LOOKBACK).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url in (LEDGER, EXPORT, LOOKBACK):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_filtering_by_another_countys_zone_or_school_shows_nothing(client, world, tickets):
    as_user(client, world["admin_a"])
    assert ledger_ids(client.get(LEDGER, {"zone": world["zone_b1"].pk})) == set()
    assert ledger_ids(client.get(LEDGER, {"school": world["schools"]["b1"].pk})) == set()


def test_a_supervisor_cannot_widen_their_ledger_to_another_zone(client, world, tickets):
    as_user(client, world["sup_a1"].user)
    assert ledger_ids(client.get(LEDGER, {"zone": world["zone_a2"].pk})) == set()


# --- Constant queries ---------------------------------------------------------------------------------


def bulk_tickets(world, base_visits, count: int) -> None:
    """``count`` more tickets across county A's schools, made with bulk_create."""
    schools = [world["schools"][k] for k in ("a1", "a2", "a3", "a4")]
    visits = [visit_for(world, base_visits, s) for s in schools]
    zones = [f.zone_today(s) for s in schools]
    today = timezone.localdate()
    problems = Problem.objects.bulk_create(
        Problem(office=world["county_a"], school=schools[n % 4], visit=visits[n % 4], zone=zones[n % 4],
                answer=visits[n % 4].checklist.answers.get(code="S6") if visits[n % 4] else None, item_code="S6",
                item_title="校园及周边安全", description=f"问题{n}", opinion="整改", deadline=today + dt.timedelta(days=n % 60 - 30),
                found_on=today - dt.timedelta(days=n % 300),
                created_by=visits[n % 4].created_by.user if visits[n % 4] else world["admin_a"],
                source="checklist" if visits[n % 4] else "evaluation")
        for n in range(count)
    )
    statuses = TicketStatus.values
    Ticket.objects.bulk_create(
        Ticket(problem=p, office=p.office, school=p.school, deadline=p.deadline, opened_on=p.found_on,
               status=statuses[n % 4], closed_at=timezone.now() if statuses[n % 4] == TicketStatus.CLOSED else None,
               closed_on=today if statuses[n % 4] == TicketStatus.CLOSED else None)
        for n, p in enumerate(problems)
    )


# Session, user, the user's scope resolved once (office permissions, the offices below, zones today
# and their schools or the offices' subtree, own work: four), the menu's roles and unread count, the
# zone filter's check, the choices (offices, zones, schools, items), totals, the page's ids and its rows.
LEDGER_QUERIES = 16


@pytest.mark.parametrize("role", ["director_a", "sup_a1"])
def test_the_ledger_runs_the_same_queries_for_100_or_5000_tickets(client, world, base_visits, role, django_assert_num_queries):
    as_user(client, getattr(world[role], "user", world[role]))
    query = {"zone": world["zone_a1"].pk, "overdue": "false", "page": 2}
    bulk_tickets(world, base_visits, 100)
    client.get(LEDGER, query)  # the first request of a session also updates last_login and the session
    with django_assert_num_queries(LEDGER_QUERIES):
        assert client.get(LEDGER, query).status_code == 200
    bulk_tickets(world, base_visits, 4900)
    with django_assert_num_queries(LEDGER_QUERIES):
        response = client.get(LEDGER, query)
    assert len(ledger_ids(response)) == 50


# --- The Excel export ---------------------------------------------------------------------------------


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


def data_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_the_export_holds_the_filtered_ledger_with_title_header_and_frozen_panes(client, world, tickets, today):
    response = as_user(client, world["director_a"]).get(EXPORT, {"zone": world["zone_a1"].pk})
    sheet = open_export(response)
    assert sheet["A1"].value == "《问题整改台账》"
    assert "柳河县人民政府教育督导室" in sheet["A2"].value
    assert "责任区:城区第一责任区" in sheet["A2"].value and "共2条" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == [
        "发现日期", "学校", "责任区", "类型", "督导事项", "问题描述", "严重程度", "整改意见", "整改期限", "状态", "逾期天数", "销号日期",
        "督学", "整改报告日期", "编号",
    ]
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["F"].width == 44
    late, fresh = tickets["late"], tickets["fresh"]
    rows = data_rows(sheet)
    assert rows == [
        (dt.datetime.combine(fresh.opened_on, dt.time()), "柳河县第一小学", "城区第一责任区", "小学", "S6 事项S6", "消防通道堵塞",
         "一般", "立即清理", dt.datetime.combine(fresh.deadline, dt.time()), "待整改", 0, None, "王督学", None, fresh.pk),
        (dt.datetime.combine(late.opened_on, dt.time()), "柳河县第二中学", "城区第一责任区", "初中", "S7 事项S7", "食堂留样不全",
         "严重", "补齐留样记录", dt.datetime.combine(late.deadline, dt.time()), "整改中", 5, None, "王督学", None, late.pk),
    ]


def test_the_export_follows_every_filter_the_page_has(client, world, tickets):
    as_user(client, world["admin_a"])
    sheet = open_export(client.get(EXPORT, {"status": "closed"}))
    rows = data_rows(sheet)
    assert [r[5] for r in rows] == ["制度未上墙"]
    closed = tickets["closed"]
    assert rows[0][11].date() == timezone.localdate(closed.closed_at) and rows[0][9] == "已销号"
    assert "状态:已销号" in sheet["A2"].value
    sheet = open_export(client.get(EXPORT, {"overdue": "true", "kind": "junior"}))
    assert [r[5] for r in data_rows(sheet)] == ["食堂留样不全"]
    assert "类型:初中" in sheet["A2"].value and "逾期未整改:已逾期" in sheet["A2"].value


def test_the_export_of_another_office_never_holds_this_countys_rows(client, world, tickets):
    sheet = open_export(as_user(client, world["admin_b"]).get(EXPORT))
    assert [r[5] for r in data_rows(sheet)] == ["辉南的问题"]
    sheet = open_export(client.get(EXPORT, {"school": world["schools"]["a1"].pk}))
    assert data_rows(sheet) == []


def test_text_that_looks_like_a_formula_stays_text_in_the_export(client, world, base_visits):
    Ticket.objects.all().delete()
    make_ticket(world, base_visits, "a1", description="=HYPERLINK(\"http://x\")", opinion="整改\x07意见")
    sheet = open_export(as_user(client, world["admin_a"]).get(EXPORT))
    (row,) = data_rows(sheet)
    assert row[5] == '=HYPERLINK("http://x")' and sheet["F4"].data_type == "s"
    assert row[7] == "整改意见"


# --- 回头看 --------------------------------------------------------------------------------------------


@pytest.fixture
def lookback_tickets(world, base_visits, today):
    Ticket.objects.all().delete()
    last = today.year - 1
    june = dt.date(last, 6, 1)
    deadline = dt.date(last, 7, 1)

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)

    make = lambda key, **kw: make_ticket(world, base_visits, key, found_on=kw.pop("found_on", june), deadline=deadline, **kw)  # noqa: E731
    return {
        "open": make("a1", status=TicketStatus.IN_PROGRESS),
        "open_too": make("a3", status=TicketStatus.OPEN),
        # Closed at 00:30 the day after the deadline, Beijing time (still the deadline day in UTC): late.
        "closed_late": make("a1", status=TicketStatus.CLOSED, closed_at=at(deadline + dt.timedelta(days=1), 0, 30)),
        # Closed at 23:30 on the deadline, Beijing time (the next day in UTC): on time.
        "closed_on_time": make("a2", status=TicketStatus.CLOSED, closed_at=at(deadline, 23, 30)),
        "this_year": make("a1", found_on=today.replace(month=1, day=5)),
        "two_years_ago": make("a2", found_on=dt.date(last - 1, 6, 1)),
        "other_county": make("b1"),
    }


def lookback_ids(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-testid="lookback-row" data-ticket="(\d+)"', response.content.decode())}


def test_lookback_lists_exactly_last_years_open_and_closed_late_tickets(client, world, lookback_tickets):
    t = lookback_tickets
    response = as_user(client, world["director_a"]).get(LOOKBACK)
    assert lookback_ids(response) == ids(t["open"], t["open_too"], t["closed_late"])
    summary = re.search(r'data-testid="lookback-summary">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert "仍未销号 <strong>2</strong>" in summary and "逾期销号 <strong>1</strong>" in summary and "涉及 2 所学校" in summary


def test_lookback_counts_by_zone_and_school(client, world, lookback_tickets):
    body = as_user(client, world["director_a"]).get(LOOKBACK).content.decode()
    a1, a3 = world["schools"]["a1"], world["schools"]["a3"]
    rows = dict(re.findall(r'data-testid="lookback-school" data-school="(\d+)">.*?((?:<td class="text-end">\d+</td>){3})', body, re.S))
    counts = {int(pk): [int(n) for n in re.findall(r">(\d+)<", cells)] for pk, cells in rows.items()}
    assert counts == {a1.pk: [1, 1, 2], a3.pk: [1, 0, 1]}
    zones = re.findall(r'data-testid="lookback-zone">\s*<td>(?:<a[^>]*>)?([^<]+)', body)
    assert zones == ["乡镇第一责任区", "城区第一责任区"]


def test_lookback_narrows_to_one_school_and_another_year(client, world, lookback_tickets, today):
    t = lookback_tickets
    as_user(client, world["director_a"])
    response = client.get(LOOKBACK, {"year": today.year - 1, "school": world["schools"]["a1"].pk})
    assert lookback_ids(response) == ids(t["open"], t["closed_late"])
    assert lookback_ids(client.get(LOOKBACK, {"year": today.year - 2})) == ids(t["two_years_ago"])


def test_lookback_of_a_supervisor_covers_their_zone_only(client, world, lookback_tickets):
    t = lookback_tickets
    assert lookback_ids(as_user(client, world["sup_a1"].user).get(LOOKBACK)) == ids(t["open"], t["closed_late"])
    assert lookback_ids(as_user(client, world["admin_b"]).get(LOOKBACK)) == ids(t["other_county"])
