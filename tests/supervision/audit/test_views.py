"""The log page and its Excel: the office admin and the auditor read their office's log (a higher
office its subtree's); nobody else opens it."""
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from supervision.audit import services
from supervision.audit.choices import AuditAction
from supervision.audit.models import AuditEntry
from supervision.choices import Role
from tests import factories as f


def acted(user, action=AuditAction.UPDATE, what="柳河县第一小学", n=1):
    return [services.record(action=action, actor=user, object_type="schools.school", object_id=i, object_repr=what)
            for i in range(n)]


def rows_of(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    return [row["entry"] for row in response.context["rows"]]


@pytest.fixture
def auditor_a(world):
    return f.office_user(Role.AUDITOR, world["county_a"], username="auditor_a")


@pytest.fixture
def logged(world):
    """An act of county A's director, one of county B's admin, and one of the city's viewer."""
    return {
        "a": acted(world["director_a"], what="甲县的记录")[0],
        "b": acted(world["admin_b"], what="乙县的记录")[0],
        "city": acted(world["city_viewer"], what="市里的记录")[0],
    }


def test_the_office_admin_reads_their_office_log_and_not_the_neighbouring_county(client, world, logged):
    seen = rows_of(client, world["admin_a"])
    assert logged["a"] in seen
    assert logged["b"] not in seen and logged["city"] not in seen


def test_an_auditor_reads_their_office_log_and_nothing_else(client, world, logged, auditor_a):
    seen = rows_of(client, auditor_a)
    assert logged["a"] in seen and logged["b"] not in seen
    # The role reads the log only: no business data comes with it.
    from supervision import access

    assert not access.schools_visible_to(auditor_a).exists()
    assert not access.offices_overseen_by(auditor_a).exists()


def test_an_auditor_whose_role_is_revoked_no_longer_opens_the_log(client, world, logged, auditor_a):
    from supervision.services import role_grant, role_revoke

    role_grant(user=auditor_a, role=Role.VIEWER, office=world["county_b"])  # a login keeps some role
    role_revoke(user=auditor_a, role=Role.AUDITOR, office=world["county_a"], actor=world["admin_a"])
    client.force_login(auditor_a)
    assert client.get(reverse("audit:log")).status_code == 404


def test_a_city_admin_reads_the_log_of_every_county_below(client, world, logged):
    city_admin = f.office_user(Role.OFFICE_ADMIN, world["city"], username="admin_city")
    seen = rows_of(client, city_admin)
    assert {logged["a"], logged["b"], logged["city"]} <= set(seen)


@pytest.mark.parametrize("who", ["sup_a1", "school_user_a1", "director_a", "city_viewer", "province_viewer"])
def test_nobody_else_opens_the_log_or_its_export(client, world, logged, who):
    user = world[who].user if who.startswith("sup_") else world[who]
    client.force_login(user)
    assert client.get(reverse("audit:log")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404


def test_another_countys_admin_sees_none_of_county_a(client, world, logged):
    seen = rows_of(client, world["admin_b"])
    assert logged["b"] in seen
    assert not [e for e in seen if e.office_id == world["county_a"].pk]


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_menu_shows_the_log_to_readers_only(client, world, auditor_a):
    link = f'href="{reverse("audit:log")}"'
    for user, shown in [(world["admin_a"], True), (auditor_a, True), (world["director_a"], False),
                        (world["sup_a1"].user, False), (world["school_user_a1"], False)]:
        client.force_login(user)
        assert (link in client.get(reverse("inspections:inbox")).content.decode()) is shown, user


def test_filters_by_action_actor_object_type_and_time(client, world, clock):
    start = clock.now
    clock.move_to(start - dt.timedelta(days=10))
    old = acted(world["director_a"], what="十天前")[0]
    clock.move_to(start)
    exported = acted(world["admin_a"], action=AuditAction.EXPORT, what="台账.xlsx")[0]
    updated = acted(world["director_a"], what="今天")[0]
    admin = world["admin_a"]
    assert rows_of(client, admin, action=AuditAction.EXPORT) == [exported]
    assert set(rows_of(client, admin, actor="director")) == {old, updated}
    assert set(rows_of(client, admin, object_type="schools.school")) >= {old, exported, updated}
    today = clock.today.isoformat()
    assert old not in rows_of(client, admin, date_from=today, date_to=today)
    ten_days_ago = (clock.today - dt.timedelta(days=10)).isoformat()
    assert rows_of(client, admin, date_from=ten_days_ago, date_to=ten_days_ago, actor="director") == [old]


def test_a_reversed_date_range_is_told_in_chinese_and_lists_nothing(client, world, logged):
    client.force_login(world["admin_a"])
    response = client.get(reverse("audit:log"), {"date_from": "2026-11-10", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert response.context["rows"] == []


def test_the_excel_holds_the_entries_as_filtered_and_its_export_is_logged(client, world, logged):
    acted(world["director_a"], action=AuditAction.DELETE, what="删掉的问题", n=3)
    client.force_login(world["admin_a"])
    response = client.get(reverse("audit:export"), {"action": AuditAction.DELETE}, REMOTE_ADDR="10.1.1.9")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:7] == ("序号", "时间", "操作人", "督导室", "操作", "对象类型", "对象")
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("director_a", "柳河县人民政府教育督导室", "删除", "学校", "删掉的问题")
    ] * 3
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=world["admin_a"])
    assert export.details["filters"] == {"action": "delete"}
    assert export.details["view"] == "audit:export" and export.address == "10.1.1.9"
    # …and the export is itself on the page the admin reads.
    assert export in rows_of(client, world["admin_a"], action=AuditAction.EXPORT)


def test_the_log_page_runs_a_constant_number_of_queries(client, world):
    admin = world["admin_a"]
    client.force_login(admin)
    acted(world["director_a"], n=2)
    client.get(reverse("audit:log"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("audit:log")).status_code == 200
    acted(world["director_a"], n=40)
    acted(world["admin_a"], action=AuditAction.EXPORT, n=5)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("audit:log")).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
