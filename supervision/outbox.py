"""The transactional outbox — the one way a service hands work on to the worker.

``enqueue(task_name, *args)`` writes an ``OutboxMessage`` row in the caller's transaction (so a
rolled-back change queues nothing, and a committed one always has its message) and, after commit,
tries to publish it at once. A broker that is down (the 2 s timeouts of settings) leaves the row
unsent, with the error, and the user's action stands; ``drain()`` sends the unsent rows in order —
every minute from beat, when a worker starts, and by ``manage.py outbox_drain``.

Delivery is at least once: a message published just before its row could be marked sent is
published again by the next drain, so every task sent this way is safe to run twice (it takes ids
and skips work already done). With eager Celery (the development default, ./run.sh) the task runs
here after commit, the same path: the row is marked sent first, then the task runs outside any
transaction (a report job commits its progress as it goes); a task that fails there is recorded on
the row and not run again (nothing retries in-process).
"""
from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from . import clock, queue
from .celery import app
from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(name: str, *args) -> OutboxMessage:
    """Record the task ``name`` with JSON ``args`` in this transaction; publish it after commit."""
    message = OutboxMessage.objects.create(task=name, args=list(args))
    transaction.on_commit(partial(send, message.pk), robust=True)
    return message


def is_waiting(name: str, *args) -> bool:
    """Is this task still unsent (the broker was down when it was asked for)?"""
    return OutboxMessage.objects.filter(task=name, args=list(args), sent_at=None).exists()


def _detail(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def send(message_id: int) -> bool:
    """Publish one message unless it was sent already; False when the broker refused it."""
    if app.conf.task_always_eager:
        return _run_here(message_id)
    with transaction.atomic():
        # skip_locked: a drain and the after-commit send never publish the same row at once.
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id, sent_at=None).first()
        if message is None:
            return True
        message.attempts += 1
        try:
            queue.task(message.task).apply_async(args=message.args)
        except Exception as exc:  # noqa: BLE001 — the broker is down: the row waits for the drain
            logger.warning("outbox message %s (%s) not sent: %s", message.pk, message.task, _detail(exc))
            message.last_error = _detail(exc)
            message.save(update_fields=["attempts", "last_error"])
            return False
        message.sent_at = clock.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
    return True


def _run_here(message_id: int) -> bool:
    claimed = OutboxMessage.objects.filter(pk=message_id, sent_at=None)
    message = claimed.first()
    if message is None or not claimed.update(sent_at=clock.now(), attempts=message.attempts + 1):
        return True  # sent (run) already
    try:
        queue.task(message.task).apply(args=message.args, throw=True)
    except Exception as exc:  # noqa: BLE001 — recorded by the task itself (a job fails with its reason)
        logger.exception("outbox message %s (%s) failed in-process", message.pk, message.task)
        OutboxMessage.objects.filter(pk=message_id).update(last_error=_detail(exc))
    return True


def drain(*, limit: int = 1000) -> int:
    """Send the unsent messages, oldest first; stops at the first the broker refuses (the rest would
    be refused too, and keep their order). Returns how many were sent."""
    sent = 0
    unsent = OutboxMessage.objects.filter(sent_at=None).order_by("pk").values_list("pk", flat=True)[:limit]
    for message_id in list(unsent):
        if not send(message_id):
            break
        sent += 1
    return sent
