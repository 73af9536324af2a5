"""The 20th and 25th reminders to lead supervisors and the 27th's drafts (Celery beat), each once."""
import datetime as dt

import pytest

from inspections.models import Notification
from reports.monthly import services, tasks
from reports.monthly.models import ZoneMonthlyReport
from supervision.services import zone_set_supervisors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_lead_supervisors_of_zones_not_filed_are_reminded_once_per_reminder_day(world, mailoutbox, django_capture_on_commit_callbacks):
    member = f.SupervisorFactory(office=world["county_a"], name="成员督学")
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], member], lead=world["sup_a1"])
    for sup in (world["sup_a1"], world["sup_a2"], world["sup_b1"]):
        sup.user.email = f"{sup.phone}@example.cn"
        sup.user.save()
    filed = services.zone_monthly_report_build(zone=world["zone_a2"], year=2026, month=10)
    services.zone_monthly_report_file(report=filed, user=world["sup_a2"].user)
    the_20th = dt.date(2026, 10, 20)

    with django_capture_on_commit_callbacks(execute=True):
        made = tasks.monthly_report_reminders_task(the_20th.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.monthly_report_reminders_task(the_20th.isoformat())

    assert made == 2 and again == 0
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {world["sup_a1"].user.username, world["sup_b1"].user.username}  # not the member, not zone A2 (filed)
    note = Notification.objects.get(user=world["sup_a1"].user)
    assert "城区第一责任区" in note.title and "还剩7天" in note.body
    assert note.url == f"/reports/monthly/zone/{world['zone_a1'].pk}/2026/10/"
    assert len(mailoutbox) == 2

    tasks.monthly_report_reminders_task("2026-10-25")
    assert Notification.objects.filter(user=world["sup_a1"].user).count() == 2  # the 25th is a new reminder


def test_on_the_27th_every_zone_without_a_report_gets_a_draft_once(world):
    filed = services.zone_monthly_report_build(zone=world["zone_a1"], year=2026, month=10)
    services.zone_monthly_report_file(report=filed, user=world["sup_a1"].user)

    made = tasks.monthly_report_drafts_task("2026-10-27")
    again = tasks.monthly_report_drafts_task("2026-10-27")

    assert made == 2 and again == 0
    assert set(ZoneMonthlyReport.objects.values_list("zone__name", "version", "status")) == {
        ("城区第一责任区", 1, "filed"), ("乡镇第一责任区", 1, "draft"), ("辉南城区责任区", 1, "draft"),
    }


def test_the_beat_schedule_runs_the_reminders_and_drafts(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"monthly_reports.reminders", "monthly_reports.drafts_on_27th"} <= tasks_scheduled
