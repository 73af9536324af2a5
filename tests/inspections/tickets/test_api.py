"""The tickets and notifications API: the pages' permissions, the whole rectification flow over
HTTP, stale versions (409), and constant queries for the list."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections.models.choices import Severity, TicketAction, TicketStatus
from inspections.models import Notification, Problem, Ticket, TicketEvent
from tests import factories as f
from tests.api_support import api_as
from tests.inspections.evidence_files import EXECUTABLE, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
TICKETS = "/api/v1/tickets/"
NOTIFICATIONS = "/api/v1/notifications/"


def url(ticket, action=""):
    return f"{TICKETS}{ticket.pk}/{action}"


@pytest.fixture
def tickets(world):
    """One ticket in each of schools a1 (zone A1), a3 (zone A2) and b1 (county B), through the services."""
    made = {}
    for key, who in (("a1", "sup_a1"), ("a3", "sup_a2"), ("b1", "sup_b1")):
        visit = f.visit_filled(user=world[who].user, school=world["schools"][key], problems=1)
        made[key] = Ticket.objects.get(problem__visit=visit)
    return made


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def photo(name="整改后.png", data=None):
    return SimpleUploadedFile(name, data or image_bytes(), content_type="image/png")


# --- Who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, seen",
    [
        ("school_user_a1", ["a1"]),
        ("sup_a1", ["a1"]),
        ("sup_a2", ["a3"]),
        ("admin_a", ["a1", "a3"]),
        ("director_a", ["a1", "a3"]),
        ("city_viewer", ["a1", "a3", "b1"]),
        ("admin_b", ["b1"]),
    ],
)
def test_each_role_lists_and_opens_only_the_tickets_it_may_see(world, tickets, role, seen):
    client = api_as(world, role)
    assert ids(client.get(TICKETS)) == {tickets[k].pk for k in seen}
    for key, ticket in tickets.items():
        assert client.get(url(ticket)).status_code == (200 if key in seen else 404)


def test_anonymous_calls_are_refused(world, tickets):
    assert api_as(world, "anonymous").get(TICKETS).status_code == 401
    assert api_as(world, "anonymous").get(NOTIFICATIONS).status_code == 401


def test_a_school_user_guessing_another_schools_ticket_id_gets_404_and_learns_nothing(world, tickets):
    client = api_as(world, "school_user_a1")
    other = tickets["a3"]
    for path in ("", "start/", "report/", "extensions/"):
        response = client.get(url(other, path)) if not path else client.post(url(other, path), {}, format="json")
        assert response.status_code == 404
        assert other.problem.description not in response.content.decode()
    assert Ticket.objects.get(pk=other.pk).status == TicketStatus.OPEN


def test_the_ledgers_filters_work_on_the_api(world, tickets):
    client = api_as(world, "city_viewer")
    assert ids(client.get(TICKETS, {"zone": world["zone_a2"].pk})) == {tickets["a3"].pk}
    assert ids(client.get(TICKETS, {"school": world["schools"]["b1"].pk})) == {tickets["b1"].pk}
    Ticket.objects.filter(pk=tickets["a1"].pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    assert ids(client.get(TICKETS, {"overdue": "true"})) == {tickets["a1"].pk}
    body = client.get(url(tickets["a1"])).json()
    assert (body["is_overdue"], body["days_overdue"]) == (True, 3)
    # A zone outside the user's scope is refused like one that does not exist, never applied.
    for zone in (world["zone_a1"].pk, 999999):
        response = api_as(world, "admin_b").get(TICKETS, {"zone": zone})
        assert response.status_code == 400 and "zone" in response.json()


# --- The whole flow over the API -----------------------------------------------------------------------


def test_a_ticket_goes_from_open_to_closed_over_the_api_with_a_return_in_between(world, tickets):
    ticket = tickets["a1"]
    school, supervisor = api_as(world, "school_user_a1"), api_as(world, "sup_a1")

    body = school.post(url(ticket, "start/"), {"version": ticket.version}, format="json").json()
    assert body["status"] == TicketStatus.IN_PROGRESS
    response = school.post(url(ticket, "evidence/"), {"file": photo()}, format="multipart")
    assert response.status_code == 201, response.content
    evidence = response.json()
    assert (evidence["content_type"], evidence["original_name"]) == ("image/jpeg", "整改后.png")  # re-encoded: no EXIF, nothing appended
    assert len(evidence["sha256"]) == 64
    assert school.get(evidence["download_url"]).status_code == 200
    assert api_as(world, "school_user_a1").get(evidence["download_url"]).status_code == 200
    assert api_as(world, "admin_b").get(evidence["download_url"]).status_code == 404
    body = school.post(url(ticket, "report/"), {"text": "已清理消防通道"}, format="json").json()
    assert body["status"] == TicketStatus.SUBMITTED and body["reports"][0]["submitted_at"]

    body = supervisor.post(url(ticket, "return/"), {"reason": "照片看不清"}, format="json").json()
    assert body["status"] == TicketStatus.IN_PROGRESS and body["reports"][0]["return_reason"] == "照片看不清"

    pdf = SimpleUploadedFile("整改报告.pdf", pdf_bytes(), content_type="application/pdf")
    assert school.post(url(ticket, "evidence/"), {"file": pdf}, format="multipart").status_code == 201
    body = school.post(url(ticket, "report/"), {"text": "重新拍照并附整改报告"}, format="json").json()
    assert body["status"] == TicketStatus.SUBMITTED
    assert [(r["round"], [e["content_type"] for e in r["evidence"]]) for r in body["reports"]] == [
        (1, ["image/jpeg"]), (2, ["application/pdf"]),
    ]

    response = supervisor.post(url(ticket, "close/"), {"mode": "evidence", "notes": "材料齐全,整改到位"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == TicketStatus.CLOSED and body["closed_at"]
    assert body["rechecks"][0]["result"] == "rectified"
    actions = [e["action"] for e in body["events"]]
    assert actions[0] == TicketAction.CREATED and actions[-1] == TicketAction.CLOSED
    assert actions.count(TicketAction.REPORT_SUBMITTED) == 2 and TicketAction.RETURNED in actions
    # Addresses are for the office's auditors and admins only, never the supervisor or the school.
    assert {e["ip_address"] for e in body["events"]} == {None}
    assert {e["ip_address"] for e in school.get(url(ticket)).json()["events"]} == {None}
    assert {e["ip_address"] for e in api_as(world, "admin_a").get(url(ticket)).json()["events"][1:]} == {"127.0.0.1"}
    assert body["events"][-1]["actor_name"] == world["sup_a1"].user.first_name


def test_closing_on_a_recorded_recheck_needs_one_that_found_it_rectified(world, tickets):
    from inspections.tickets import services

    ticket, supervisor = tickets["a1"], api_as(world, "sup_a1")
    bad = services.recheck_record(problem=ticket.problem, user=world["sup_a1"].user, result="not_rectified", mode="evidence")
    response = supervisor.post(url(ticket, "close/"), {"recheck": bad.pk}, format="json")
    assert response.status_code == 400 and "销号前必须完成复查" in response.content.decode()
    good = services.recheck_record(problem=ticket.problem, user=world["sup_a1"].user, result="rectified", mode="on_site")
    assert supervisor.post(url(ticket, "close/"), {"recheck": good.pk}, format="json").json()["status"] == "closed"
    # A re-check of another ticket's problem is not found.
    other = tickets["a3"]
    assert api_as(world, "sup_a2").post(url(other, "close/"), {"recheck": good.pk}, format="json").status_code == 404


def test_a_recheck_that_finds_it_not_rectified_sends_a_submitted_report_back(world, tickets):
    ticket = tickets["a1"]
    school = api_as(world, "school_user_a1")
    school.post(url(ticket, "evidence/"), {"file": photo()}, format="multipart")
    school.post(url(ticket, "report/"), {"text": "已整改"}, format="json")
    response = api_as(world, "sup_a1").post(
        url(ticket, "recheck/"), {"result": "not_rectified", "mode": "on_site", "notes": "通道仍有杂物",
                                  "photos": [photo("复查.png")]}, format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == TicketStatus.IN_PROGRESS and body["reports"][0]["return_reason"] == "通道仍有杂物"
    assert len(body["rechecks"][0]["photo_urls"]) == 1


def test_extensions_are_requested_by_the_school_and_decided_by_the_supervisor(world, tickets):
    ticket = tickets["a1"]
    new_deadline = ticket.deadline + dt.timedelta(days=10)
    response = api_as(world, "school_user_a1").post(
        url(ticket, "extensions/"), {"requested_deadline": new_deadline.isoformat(), "reason": "需采购设备"}, format="json"
    )
    assert response.status_code == 201, response.content
    extension = response.json()
    assert extension["status"] == "pending"
    path = url(ticket, f"extensions/{extension['id']}/decide/")
    assert api_as(world, "school_user_a1").post(path, {"approve": True}, format="json").status_code == 403
    body = api_as(world, "sup_a1").post(path, {"approve": True, "note": "同意"}, format="json").json()
    assert body["deadline"] == new_deadline.isoformat() and body["extensions"][0]["status"] == "approved"


# --- Refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, action, payload",
    [
        ("director_a", "close/", {"mode": "evidence"}),
        ("director_a", "return/", {"reason": "x"}),
        ("city_viewer", "start/", {}),
        ("school_user_a1", "close/", {"mode": "evidence"}),
        ("school_user_a1", "return/", {"reason": "x"}),
        ("sup_a1", "start/", {}),
        ("sup_a1", "report/", {"text": "x"}),
    ],
)
def test_someone_who_may_read_a_ticket_but_not_do_this_gets_403(world, tickets, role, action, payload):
    ticket = tickets["a1"]
    response = api_as(world, role).post(url(ticket, action), payload, format="json")
    assert response.status_code == 403
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.version) == (TicketStatus.OPEN, ticket.version)


def test_a_stale_version_answers_409_with_the_message_and_the_current_version(world, tickets):
    ticket = tickets["a1"]
    school = api_as(world, "school_user_a1")
    seen = ticket.version
    assert school.post(url(ticket, "start/"), {"version": seen}, format="json").status_code == 200
    response = school.post(url(ticket, "extensions/"), {
        "version": seen, "requested_deadline": (ticket.deadline + dt.timedelta(days=5)).isoformat(), "reason": "x",
    }, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "刚被他人更新" in body["detail"] and body["version"] == Ticket.objects.get(pk=ticket.pk).version
    assert not Ticket.objects.get(pk=ticket.pk).extensions.exists()


def test_bad_input_is_refused_in_chinese(world, tickets):
    ticket, school = tickets["a1"], api_as(world, "school_user_a1")
    response = school.post(url(ticket, "report/"), {"text": "已整改"}, format="json")
    assert response.status_code == 400 and "至少上传一份佐证材料" in response.content.decode()
    disguised = SimpleUploadedFile("照片.jpg", EXECUTABLE, content_type="image/jpeg")
    response = school.post(url(ticket, "evidence/"), {"file": disguised}, format="multipart")
    assert response.status_code == 400 and ticket.reports.filter(evidence__isnull=False).count() == 0
    response = api_as(world, "sup_a1").post(url(ticket, "return/"), {"reason": "x"}, format="json")
    assert response.status_code == 400 and "不能执行“退回重新整改”" in response.content.decode()


def test_evidence_of_a_draft_report_can_be_removed_but_not_once_submitted(world, tickets):
    ticket, school = tickets["a1"], api_as(world, "school_user_a1")
    first = school.post(url(ticket, "evidence/"), {"file": photo()}, format="multipart").json()
    second = school.post(url(ticket, "evidence/"), {"file": photo("b.png", image_bytes(color=(1, 2, 3)))}, format="multipart").json()
    assert school.delete(url(ticket, f"evidence/{first['id']}/")).status_code == 204
    school.post(url(ticket, "report/"), {"text": "已整改"}, format="json")
    response = school.delete(url(ticket, f"evidence/{second['id']}/"))
    assert response.status_code == 400 and "不能再修改" in response.content.decode()


# --- Constant queries ----------------------------------------------------------------------------------


def more_tickets(world, count: int) -> None:
    """``count`` more tickets of school a1 with a report, a re-check, an event and an extension each (bulk)."""
    from inspections.models import Extension, Recheck, TicketReport

    base = Ticket.objects.filter(school=world["schools"]["a1"]).select_related("problem").first().problem
    today = timezone.localdate()
    problems = Problem.objects.bulk_create(
        Problem(office=base.office, school=base.school, visit=base.visit, answer=base.answer, item_code="S6",
                item_title="校园及周边安全", description=f"问题{n}", opinion="整改", severity=Severity.MINOR,
                deadline=today + dt.timedelta(days=20), found_on=today, created_by=base.created_by)
        for n in range(count)
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(problem=p, office=p.office, school=p.school, deadline=p.deadline, opened_on=p.found_on) for p in problems
    )
    user = world["school_user_a1"]
    Recheck.objects.bulk_create(
        Recheck(problem=p, date=today, mode="on_site", result="not_rectified", by=base.created_by) for p in problems
    )
    TicketReport.objects.bulk_create(  # submitted: every role reads them (a draft is the school's alone)
        TicketReport(ticket=t, text="整改中", round=1, submitted_on=today, submitted_at=timezone.now(), submitted_by=user)
        for t in tickets
    )
    TicketEvent.objects.bulk_create(TicketEvent(ticket=t, action=TicketAction.CREATED, actor=user) for t in tickets)
    Extension.objects.bulk_create(
        Extension(ticket=t, requested_deadline=today + dt.timedelta(days=40), reason="x", requested_by=user) for t in tickets
    )


# Session, user, scope (tickets), count, page, and one query each for reports, evidence, extensions,
# re-checks, re-check photos, escalations and events.
TICKET_LIST_QUERIES = 11


@pytest.mark.parametrize("role", ["school_user_a1", "sup_a1", "director_a"])
def test_the_ticket_list_runs_the_same_queries_for_more_tickets(world, tickets, role, django_assert_num_queries):
    client = api_as(world, role)
    client.get(TICKETS)
    more_tickets(world, 5)
    with django_assert_num_queries(TICKET_LIST_QUERIES):
        small = client.get(TICKETS)
    more_tickets(world, 300)
    with django_assert_num_queries(TICKET_LIST_QUERIES):
        large = client.get(TICKETS)
    assert large.json()["count"] > small.json()["count"] and len(large.json()["results"]) == 50


# --- Notifications --------------------------------------------------------------------------------------


def test_users_read_only_their_own_notifications_and_mark_them_read(world, tickets):
    school = api_as(world, "school_user_a1")
    mine = Notification.objects.filter(user=world["school_user_a1"])
    assert mine.exists()  # the new ticket told the school
    body = school.get(NOTIFICATIONS, {"unread": "true"}).json()
    assert {n["id"] for n in body["results"]} == set(mine.values_list("pk", flat=True))
    first = mine.first()
    response = school.post(f"{NOTIFICATIONS}{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    # Someone else's notification is not found, and reading all marks only one's own.
    other = Notification.objects.create(user=world["sup_a1"].user, key="test:other", title="辉南县第一小学有新的整改报告")
    assert school.get(f"{NOTIFICATIONS}{other.pk}/").status_code == 404
    assert school.post(f"{NOTIFICATIONS}{other.pk}/read/").status_code == 404
    assert school.post(f"{NOTIFICATIONS}read-all/").json() == {"marked": mine.count() - 1}
    assert not mine.filter(read_at=None).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_two_colleagues_reporting_through_the_api_the_second_gets_409_and_nothing_is_overwritten(world, tickets):
    ticket = tickets["a1"]
    first = api_as(world, "school_user_a1")
    second = api_as(world, "school_user_a1")
    second.force_login(f.school_user(world["schools"]["a1"], username="school_a1_second"))
    first.post(url(ticket, "start/"), {}, format="json")
    seen = first.get(url(ticket)).json()["version"]

    saved = first.post(url(ticket, "report/"), {"version": seen, "text": "一号的说明", "submit": False}, format="json")
    late = second.post(url(ticket, "report/"), {"version": seen, "text": "二号的说明", "submit": False}, format="json")

    assert saved.status_code == 200
    assert late.status_code == 409
    assert "刚被他人更新" in late.json()["detail"] and late.json()["version"] == saved.json()["version"] > seen
    assert Ticket.objects.get(pk=ticket.pk).reports.get().text == "一号的说明"
    retry = second.post(url(ticket, "report/"), {"version": late.json()["version"], "text": "二号的说明",
                                                 "submit": False}, format="json")
    assert retry.status_code == 200 and Ticket.objects.get(pk=ticket.pk).reports.get().text == "二号的说明"
