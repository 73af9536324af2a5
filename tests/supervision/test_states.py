"""The one state-machine helper every domain declares its moves with (tickets, complaints, cases)."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from inspections.cases.services import MACHINE as CASES
from inspections.models.choices import TicketAction, TicketStatus
from inspections.complaints.services import MACHINE as COMPLAINTS
from inspections.tickets.services import MACHINE as TICKETS
from supervision.states import StateMachine


def test_a_move_outside_the_table_is_refused_with_the_labels_in_the_users_language():
    assert TICKETS.target(TicketStatus.SUBMITTED, TicketAction.CLOSED) == TicketStatus.CLOSED
    with pytest.raises(ValidationError) as refused:
        TICKETS.target(TicketStatus.CLOSED, TicketAction.RETURNED)
    assert refused.value.messages == ["当前状态“已销号”下不能执行“退回重新整改”。"]
    with translation.override("en"), pytest.raises(ValidationError) as refused_en:
        TICKETS.target(TicketStatus.CLOSED, TicketAction.RETURNED)
    assert refused_en.value.messages == ["“Send back for rectification” is not possible in the current status “Closed”."]


def test_what_may_be_done_from_a_status_is_read_from_the_table():
    assert TICKETS.allowed_actions(TicketStatus.CLOSED) == []
    assert set(TICKETS.allowed_actions(TicketStatus.OPEN)) == {
        TicketAction.STARTED, TicketAction.REPORT_SUBMITTED, TicketAction.CLOSED,
    }
    for machine in (TICKETS, COMPLAINTS, CASES):
        for (origin, action), target in machine.moves.items():
            assert action in machine.allowed_actions(origin) and machine.target(origin, action) == target


def test_a_table_naming_an_unknown_status_fails_when_it_is_declared():
    with pytest.raises(ValueError):
        StateMachine(TicketStatus, TicketAction, {("nonsense", TicketAction.CLOSED): TicketStatus.CLOSED})
