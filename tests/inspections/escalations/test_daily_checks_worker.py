"""The daily rectification check as Celery beat runs it: the task, sent to a real worker over Redis,
warns of near deadlines, reports overdue tickets, proposes escalations and e-mails everyone told —
and run a second time tells nobody anything twice."""
import datetime as dt
import time

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from inspections.models.choices import EscalationLevel, EscalationStatus
from inspections.models import Escalation, Notification
from inspections.escalations.tasks import daily_rectification_checks
from supervision.celery import app as celery_app
from tests import factories as f

TASK = "inspections.daily_rectification_checks"


def test_the_beat_schedule_runs_the_daily_check_every_morning_at_half_past_seven():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == TASK]
    assert len(entries) == 1
    assert entries[0]["schedule"] == crontab(hour=7, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscover the tasks
    registered = celery_app.tasks[TASK]
    assert registered.run.__module__ == "inspections.escalations.tasks" and registered.run.__name__ == "daily_rectification_checks"
    assert daily_rectification_checks.name == TASK


def _emails_sent(timeout: float = 30) -> None:
    """Wait until the worker has sent the e-mail of every notification of a user with an address."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Notification.objects.filter(emailed_at=None).exclude(user__email="").exists():
            return
        time.sleep(0.1)
    pytest.fail("e-mails still unsent after %s s" % timeout)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_daily_check_and_a_second_run_tells_nobody_twice(world, mailoutbox):
    assert celery_app.conf.task_always_eager is False
    today = timezone.localdate()
    school_a1, school_a3 = world["school_user_a1"], f.school_user(world["schools"]["a3"])
    sup_a1, sup_a2, director = world["sup_a1"].user, world["sup_a2"].user, world["director_a"]
    for user, address in [(school_a1, "a1@school.cn"), (sup_a2, "li@duxue.cn"), (director, "zhuren@duxue.cn"),
                          (sup_a1, "wang@duxue.cn")]:
        user.email = address
        user.save(update_fields=["email"])
    (soon,) = f.tickets_opened(user=sup_a1, school=world["schools"]["a1"], deadline=today + dt.timedelta(days=3))
    (late,) = f.tickets_opened(user=sup_a2, school=world["schools"]["a3"], deadline=today - dt.timedelta(days=8))
    (later,) = f.tickets_opened(user=sup_a1, school=world["schools"]["a2"], deadline=today + dt.timedelta(days=20))
    _emails_sent()  # the "new ticket" e-mails, sent by the worker too
    opened = len(mailoutbox)
    assert [m.to for m in mailoutbox] == [["a1@school.cn"]]  # only school a1's user has an address

    result = daily_rectification_checks.delay(today.isoformat()).get(timeout=60)

    assert result == {"deadline_soon": 1, "overdue": 1, "escalations_proposed": 1, "notifications": 4, "emails_queued": 4}
    keys = dict(Notification.objects.exclude(key__endswith=":opened").values_list("user__username", "key"))
    assert keys == {
        school_a1.username: f"ticket:{soon.pk}:due_soon:{soon.deadline.isoformat()}",
        school_a3.username: f"ticket:{late.pk}:overdue:{late.deadline.isoformat()}",
        sup_a2.username: f"ticket:{late.pk}:overdue:{late.deadline.isoformat()}",
        director.username: f"ticket:{late.pk}:escalation:1:proposed:{today.isoformat()}",
    }
    assert not Notification.objects.filter(ticket=later).exclude(key__endswith=":opened").exists()
    escalation = Escalation.objects.get()
    assert (escalation.ticket_id, escalation.level, escalation.status, escalation.days_overdue) == (
        late.pk, EscalationLevel.URGE, EscalationStatus.PROPOSED, 8)

    _emails_sent()
    daily = mailoutbox[opened:]
    assert sorted((m.to[0], m.subject) for m in daily) == [
        ("a1@school.cn", f"整改期限临近:{soon.problem.description}"),
        ("li@duxue.cn", "三源浦镇中心小学整改已逾期"),
        ("zhuren@duxue.cn", "提请督办:三源浦镇中心小学"),
    ]  # the school user of a3 has no address: inbox only; sup_a1 has no overdue ticket in his zone

    again = daily_rectification_checks.delay(today.isoformat()).get(timeout=60)

    assert again == {"deadline_soon": 0, "overdue": 0, "escalations_proposed": 0, "notifications": 0, "emails_queued": 0}
    assert Notification.objects.count() == 2 + 4  # two "new ticket" ones (school a2 has no user) and the four of the first run
    assert Escalation.objects.count() == 1
    _emails_sent()
    assert len(mailoutbox) == opened + 3
