"""Tasks of the supervision app."""
from celery import shared_task
from django.core.cache import cache

from . import clock
from .health import HEARTBEAT_KEY


@shared_task(name="supervision.worker_heartbeat")
def worker_heartbeat() -> None:
    """Beat runs this every minute; /readyz fails when the last run is older than 3 minutes."""
    cache.set(HEARTBEAT_KEY, clock.now().timestamp(), timeout=24 * 3600)
