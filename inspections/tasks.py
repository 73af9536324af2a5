"""Celery tasks: thin wrappers taking ids (or a date); the work is in the services."""
import datetime as dt
import smtplib

from celery import shared_task

from supervision import clock

from inspections.notifications import services as notifications
from inspections.escalations import services as escalations


@shared_task(name="inspections.daily_rectification_checks", acks_late=True)
def daily_rectification_checks(today: str | None = None) -> dict[str, int]:
    """Run by Celery beat every morning (settings.CELERY_BEAT_SCHEDULE); safe to run twice.
    ``today`` (ISO date) is for re-running a missed day; by default the day in Asia/Shanghai."""
    day = dt.date.fromisoformat(today) if today else clock.today()
    return escalations.rectification_daily_check(today=day)


@shared_task(
    name="inspections.notification_emails_send",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def notification_emails_send_task(ids: list[int], site: str = "") -> int:
    return notifications.notification_emails_send(ids=ids, site=site)
