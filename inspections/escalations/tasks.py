"""Celery tasks of the escalation ladder: thin wrappers taking a date; the work is in the services."""
import datetime as dt

from celery import shared_task

from supervision import clock

from inspections.escalations import services as escalations


@shared_task(name="inspections.daily_rectification_checks", acks_late=True)
def daily_rectification_checks(today: str | None = None) -> dict[str, int]:
    """Run by Celery beat every morning (settings.CELERY_BEAT_SCHEDULE); safe to run twice.
    ``today`` (ISO date) is for re-running a missed day; by default the day in Asia/Shanghai."""
    day = dt.date.fromisoformat(today) if today else clock.today()
    return escalations.rectification_daily_check(today=day)
