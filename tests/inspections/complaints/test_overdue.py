"""A complaint nobody has verified within 5 working days: the zone's supervisors and the director are
told once, by the daily beat task."""
import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from inspections.complaints import services
from inspections.models import Notification

from .factories import complaint_made

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def _received_on(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9))


def test_supervisors_and_the_director_are_told_once_about_a_complaint_left_unverified(world):
    late = complaint_made(school=world["schools"]["a1"], now=_received_on(dt.date(2026, 11, 2)))  # due 11-09
    fresh = complaint_made(school=world["schools"]["a2"], now=_received_on(dt.date(2026, 11, 20)))  # due 11-27
    handled = complaint_made(school=world["schools"]["a1"], now=_received_on(dt.date(2026, 11, 2)))
    services.complaint_verify(complaint=handled, actor=world["sup_a1"].user, verified_on=dt.date(2026, 11, 4),
                              method="on_site", notes="到校核实。")
    assert late.verify_due < TODAY <= fresh.verify_due

    assert services.complaints_overdue_remind(today=TODAY) == 1
    told = Notification.objects.filter(key=f"complaint:{late.pk}:overdue")
    assert set(told.values_list("user", flat=True)) == {world["sup_a1"].user.pk, world["director_a"].pk}
    assert "逾期未核实" in told.first().title and world["schools"]["a1"].name in told.first().title
    assert not Notification.objects.filter(key__in=[f"complaint:{fresh.pk}:overdue", f"complaint:{handled.pk}:overdue"])
    # The next morning nobody is told twice.
    services.complaints_overdue_remind(today=TODAY + dt.timedelta(days=1))
    assert Notification.objects.filter(key=f"complaint:{late.pk}:overdue").count() == 2


def test_the_beat_schedule_runs_the_reminder_every_morning():
    from supervision.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-overdue-reminders"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
