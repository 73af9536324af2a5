"""Flood protection for the public forms (surveys, complaints): a fixed-window counter per key.

    if not throttle_hit(scope="survey", key=client_ip(request), limit=30, window_seconds=3600):
        ... answer 429 with a translated message; keep what the person typed ...

Counts live in the database (supervision.Throttle), shared by every server process and rolled
back with each test. Keys are hashed: no IP address is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db import IntegrityError, transaction
from django.db.models import F

from . import clock
from .models import Throttle

KEEP = dt.timedelta(days=2)  # rows older than this are swept now and then


def client_ip(request) -> str:
    """The caller's address as the server sees it (behind a proxy, configure it to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or ""


def request_ip(request) -> str | None:
    """The caller's address for a history row (None when the server was not told)."""
    return client_ip(request) or None


def _window(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.timezone.utc)


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key``; False once it is over ``limit`` in the current window."""
    now = clock.now()
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()
    start = _window(now, window_seconds)
    updated = Throttle.objects.filter(scope=scope, key=digest, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                Throttle.objects.create(scope=scope, key=digest, window_start=start, count=1)
        except IntegrityError:  # created by a concurrent request a moment ago
            Throttle.objects.filter(scope=scope, key=digest, window_start=start).update(count=F("count") + 1)
    if random.random() < 0.01:
        Throttle.objects.filter(window_start__lt=now - KEEP).delete()
    count = Throttle.objects.filter(scope=scope, key=digest, window_start=start).values_list("count", flat=True).first()
    return (count or 0) <= limit
