"""The outbox in-process (eager, as ./run.sh) and with a broker nobody listens on."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from inspections.notifications import services as notifications
from supervision import outbox
from supervision.models import OutboxMessage
from tests.celery_fixtures import celery_configured

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    user = world["admin_a"]
    user.email = "admin_a@example.cn"
    user.save(update_fields=["email"])
    return user


def _notify(user, key: str):
    return notifications.notify(users=[user], key=key, title=f"通知{key}", body="", url="/")


def test_in_process_the_e_mail_goes_out_at_commit_and_its_message_is_marked_sent(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(admin, "a")
        assert mailoutbox == []  # not before commit

    assert [m.subject for m in mailoutbox] == ["通知a"]
    message = OutboxMessage.objects.get()
    assert message.task == "inspections.notification_emails_send" and message.sent_at and message.attempts == 1


def test_a_rolled_back_action_leaves_no_message_and_sends_nothing(admin, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _notify(admin, "b")
            raise RuntimeError("the action failed")

    assert not OutboxMessage.objects.exists() and mailoutbox == []


def test_with_the_broker_down_messages_wait_in_order_and_the_drain_sends_each_once(
    admin, mailoutbox, celery_broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(admin, "1")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(admin, "2")
    assert list(OutboxMessage.objects.filter(sent_at=None).values_list("attempts", flat=True)) == [1, 1]

    out = StringIO()
    call_command("outbox_drain", stdout=out)  # still down: stops at the first, keeps the order
    assert "Sent 0 task(s); 2 still waiting" in out.getvalue()
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [2, 1]

    with celery_configured(task_always_eager=True):  # back (in-process here)
        assert outbox.drain() == 2
        assert outbox.drain() == 0
    assert [m.subject for m in mailoutbox] == ["通知1", "通知2"]
