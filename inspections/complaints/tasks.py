"""Celery tasks: thin wrappers around inspections.complaints.services."""
from celery import shared_task

from supervision import clock

from . import services


@shared_task(name="complaints.overdue_reminders", ignore_result=True)
def complaints_overdue_remind_task() -> int:
    return services.complaints_overdue_remind(today=clock.today())
