"""The rectification state machine: every problem becomes a ticket; only the table's moves happen."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from inspections.visits import services as visit_services
from inspections.tickets import rules as rectification
from inspections.tickets import services as ticket_services
from inspections.models.choices import RecheckResult, TicketAction, TicketStatus
from inspections.models import Evidence, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world):
    sup = world["sup_a1"].user
    visit = visit_services.visit_start(user=sup, school=world["schools"]["a1"], date=timezone.localdate(), methods=["campus_walk"])
    for answer in visit.checklist.answers.all():
        visit_services.answer_save(answer=answer, user=sup, conclusion="ok")
    item = visit.checklist.answers.get(code="S6")
    visit_services.problem_add(answer=item, user=sup, description="消防通道堵塞", opinion="立即清理")
    visit_services.checklist_submit(checklist=visit.checklist, user=sup)
    return Ticket.objects.get(problem__visit=visit)


def _evidence(ticket, user):
    report = ticket_services.current_report(ticket)
    evidence = Evidence(report=report, original_name="整改照片.jpg", content_type="image/jpeg", extension=".jpg",
                        size=3, sha256="a" * 64, uploaded_by=user)
    evidence.file.save("x.jpg", ContentFile(b"abc"), save=False)
    evidence.save()


def test_submitting_a_checklist_opens_a_ticket_per_problem_with_its_history(ticket, world):
    assert ticket.status == TicketStatus.OPEN
    assert ticket.school == world["schools"]["a1"] and ticket.deadline == ticket.problem.deadline
    assert list(ticket.events.values_list("action", flat=True)) == [TicketAction.CREATED]


def test_the_full_path_to_closing_with_a_return_in_between(ticket, world):
    school, sup = world["school_user_a1"], world["sup_a1"].user
    ticket = ticket_services.ticket_start(ticket=ticket, actor=school)
    _evidence(ticket, school)
    ticket = ticket_services.ticket_report_submit(ticket=ticket, actor=school, text="已清理通道")
    ticket = ticket_services.ticket_return(ticket=ticket, actor=sup, reason="照片看不清")
    assert ticket.status == TicketStatus.IN_PROGRESS
    _evidence(ticket, school)
    ticket = ticket_services.ticket_report_submit(ticket=ticket, actor=school, text="重新拍照")
    assert ticket.reports.count() == 2
    recheck = ticket_services.recheck_record(problem=ticket.problem, user=sup, result=RecheckResult.RECTIFIED,
                                      mode="evidence", notes="材料齐全")
    ticket = ticket_services.ticket_close(ticket=ticket, actor=sup, recheck=recheck)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_by == sup
    assert list(ticket.events.values_list("to_status", flat=True)) == ["open", "in_progress", "submitted",
                                                                      "in_progress", "submitted", "closed"]


def test_closing_without_a_rectified_recheck_is_refused(ticket, world):
    sup = world["sup_a1"].user
    with pytest.raises(ValidationError, match="销号前必须完成复查"):
        ticket_services.ticket_close(ticket=ticket, actor=sup, recheck=None)
    bad = ticket_services.recheck_record(problem=ticket.problem, user=sup, result=RecheckResult.NOT_RECTIFIED, mode="evidence")
    with pytest.raises(ValidationError, match="销号前必须完成复查"):
        ticket_services.ticket_close(ticket=ticket, actor=sup, recheck=bad)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_an_illegal_transition_is_refused(ticket, world):
    with pytest.raises(ValidationError, match="不能执行“退回重新整改”"):
        ticket_services.ticket_return(ticket=ticket, actor=world["sup_a1"].user, reason="x")


def test_a_report_needs_evidence_and_text(ticket, world):
    with pytest.raises(ValidationError, match="请填写整改情况说明"):
        ticket_services.ticket_report_submit(ticket=ticket, actor=world["school_user_a1"], text=" ")
    with pytest.raises(ValidationError, match="至少上传一份佐证材料"):
        ticket_services.ticket_report_submit(ticket=ticket, actor=world["school_user_a1"], text="已整改")


def test_the_second_person_acting_on_a_stale_ticket_is_told(ticket, world):
    seen = ticket.version
    ticket_services.ticket_start(ticket=ticket, actor=world["school_user_a1"], expected_version=seen)
    with pytest.raises(ticket_services.StaleTicket, match="刚被他人更新"):
        ticket_services.ticket_start(ticket=ticket, actor=world["school_user_a1"], expected_version=seen)


def test_overdue_is_derived_from_the_deadline_the_same_way_for_one_ticket_and_for_a_list(ticket):
    today = ticket.deadline + dt.timedelta(days=1)
    assert rectification.is_overdue(ticket, today)
    assert list(Ticket.objects.filter(rectification.overdue_open(today))) == [ticket]
    assert not rectification.is_overdue(ticket, ticket.deadline)  # due today is not overdue yet
    assert not Ticket.objects.filter(rectification.overdue_open(ticket.deadline)).exists()
    ticket.status = TicketStatus.CLOSED
    assert not rectification.is_overdue(ticket, today)
