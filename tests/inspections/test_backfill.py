"""The past entered as it happened (补录): supervisors keep a late-entry window the office sets; those
holding 补录 enter older visits and the real dates of every act; the history shows both dates."""
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.visits import services
from inspections.tickets import services as ticket_services
from inspections.tickets import rules as rectification
from inspections.models.choices import Conclusion, RecheckResult, TicketAction, TicketStatus
from inspections.models import Ticket, TicketEvent, Visit
from supervision import access
from supervision.models import Office
from tests.api_support import api_as

TODAY = dt.date(2026, 11, 18)  # these stories are told on this day, whatever instant the suite runs at
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-18 09:30")]


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 90)).save(buffer, format="JPEG")
    return SimpleUploadedFile("整改照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_supervisor_enters_last_months_visit_but_not_one_before_the_window(world):
    sup = world["sup_a1"].user
    visit = services.visit_start(user=sup, school=world["schools"]["a1"], date=dt.date(2026, 10, 3))
    assert (visit.date, visit.entered_by) == (dt.date(2026, 10, 3), None)
    with pytest.raises(ValidationError) as exc:
        services.visit_start(user=sup, school=world["schools"]["a1"], date=dt.date(2026, 9, 30))
    assert "督导日期 2026年9月30日 早于本督导室允许补填的期限(2026年10月1日 起)" in str(exc.value)
    assert "补录" in str(exc.value)
    # The office widens its window to this month and the three before it.
    Office.objects.filter(pk=world["county_a"].pk).update(late_entry_months=3)
    world["schools"]["a1"].refresh_from_db()
    school = type(world["schools"]["a1"]).objects.get(pk=world["schools"]["a1"].pk)
    assert services.visit_start(user=sup, school=school, date=dt.date(2026, 8, 3)).date == dt.date(2026, 8, 3)


def test_the_office_admin_sets_the_late_entry_window_and_others_cannot(client, world):
    url = reverse("office_settings", args=[world["county_a"].pk])
    client.force_login(world["director_a"])
    assert client.get(url).status_code == 404
    client.force_login(world["admin_a"])
    data = {"name": world["county_a"].name, "address": "", "phone": "", "email": "", "late_entry_months": 13}
    bad = client.post(url, data)
    assert bad.status_code == 400 and "12" in bad.content.decode()
    assert client.post(url, {**data, "late_entry_months": 2}).status_code == 302
    assert Office.objects.get(pk=world["county_a"].pk).late_entry_months == 2
    assert api_as(world, "admin_a").get(f"/api/v1/offices/{world['county_a'].pk}/").json()["late_entry_months"] == 2


def test_an_admin_enters_a_visit_of_last_spring_for_the_supervisors_who_made_it(world):
    admin, sup_a1, sup_a2 = world["admin_a"], world["sup_a1"], world["sup_a2"]
    spring = dt.date(2025, 4, 8)
    visit = services.visit_start(user=admin, school=world["schools"]["a1"], date=spring, methods=["campus_walk"],
                                 co_supervisors=[sup_a1, sup_a2])
    assert (visit.created_by, visit.entered_by, visit.zone) == (sup_a1, admin, world["zone_a1"])
    assert set(visit.supervisors.all()) == {sup_a1, sup_a2}
    answers = list(visit.checklist.answers.all())
    services.problem_add(answer=answers[0], user=admin, description="消防通道堵塞", opinion="立即清理")
    for answer in answers[1:]:
        services.answer_save(answer=answer, user=admin, conclusion=Conclusion.OK)
    services.checklist_submit(checklist=visit.checklist, user=admin)
    ticket = Ticket.objects.get(problem__visit=visit)
    assert ticket.opened_on == spring
    created = ticket.events.get(action=TicketAction.CREATED)
    assert created.occurred_on == spring and created.at.date() == TODAY


def test_without_buxu_an_old_visit_is_refused_and_granting_it_on_the_users_page_allows_it(client, world):
    director = world["director_a"]
    with pytest.raises(ValidationError):
        services.visit_start(user=director, school=world["schools"]["a1"], date=dt.date(2025, 4, 8),
                             co_supervisors=[world["sup_a1"]])
    client.force_login(world["admin_a"])
    page = client.get(reverse("user_list")).content.decode()
    assert 'data-testid="backfill"' in page
    response = client.post(reverse("user_backfill", args=[director.pk]),
                           {"office": world["county_a"].pk, "granted": "1"}, follow=True)
    assert "已授予" in response.content.decode()
    assert access.offices_backfilled_by(director).filter(pk=world["county_a"].pk).exists()
    visit = services.visit_start(user=director, school=world["schools"]["a1"], date=dt.date(2025, 4, 8),
                                 co_supervisors=[world["sup_a1"]])
    assert visit.entered_by == director
    # Another office's admin cannot grant it on county A.
    client.force_login(world["admin_b"])
    assert client.post(reverse("user_backfill", args=[director.pk]),
                       {"office": world["county_a"].pk, "granted": "0"}).status_code == 404


def test_the_api_grants_and_takes_back_buxu(world):
    client, director = api_as(world, "admin_a"), world["director_a"]
    body = client.post(f"/api/v1/users/{director.pk}/backfill/", {"office": world["county_a"].pk, "granted": True},
                       format="json").json()
    assert body["backfill_offices"] == [world["county_a"].pk]
    body = client.post(f"/api/v1/users/{director.pk}/backfill/", {"office": world["county_a"].pk, "granted": False},
                       format="json").json()
    assert body["backfill_offices"] == []
    other = api_as(world, "admin_b").post(f"/api/v1/users/{director.pk}/backfill/",
                                          {"office": world["county_a"].pk, "granted": True}, format="json")
    assert other.status_code == 404


@pytest.fixture
def old_ticket(world):
    """A ticket of a visit of 8 April 2025, entered by the admin (补录)."""
    visit = services.visit_start(user=world["admin_a"], school=world["schools"]["a1"], date=dt.date(2025, 4, 8),
                                 methods=["campus_walk"], co_supervisors=[world["sup_a1"]])
    answers = list(visit.checklist.answers.all())
    services.problem_add(answer=answers[0], user=world["admin_a"], description="消防通道堵塞", opinion="立即清理",
                         deadline=dt.date(2025, 5, 8))
    for answer in answers[1:]:
        services.answer_save(answer=answer, user=world["admin_a"], conclusion=Conclusion.OK)
    services.checklist_submit(checklist=visit.checklist, user=world["admin_a"])
    return Ticket.objects.get(problem__visit=visit)


def test_acts_entered_late_carry_their_real_dates_and_the_figures_count_by_them(world, old_ticket):
    admin = world["admin_a"]
    ticket_services.evidence_add(ticket=old_ticket, actor=admin, upload=jpeg())
    ticket_services.ticket_report_submit(ticket=Ticket.objects.get(pk=old_ticket.pk), actor=admin, text="已清理",
                                         on=dt.date(2025, 5, 2))
    ticket_services.ticket_recheck(ticket=Ticket.objects.get(pk=old_ticket.pk), actor=admin,
                                   result=RecheckResult.RECTIFIED, date=dt.date(2025, 5, 12))
    ticket = Ticket.objects.get(pk=old_ticket.pk)
    assert (ticket.status, ticket.closed_on, ticket.closed_at.date()) == (TicketStatus.CLOSED, dt.date(2025, 5, 12), TODAY)
    assert ticket.reports.get().submitted_on == dt.date(2025, 5, 2)
    # Closed four days after its deadline: 逾期整改 as at 31 December 2025, not as at 10 May.
    end_2025 = Ticket.objects.filter(pk=ticket.pk)
    assert end_2025.filter(rectification.closed_late(dt.date(2025, 12, 31))).exists()
    assert end_2025.filter(rectification.overdue_open(dt.date(2025, 5, 10))).exists()
    assert rectification.statuses_on([ticket.pk], dt.date(2025, 5, 5)) == {ticket.pk: TicketStatus.SUBMITTED}
    changes = TicketEvent.objects.filter(ticket=ticket).exclude(to_status="").order_by("occurred_on", "at")
    assert [(e.to_status, e.occurred_on) for e in changes] == [
        (TicketStatus.OPEN, dt.date(2025, 4, 8)), (TicketStatus.IN_PROGRESS, dt.date(2025, 5, 2)),
        (TicketStatus.SUBMITTED, dt.date(2025, 5, 2)), (TicketStatus.CLOSED, dt.date(2025, 5, 12)),
    ]
    # The evidence file itself was uploaded today, and the history says so.
    assert ticket.events.get(action=TicketAction.EVIDENCE_ADDED).occurred_on == TODAY


def test_the_ticket_page_shows_the_day_it_happened_and_who_entered_it_when(client, world, old_ticket):
    client.force_login(world["director_a"])
    page = client.get(reverse("inspections:ticket_detail", args=[old_ticket.pk])).content.decode()
    assert "2025-04-08" in page and f"({TODAY.isoformat()} 由" in page and "补录)" in page


@pytest.mark.parametrize(
    "act, message",
    [
        (lambda t, u: ticket_services.ticket_report_submit(ticket=t, actor=u, text="已整改", on=dt.date(2025, 4, 1)),
         "不能早于"),
        (lambda t, u: ticket_services.ticket_report_submit(ticket=t, actor=u, text="已整改", on=dt.date(2026, 12, 1)),
         "不能晚于今天"),
        (lambda t, u: ticket_services.ticket_recheck(ticket=t, actor=u, result=RecheckResult.RECTIFIED,
                                                    date=dt.date(2025, 4, 1)), "不能早于问题发现日期"),
        (lambda t, u: ticket_services.extension_request(ticket=t, actor=u, requested_deadline=dt.date(2025, 6, 30),
                                                       reason="施工", on=dt.date(2025, 3, 1)), "不能早于"),
    ],
)
def test_a_back_dated_act_before_what_it_acts_on_or_in_the_future_is_refused_and_nothing_changes(
    world, old_ticket, act, message
):
    ticket_services.evidence_add(ticket=old_ticket, actor=world["admin_a"], upload=jpeg())
    ticket = Ticket.objects.get(pk=old_ticket.pk)
    events = ticket.events.count()
    with pytest.raises(ValidationError, match=message):
        act(ticket, world["admin_a"])
    fresh = Ticket.objects.get(pk=old_ticket.pk)
    assert (fresh.status, fresh.events.count()) == (ticket.status, events)


def test_a_close_before_the_latest_report_is_refused(world, old_ticket):
    admin = world["admin_a"]
    ticket_services.evidence_add(ticket=old_ticket, actor=admin, upload=jpeg())
    ticket_services.ticket_report_submit(ticket=Ticket.objects.get(pk=old_ticket.pk), actor=admin, text="已清理",
                                         on=dt.date(2025, 5, 2))
    with pytest.raises(ValidationError, match="不能早于整改报告提交日期 2025年5月2日"):
        ticket_services.ticket_recheck(ticket=Ticket.objects.get(pk=old_ticket.pk), actor=admin,
                                       result=RecheckResult.RECTIFIED, date=dt.date(2025, 4, 20))
    assert Ticket.objects.get(pk=old_ticket.pk).status == TicketStatus.SUBMITTED


def test_the_api_takes_the_real_day_of_a_report_and_a_close(world, old_ticket):
    client = api_as(world, "admin_a")
    url = f"/api/v1/tickets/{old_ticket.pk}/"
    assert client.post(url + "evidence/", {"file": jpeg()}, format="multipart").status_code == 201
    report = client.post(url + "report/", {"text": "已清理", "on": "2025-05-02"}, format="json")
    assert report.status_code == 200, report.json()
    assert report.json()["reports"][0]["submitted_on"] == "2025-05-02"
    closed = client.post(url + "close/", {"mode": "evidence", "date": "2025-05-06", "notes": "材料齐全"}, format="json")
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert (body["status"], body["closed_on"]) == ("closed", "2025-05-06")
    close = next(e for e in body["events"] if e["action"] == "closed")
    assert close["occurred_on"] == "2025-05-06" and close["at"].startswith("2026-11-18")
    # A supervisor outside the window gets the window's message.
    sup = api_as(world, "sup_a1")
    late = sup.post("/api/v1/visits/", {"school": world["schools"]["a1"].pk, "date": "2025-06-01"}, format="json")
    assert late.status_code == 400 and "补填的期限" in str(late.json())
    assert not Visit.objects.filter(date=dt.date(2025, 6, 1)).exists()
