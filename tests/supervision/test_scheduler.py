"""The embedded default's beat (./run.sh: no broker, no `celery beat`): while runserver serves, the
beat schedule runs in a thread at its crontab times in Shanghai, and catches up on today at start.
It never starts in tests, nor in a process that is not runserver's serving one."""
import datetime as dt
import threading
import time

import pytest

from inspections.models.choices import EscalationLevel, EscalationStatus
from inspections.models import Escalation
from supervision import clock, scheduler
from tests import factories as f


def _overdue_ticket(world):
    (ticket,) = f.tickets_opened(user=world["sup_a2"].user, school=world["schools"]["a3"],
                                 deadline=clock.today() - dt.timedelta(days=8))
    return ticket


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def beat():
    started = []

    def start():
        started.append(scheduler.EmbeddedBeat().start())
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.mark.now("2026-11-18 07:29:57")
@pytest.mark.django_db(transaction=True)
def test_the_daily_check_runs_at_half_past_seven_and_proposes_the_escalation(world, beat):
    ticket = _overdue_ticket(world)

    running = beat()
    time.sleep(1)
    assert running.ran == [] and not Escalation.objects.exists()  # 07:30 has not come yet

    assert _wait_for(lambda: running.ran), "nothing ran after 07:30"
    escalation = Escalation.objects.get()
    assert (escalation.ticket_id, escalation.level, escalation.status) == (
        ticket.pk, EscalationLevel.URGE, EscalationStatus.PROPOSED)
    (name, at), = running.ran
    assert name == "rectification-daily-checks" and clock.localtime(at).time() >= dt.time(7, 30)


@pytest.mark.now("2026-11-18 09:30")
@pytest.mark.django_db(transaction=True)
def test_started_later_in_the_day_it_catches_up_on_todays_jobs_once(world, beat):
    _overdue_ticket(world)

    running = beat()

    assert _wait_for(lambda: len(running.ran) == 2)
    assert {name for name, _at in running.ran} == {"rectification-daily-checks", "complaints-overdue-reminders"}
    assert Escalation.objects.count() == 1  # the 27th's drafts and the 20th's reminders are not today's
    running.stop()
    assert running.tick() > 3600 and len(running.ran) == 2  # nothing is due again before tomorrow


def test_it_does_not_start_in_tests():
    assert scheduler.should_start() is False
    assert scheduler.start_if_serving() is None
    assert scheduler.THREAD_NAME not in {t.name for t in threading.enumerate()}


@pytest.mark.parametrize(
    "argv, environ, embedded, starts",
    [
        (["manage.py", "runserver", "0.0.0.0:8000"], {"RUN_MAIN": "true"}, True, True),  # the autoreloader's child
        (["manage.py", "runserver", "0.0.0.0:8000"], {}, True, False),  # the autoreloader itself
        (["manage.py", "runserver", "--noreload"], {}, True, True),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, False, False),  # a real beat runs the schedule
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, True, False),
        (["gunicorn", "supervision.wsgi:application"], {}, True, False),
    ],
)
def test_it_starts_only_in_the_process_serving_runserver_without_a_real_beat(settings, argv, environ, embedded, starts):
    settings.EMBEDDED_BEAT = embedded
    assert scheduler.should_start(argv, environ) is starts
