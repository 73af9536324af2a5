"""Tasks of the supervision app."""
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache

from . import clock, outbox
from .health import HEARTBEAT_KEY

logger = logging.getLogger(__name__)


@shared_task(name="supervision.worker_heartbeat")
def worker_heartbeat() -> None:
    """Beat runs this every minute; /readyz fails when the last run is older than 3 minutes."""
    cache.set(HEARTBEAT_KEY, clock.now().timestamp(), timeout=24 * 3600)


@shared_task(name="supervision.outbox_drain", ignore_result=True)
def outbox_drain_task() -> int:
    """Every minute (beat) and when a worker starts: send the tasks the broker refused earlier."""
    return outbox.drain()


@worker_ready.connect(dispatch_uid="supervision-outbox-drain-on-worker-start", weak=False)
def _drain_when_a_worker_starts(sender=None, **kwargs) -> None:
    # Queued through the broker that has just answered, so the drain runs in the pool like any task.
    try:
        outbox_drain_task.delay()
    except Exception:  # noqa: BLE001 — beat's minute drain catches up
        logger.exception("outbox drain could not be queued at worker start")
