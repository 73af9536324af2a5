"""The supervisor's side: verify (核实), close (办结) as unfounded, resolved or a ticket; the state
machine; who may see and do what."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from supervision.calendar import add_working_days
from inspections.models.choices import ProblemSource, TicketStatus
from inspections.complaints import services
from inspections.complaints.choices import ComplaintAction as A, ComplaintStatus as S
from inspections.complaints.models import Complaint
from inspections.models import Notification, Ticket

from .factories import complaint_made, complaint_verified

pytestmark = pytest.mark.django_db


def test_the_state_machine_allows_only_its_table():
    assert services.MACHINE.moves == {
        (S.RECEIVED, A.VERIFIED): S.VERIFYING,
        (S.VERIFYING, A.VERIFIED): S.VERIFYING,
        (S.VERIFYING, A.CLOSED_UNFOUNDED): S.UNFOUNDED,
        (S.VERIFYING, A.CLOSED_RESOLVED): S.RESOLVED,
        (S.VERIFYING, A.TURNED_INTO_TICKET): S.RECTIFYING,
    }


def test_a_complaint_cannot_be_closed_before_it_is_verified(world):
    complaint = complaint_made(school=world["schools"]["a1"])
    for outcome in ("unfounded", "resolved", "ticket"):
        with pytest.raises(ValidationError, match="不能进行"):
            services.complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome=outcome, public_reply="好",
                                     problem_description="问题", opinion="整改")
    assert not Ticket.objects.exists()
    assert Complaint.objects.get().status == S.RECEIVED


def test_a_closed_complaint_cannot_be_verified_or_closed_again(world):
    sup = world["sup_a1"].user
    complaint = complaint_verified(school=world["schools"]["a1"], actor=sup)
    complaint = services.complaint_close(complaint=complaint, actor=sup, outcome="unfounded")
    with pytest.raises(ValidationError):
        services.complaint_verify(complaint=complaint, actor=sup, verified_on=timezone.localdate(), method="phone", notes="再次核实")
    with pytest.raises(ValidationError):
        services.complaint_close(complaint=complaint, actor=sup, outcome="ticket", problem_description="x", opinion="y")
    assert not Ticket.objects.exists()


def test_verifying_records_date_method_notes_and_first_action(world):
    sup = world["sup_a1"].user
    complaint = complaint_made(school=world["schools"]["a1"])
    complaint = services.complaint_verify(complaint=complaint, actor=sup, verified_on=timezone.localdate(), method="phone",
                                          notes="电话联系家长,情况属实。")
    assert complaint.status == S.VERIFYING and complaint.verify_method == "phone" and complaint.verified_by == sup
    assert complaint.first_action_at is not None
    first = complaint.first_action_at
    complaint = services.complaint_verify(complaint=complaint, actor=sup, verified_on=timezone.localdate(), method="on_site",
                                          notes="到校复核。")
    assert complaint.first_action_at == first and complaint.verify_notes == "到校复核。"
    assert list(complaint.events.values_list("action", "from_status", "to_status")) == [
        (A.RECEIVED, "", S.RECEIVED), (A.VERIFIED, S.RECEIVED, S.VERIFYING), (A.VERIFIED, S.VERIFYING, S.VERIFYING),
    ]


def test_verification_needs_notes_and_a_date_not_in_the_future(world):
    complaint = complaint_made(school=world["schools"]["a1"])
    with pytest.raises(ValidationError) as exc:
        services.complaint_verify(complaint=complaint, actor=world["sup_a1"].user,
                                  verified_on=timezone.localdate() + dt.timedelta(days=1), method="phone", notes=" ")
    assert set(exc.value.message_dict) == {"verified_on", "notes"}


def test_resolved_needs_a_public_reply(world):
    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user)
    with pytest.raises(ValidationError) as exc:
        services.complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome="resolved")
    assert "public_reply" in exc.value.message_dict
    done = services.complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome="resolved", public_reply="已解决。")
    assert done.status == S.RESOLVED and done.closed_at is not None


def test_turning_a_complaint_into_a_ticket_opens_the_schools_rectification(world):
    sup = world["sup_a1"].user
    school = world["schools"]["a1"]
    complaint = complaint_verified(school=school, actor=sup, text="家长原话:某某老师收了我家500元补课费。")
    deadline = timezone.localdate() + dt.timedelta(days=20)
    complaint = services.complaint_close(
        complaint=complaint, actor=sup, outcome="ticket", problem_description="经核实,个别教师存在有偿补课行为。",
        opinion="立即停止,退还费用,全校开展师德教育。", deadline=deadline, severity="major",
    )
    assert complaint.status == S.RECTIFYING
    problem = complaint.problem
    assert problem.source == ProblemSource.COMPLAINT and problem.visit is None and problem.school == school
    assert problem.item_title == "举报投诉:乱收费" and problem.severity == "major"
    ticket = problem.ticket
    assert ticket.status == TicketStatus.OPEN and ticket.deadline == deadline
    # The school gets the ticket (its normal flow), never the complainant's own words.
    assert "500元" not in problem.description
    assert Notification.objects.filter(user=world["school_user_a1"], ticket=ticket).exists()


def test_a_ticket_needs_description_and_opinion(world):
    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user)
    with pytest.raises(ValidationError) as exc:
        services.complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome="ticket")
    assert {"problem_description", "opinion"} <= set(exc.value.message_dict)
    assert Complaint.objects.get().status == S.VERIFYING and not Ticket.objects.exists()


def test_verify_deadline_is_five_working_days():
    friday = dt.date(2026, 11, 20)
    assert add_working_days(friday, 5) == dt.date(2026, 11, 27)
    assert add_working_days(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 30)


# --- Pages and permissions ---------------------------------------------------------------------------


def test_the_zone_supervisor_verifies_and_turns_it_into_a_ticket_on_the_page(client, world):
    complaint = complaint_made(school=world["schools"]["a1"], contact_phone="13800001111")
    client.force_login(world["sup_a1"].user)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "13800001111" in page and "verify-form" in page
    response = client.post(reverse("complaints:verify", args=[complaint.pk]),
                           {"verified_on": timezone.localdate().isoformat(), "method": "on_site", "notes": "到校查看,属实。"})
    assert response.status_code == 302
    response = client.post(reverse("complaints:close", args=[complaint.pk]), {
        "outcome": "ticket", "problem_description": "收取资料费未开票据。", "opinion": "退还并公示。", "severity": "minor",
    })
    assert response.status_code == 302
    assert Complaint.objects.get().problem.ticket.status == TicketStatus.OPEN


def test_a_refused_close_keeps_what_was_typed(client, world):
    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user)
    client.force_login(world["sup_a1"].user)
    response = client.post(reverse("complaints:close", args=[complaint.pk]),
                           {"outcome": "ticket", "opinion": "退还资料费并公示。", "severity": "minor"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写问题描述" in page and "退还资料费并公示。" in page


def test_another_zones_supervisor_cannot_open_or_handle_it(client, world):
    complaint = complaint_made(school=world["schools"]["a1"])
    client.force_login(world["sup_a2"].user)
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.post(reverse("complaints:verify", args=[complaint.pk]),
                       {"verified_on": timezone.localdate().isoformat(), "method": "phone", "notes": "x"}).status_code == 404
    assert Complaint.objects.get().status == S.RECEIVED
    assert "complaint-row" not in client.get(reverse("complaints:list")).content.decode()


def test_a_school_user_sees_no_complaint_not_even_about_their_school(client, world):
    complaint = complaint_made(school=world["schools"]["a1"])
    client.force_login(world["school_user_a1"])
    assert client.get(reverse("complaints:list")).status_code == 404
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("complaints:photo", args=[complaint.pk])).status_code == 404


def test_another_office_sees_nothing(client, world):
    complaint = complaint_made(school=world["schools"]["a1"])
    client.force_login(world["admin_b"])
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.post(reverse("complaints:verify", args=[complaint.pk]), {}).status_code == 404
    assert "complaint-row" not in client.get(reverse("complaints:list")).content.decode()


def test_a_higher_office_reads_without_contact_details_and_cannot_handle(client, world):
    complaint = complaint_made(school=world["schools"]["a1"], contact_name="张女士", contact_phone="13800001111")
    client.force_login(world["city_viewer"])
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert complaint.text in page and "13800001111" not in page and "张女士" not in page
    assert "verify-form" not in page
    assert client.post(reverse("complaints:verify", args=[complaint.pk]),
                       {"verified_on": timezone.localdate().isoformat(), "method": "phone", "notes": "x"}).status_code == 404


def test_the_office_director_sees_contacts_and_may_step_in(client, world):
    complaint = complaint_made(school=world["schools"]["a4"], contact_phone="13800002222")  # outside any zone
    client.force_login(world["director_a"])
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "13800002222" in page and "verify-form" in page


def test_the_supervisor_list_shows_only_their_zones(client, world):
    mine = complaint_made(school=world["schools"]["a2"])
    complaint_made(school=world["schools"]["a3"])
    complaint_made(school=world["schools"]["b1"])
    client.force_login(world["sup_a1"].user)
    page = client.get(reverse("complaints:list")).content.decode()
    assert page.count('data-testid="complaint-row"') == 1
    assert reverse("complaints:detail", args=[mine.pk]) in page


def test_the_office_filters_by_status_category_zone_and_school(client, world):
    sup = world["sup_a1"].user
    a = complaint_made(school=world["schools"]["a1"], category="fees")
    b = complaint_verified(school=world["schools"]["a2"], actor=sup, category="workload")
    c = complaint_made(school=world["schools"]["a3"], category="fees")
    client.force_login(world["admin_a"])

    def rows(**params):
        page = client.get(reverse("complaints:list"), params).content.decode()
        return {x.pk for x in (a, b, c) if reverse("complaints:detail", args=[x.pk]) + '"' in page}

    assert rows() == {a.pk, b.pk, c.pk}
    assert rows(status="verifying") == {b.pk}
    assert rows(category="fees") == {a.pk, c.pk}
    assert rows(zone=world["zone_a2"].pk) == {c.pk}
    assert rows(school=world["schools"]["a1"].pk) == {a.pk}
    assert rows(zone=world["zone_b1"].pk) == set()  # outside the scope: nothing


def _spread(world, n):
    sup = world["sup_a1"].user
    for i in range(n):
        complaint = complaint_verified(school=world["schools"]["a1" if i % 2 else "a2"], actor=sup)
        if i % 3 == 0:
            services.complaint_close(complaint=complaint, actor=sup, outcome="unfounded")


@pytest.mark.parametrize("who", ["admin_a", "sup_a1", "city_viewer"])
def test_the_list_runs_the_same_queries_for_few_and_many(client, world, django_assert_num_queries, who):
    user = world[who].user if who.startswith("sup") else world[who]
    client.force_login(user)
    _spread(world, 2)
    client.get(reverse("complaints:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("complaints:list")).status_code == 200
    _spread(world, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("complaints:list"))


def test_response_times_match_the_data(client, world):
    sup = world["sup_a1"].user
    school = world["schools"]["a1"]
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    # Verified after 1 day and closed after 3 days.
    c1 = complaint_made(school=school, now=monday)
    services.complaint_verify(complaint=c1, actor=sup, verified_on=dt.date(2026, 3, 3), method="phone", notes="n",
                              now=monday + dt.timedelta(days=1))
    services.complaint_close(complaint=c1, actor=sup, outcome="resolved", public_reply="r", now=monday + dt.timedelta(days=3))
    # Verified after 2 days, turned into a ticket after 4 days.
    c2 = complaint_made(school=school, now=monday)
    services.complaint_verify(complaint=c2, actor=sup, verified_on=dt.date(2026, 3, 4), method="phone", notes="n",
                              now=monday + dt.timedelta(days=2))
    services.complaint_close(complaint=c2, actor=sup, outcome="ticket", problem_description="p", opinion="o",
                             now=monday + dt.timedelta(days=4))
    # Verified late: 9 days (due Monday 9 March).
    c3 = complaint_made(school=school, now=monday)
    services.complaint_verify(complaint=c3, actor=sup, verified_on=dt.date(2026, 3, 11), method="phone", notes="n",
                              now=monday + dt.timedelta(days=9))
    # Never verified: overdue.
    complaint_made(school=school, now=monday)
    from inspections.complaints.selectors import response_times

    stats = response_times(Complaint.objects.all(), today=dt.date(2026, 11, 23))
    assert stats["total"] == 4 and stats["closed"] == 2 and stats["open"] == 2 and stats["to_ticket"] == 1
    assert stats["avg_first_days"] == 4.0  # (1 + 2 + 9) / 3
    assert stats["avg_close_days"] == 3.5  # (3 + 4) / 2
    assert stats["overdue"] == 1 and stats["verified_late"] == 1
    client.force_login(world["director_a"])
    page = client.get(reverse("complaints:list"))
    assert page.context["stats"]["avg_close_days"] == 3.5


def test_the_office_finds_the_complaints_not_verified_in_time(client, world):
    old = complaint_made(school=world["schools"]["a1"], now=timezone.now() - dt.timedelta(days=10))
    fresh = complaint_made(school=world["schools"]["a1"])
    client.force_login(world["admin_a"])
    response = client.get(reverse("complaints:list"), {"overdue": "true"})
    assert [c.pk for c in response.context["complaints"]] == [old.pk]
    assert response.context["stats"]["overdue"] == 1
    response = client.get(reverse("complaints:list"), {"overdue": "false"})
    assert [c.pk for c in response.context["complaints"]] == [fresh.pk]


def test_the_menu_offers_complaints_to_supervisors_and_offices_only(client, world):
    url = reverse("complaints:list")
    for user in (world["sup_a1"].user, world["director_a"], world["city_viewer"]):
        client.force_login(user)
        assert f'href="{url}"' in client.get(url).content.decode()
    client.force_login(world["school_user_a1"])
    assert f'href="{url}"' not in client.get(reverse("inspections:ticket_list")).content.decode()
