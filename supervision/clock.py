"""The one clock. Every business date and instant is read here, in Asia/Shanghai (settings.TIME_ZONE).

Nothing else calls ``date.today()``, ``datetime.now()`` or ``timezone.now()``: the server runs in UTC,
so between 00:00 and 08:00 Shanghai time its own date is still yesterday's. Tests set this clock
(time-machine) instead of reading the wall clock.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@cache
def zone() -> ZoneInfo:
    """The office's time zone (Asia/Shanghai): one zone for every office, as China keeps one."""
    return ZoneInfo(settings.TIME_ZONE)


def now() -> dt.datetime:
    """This instant, aware (stored as UTC)."""
    return timezone.now()


def local_now() -> dt.datetime:
    """This instant on the office's wall clock."""
    return timezone.localtime(timezone.now(), zone())


def today() -> dt.date:
    """Today's date in Shanghai — the date a user means by 今天."""
    return local_now().date()


def localtime(instant: dt.datetime) -> dt.datetime:
    """An instant on the office's wall clock."""
    return timezone.localtime(instant, zone())


def date_of(instant: dt.datetime) -> dt.date:
    """The Shanghai date on which an instant fell."""
    return timezone.localtime(instant, zone()).date()


def start_of(day: dt.date) -> dt.datetime:
    """The instant a Shanghai day begins (00:00 local), aware."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone())


def end_of(day: dt.date) -> dt.datetime:
    """The last instant of a Shanghai day (23:59:59.999999 local), aware."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=zone())
