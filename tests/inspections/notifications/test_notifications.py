"""Notifications: each event reaches the right people only (inbox and e-mail), never twice; the inbox."""
import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from inspections.notifications import services as notifications
from inspections.escalations import services as escalations
from inspections.tickets import services as ticket_services
from inspections.models import Escalation, Notification, Ticket
from supervision.choices import Role
from tests import factories as f
from tests.inspections.escalations.test_escalations import SUPERVISOR_OF
from tests.inspections.tickets.test_services import _evidence

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def people(world):
    """Everyone who could be told something, with e-mail addresses except the school user of a2."""
    cast = {
        "school_a1": world["school_user_a1"],
        "school_a1_second": f.school_user(world["schools"]["a1"], username="school_a1_b"),
        "school_a2": f.school_user(world["schools"]["a2"], username="school_a2"),
        "school_a3": f.school_user(world["schools"]["a3"], username="school_a3"),
        "school_b1": f.school_user(world["schools"]["b1"], username="school_b1"),
        "sup_a1": world["sup_a1"].user,
        "sup_a2": world["sup_a2"].user,
        "sup_b1": world["sup_b1"].user,
        "director_a": world["director_a"],
        "director_b": f.office_user(Role.DIRECTOR, world["county_b"], username="director_b"),
        "admin_a": world["admin_a"],
        "city_viewer": world["city_viewer"],
    }
    for name, user in cast.items():
        user.email = "" if name == "school_a2" else f"{name}@example.cn"
        user.save(update_fields=["email"])
    return cast


def told(people, key_part: str) -> set[str]:
    """Who holds a notification whose key contains ``key_part``."""
    ids = set(Notification.objects.filter(key__contains=key_part).values_list("user_id", flat=True))
    return {name for name, user in people.items() if user.pk in ids}


def open_tickets(world, school="a1", count=1, deadline=None):
    """Tickets of that school, from a checklist of its zone's supervisor."""
    return f.tickets_opened(user=world[SUPERVISOR_OF[school]].user, school=world["schools"][school], count=count,
                            deadline=deadline)


def _submit_report(ticket, user):
    _evidence(ticket, user)
    return ticket_services.ticket_report_submit(ticket=Ticket.objects.get(pk=ticket.pk), actor=user, text="已清理消防通道")


# --- Who is told -------------------------------------------------------------------------------------


def test_a_new_ticket_tells_the_schools_own_users_by_inbox_and_e_mail(world, people, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (ticket,) = open_tickets(world, "a1")
    assert told(people, f"ticket:{ticket.pk}:opened") == {"school_a1", "school_a1_second"}
    note = Notification.objects.get(user=people["school_a1"], key=f"ticket:{ticket.pk}:opened")
    assert note.title.startswith("新的整改通知") and ticket.problem.description in note.body
    assert note.ticket == ticket and note.emailed_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == ["school_a1@example.cn", "school_a1_second@example.cn"]
    assert mailoutbox[0].subject == note.title
    assert "http://127.0.0.1:8000" + note.url in mailoutbox[0].body


def test_a_user_without_an_e_mail_address_gets_the_inbox_only(world, people, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (ticket,) = open_tickets(world, "a2")
    assert told(people, f"ticket:{ticket.pk}:opened") == {"school_a2"}
    assert Notification.objects.get(user=people["school_a2"]).emailed_at is None
    assert mailoutbox == []


def test_no_e_mail_leaves_before_the_event_is_committed(world, people, mailoutbox):
    open_tickets(world, "a1")  # the test's transaction never commits
    assert Notification.objects.filter(user=people["school_a1"]).count() == 1
    assert mailoutbox == []


def test_a_submitted_report_tells_the_zones_supervisors_only(world, people, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    (ticket,) = open_tickets(world, "a1")
    with django_capture_on_commit_callbacks(execute=True):
        _submit_report(ticket, people["school_a1"])
    assert told(people, f"ticket:{ticket.pk}:report:1:submitted") == {"sup_a1"}
    assert [m.to for m in mailoutbox] == [["sup_a1@example.cn"]]
    assert "柳河县第一小学提交了整改报告" == mailoutbox[0].subject


def test_a_returned_report_tells_the_school_with_the_reason(world, people, django_capture_on_commit_callbacks):
    (ticket,) = open_tickets(world, "a1")
    ticket = _submit_report(ticket, people["school_a1"])
    ticket_services.ticket_return(ticket=ticket, actor=people["sup_a1"], reason="照片看不清通道")
    assert told(people, f"ticket:{ticket.pk}:report:1:returned") == {"school_a1", "school_a1_second"}
    assert "照片看不清通道" in Notification.objects.get(user=people["school_a1"], key__endswith="returned").body


def test_the_deadline_warning_comes_three_days_ahead_to_the_school_only(world, people):
    (in_three,) = open_tickets(world, "a1", deadline=TODAY() + dt.timedelta(days=3))
    (in_four,) = open_tickets(world, "a2", deadline=TODAY() + dt.timedelta(days=4))
    result = escalations.rectification_daily_check(today=TODAY())
    assert result["deadline_soon"] == 1
    assert told(people, f"ticket:{in_three.pk}:due_soon") == {"school_a1", "school_a1_second"}
    assert told(people, f"ticket:{in_four.pk}:due_soon") == set()
    assert "还剩3天" in Notification.objects.get(user=people["school_a1"], key__contains="due_soon").body


def test_an_overdue_ticket_tells_the_school_and_its_zones_supervisors_only(world, people):
    (late,) = open_tickets(world, "a3", deadline=TODAY() - dt.timedelta(days=1))
    (not_yet,) = open_tickets(world, "b1", deadline=TODAY())
    escalations.rectification_daily_check(today=TODAY())
    assert told(people, f"ticket:{late.pk}:overdue") == {"school_a3", "sup_a2"}
    assert told(people, f"ticket:{not_yet.pk}:overdue") == set()
    to_supervisor = Notification.objects.get(user=people["sup_a2"], key__contains="overdue")
    assert to_supervisor.title == "三源浦镇中心小学整改已逾期" and "已逾期1天" in to_supervisor.body


def test_an_escalation_proposal_tells_the_director_of_the_office_only(world, people):
    (ticket,) = open_tickets(world, "a1", deadline=TODAY() - dt.timedelta(days=7))
    open_tickets(world, "b1", deadline=TODAY() - dt.timedelta(days=3))
    escalations.rectification_daily_check(today=TODAY())
    assert told(people, "escalation") == {"director_a"}
    proposal = Notification.objects.get(user=people["director_a"])
    escalation = Escalation.objects.get(ticket=ticket)
    assert proposal.title == "提请督办:柳河县第一小学"
    assert proposal.url == reverse("inspections:escalation_detail", args=[escalation.pk])


def test_a_confirmed_督办_sends_the_notice_to_the_school(world, people):
    (ticket,) = open_tickets(world, "a1", deadline=TODAY() - dt.timedelta(days=8))
    escalations.rectification_daily_check(today=TODAY())
    escalation = escalations.escalation_confirm(escalation=Escalation.objects.get(ticket=ticket), actor=people["director_a"])
    assert told(people, f"ticket:{ticket.pk}:escalation:1:confirmed") == {"school_a1", "school_a1_second"}
    note = Notification.objects.get(user=people["school_a1"], key__endswith="confirmed")
    assert note.url == reverse("inspections:urge_notice_pdf", args=[escalation.pk])


# --- Never twice -------------------------------------------------------------------------------------


def test_the_daily_check_run_twice_notifies_nobody_twice(world, people, mailoutbox, django_capture_on_commit_callbacks):
    open_tickets(world, "a1", deadline=TODAY() + dt.timedelta(days=2))
    open_tickets(world, "a3", deadline=TODAY() - dt.timedelta(days=10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = escalations.rectification_daily_check(today=TODAY())
    assert first == {"deadline_soon": 1, "overdue": 1, "escalations_proposed": 1, "notifications": 5, "emails_queued": 5}
    count, sent = Notification.objects.count(), len(mailoutbox)
    assert sent == 5  # school a1 ×2, school a3, supervisor a2, director a
    with django_capture_on_commit_callbacks(execute=True):
        second = escalations.rectification_daily_check(today=TODAY())
    assert second == {"deadline_soon": 0, "overdue": 0, "escalations_proposed": 0, "notifications": 0, "emails_queued": 0}
    assert Notification.objects.count() == count and len(mailoutbox) == sent


def test_notify_skips_people_already_told_of_the_same_event(world, people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notifications.notify(users=[people["sup_a1"]], key="ticket:0:test", title="测试", body="", url="")
        again = notifications.notify(users=[people["sup_a1"], people["sup_a2"]], key="ticket:0:test", title="测试",
                                     body="", url="")
    assert len(first) == 1 and [n.user for n in again] == [people["sup_a2"]]
    assert sorted(m.to[0] for m in mailoutbox) == ["sup_a1@example.cn", "sup_a2@example.cn"]


def test_sending_the_same_e_mails_twice_sends_each_once(world, people, mailoutbox):
    created = notifications.notify(users=[people["sup_a1"]], key="ticket:0:again", title="测试", body="正文", url="")
    ids = [n.pk for n in created]
    assert notifications.notification_emails_send(ids=ids) == 1
    assert notifications.notification_emails_send(ids=ids) == 0
    assert len(mailoutbox) == 1


def test_an_extended_deadline_is_warned_about_again(world, people):
    (ticket,) = open_tickets(world, "a1", deadline=TODAY() + dt.timedelta(days=1))
    escalations.rectification_daily_check(today=TODAY())
    Ticket.objects.filter(pk=ticket.pk).update(deadline=TODAY() + dt.timedelta(days=10))
    escalations.rectification_daily_check(today=TODAY() + dt.timedelta(days=7))
    assert Notification.objects.filter(user=people["school_a1"], key__contains="due_soon").count() == 2


# --- The inbox ---------------------------------------------------------------------------------------


def _notes(user, n):
    return [notifications.notify(users=[user], key=f"test:{i}", title=f"通知{i}", body="内容", url="/")[0] for i in range(n)]


def test_the_inbox_lists_unread_first_and_marks_read(client, world, people):
    user = people["school_a1"]
    first, second, third = _notes(user, 3)
    notifications.notification_mark_read(notification=third)
    client.force_login(user)
    body = client.get(reverse("inspections:inbox")).content.decode()
    assert body.index("通知1") < body.index("通知0") < body.index("通知2")  # unread newest first, then read
    assert 'data-testid="unread-count">2<' in body

    response = client.post(reverse("inspections:notification_read", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.read_at is not None
    client.post(reverse("inspections:notifications_read_all"))
    assert not Notification.objects.filter(user=user, read_at=None).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, world, people):
    user = people["school_a1"]
    (note,) = notifications.notify(users=[user], key="k", title="t", body="", url=reverse("inspections:inbox") + "?x=1")
    (outside,) = notifications.notify(users=[user], key="k2", title="t", body="", url="https://evil.example/")
    client.force_login(user)
    assert client.post(reverse("inspections:notification_open", args=[note.pk]))["Location"] == note.url
    assert client.post(reverse("inspections:notification_open", args=[outside.pk]))["Location"] == reverse("inspections:inbox")
    assert Notification.objects.filter(user=user, read_at=None).count() == 0


def test_another_users_notification_is_not_found(client, world, people):
    (note,) = notifications.notify(users=[people["school_a1"]], key="k", title="私密", body="", url="/")
    client.force_login(people["school_a2"])
    for name in ["notification_open", "notification_read"]:
        assert client.post(reverse(f"inspections:{name}", args=[note.pk])).status_code == 404
    assert "私密" not in client.get(reverse("inspections:inbox")).content.decode()
    client.post(reverse("inspections:notifications_read_all"))
    note.refresh_from_db()
    assert note.read_at is None


def test_every_role_has_an_inbox_and_anonymous_users_log_in_first(client, world, people):
    url = reverse("inspections:inbox")
    assert client.get(url).status_code == 302
    for user in people.values():
        client.force_login(user)
        assert client.get(url).status_code == 200
    assert client.get(reverse("inspections:notifications_read_all")).status_code == 405


def test_the_inbox_runs_a_constant_number_of_queries(client, world, people, django_assert_num_queries):
    user = people["sup_a1"]
    client.force_login(user)
    _notes(user, 2)
    url = reverse("inspections:inbox")
    client.get(url)
    with django_assert_num_queries(7) as small:
        client.get(url)
    for i in range(40):
        notifications.notify(users=[user], key=f"more:{i}", title="x", body="", url="")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_navbar_count_is_lazy_and_counts_the_users_unread_only(world, people, django_assert_num_queries):
    _notes(people["sup_a1"], 2)
    _notes(people["sup_a2"], 1)
    request = RequestFactory().get("/")
    request.user = people["sup_a1"]
    with django_assert_num_queries(0):
        context = notifications.unread_count(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 2
        assert context["unread_notifications"]() == 2
