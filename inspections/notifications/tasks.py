"""Celery tasks of the inbox: sending the e-mails of new notifications (retried while SMTP is down)."""
import smtplib

from celery import shared_task

from inspections.notifications import services as notifications


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
