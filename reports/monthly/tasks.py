"""Celery tasks of the monthly zone report: thin wrappers taking ids (or a date)."""
import datetime as dt
import logging

from celery import shared_task

from supervision import clock, outbox
from supervision.models import Zone

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="monthly_reports.build", acks_late=True)
def zone_monthly_report_build_task(zone_id: int, year: int, month: int) -> int | None:
    """Draft (or refresh the draft of) one zone-month on demand; returns the report id."""
    zone = Zone.objects.filter(pk=zone_id).first()
    if zone is None:
        return None
    return services.zone_monthly_report_build(zone=zone, year=year, month=month).pk


@shared_task(name="monthly_reports.drafts_on_27th", acks_late=True)
def monthly_report_drafts_task(today: str | None = None) -> int:
    """Beat, on the 27th: a draft for every zone with none yet for the month (safe to run twice)."""
    day = dt.date.fromisoformat(today) if today else clock.today()
    return services.monthly_report_drafts_ensure(today=day)


@shared_task(name="monthly_reports.reminders", acks_late=True)
def monthly_report_reminders_task(today: str | None = None) -> int:
    """Beat, on the 20th and the 25th: remind lead supervisors of zones not filed yet (once each)."""
    day = dt.date.fromisoformat(today) if today else clock.today()
    return services.monthly_report_reminders_send(today=day)


def zone_monthly_report_build_enqueue(zone_id: int, year: int, month: int) -> None:
    """Queue a build through the outbox (call it from ``transaction.on_commit``: it is sent at once).
    With the broker down the draft is built here and now as well: it takes a fraction of a second,
    and the lead is waiting for it; the outbox builds it again once the broker is back (a refresh)."""
    message = outbox.enqueue("monthly_reports.build", zone_id, year, month)
    message.refresh_from_db(fields=["sent_at"])
    if message.sent_at is None:
        logger.warning("monthly report build for zone %s not queued; building it in-process", zone_id)
        zone = Zone.objects.filter(pk=zone_id).first()
        if zone is not None:
            services.zone_monthly_report_build(zone=zone, year=year, month=month)
