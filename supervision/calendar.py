"""The supervision calendar: the one place dates are reasoned about (STYLE "Time and history").

Months and their last days, the 27th (月报表 due, seed 003 §三(三)2), the school year (1 September –
31 August), the day a month is counted "as at", and how far back a supervisor may still enter a
record. "Today" is always ``supervision.clock.today()`` — the Shanghai date.
"""
from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt

from django.utils.formats import date_format

REPORT_DAY = 27  # zones file the monthly report by the 27th (seed 003 §三(三)2)
SCHOOL_YEAR_STARTS = (9, 1)  # 1 September
FIRST_YEAR = 2000  # no office keeps records from before the 督导 system of the 2000s
YEARS_AHEAD = 5  # a plan or a filter may look five years ahead, no further


def years(today: dt.date) -> range:
    """The years a record, a plan or a filter may name: 2000 to five years after this one (the one rule
    of what a valid year is — every year filter, serializer and form checks against it)."""
    return range(FIRST_YEAR, today.year + YEARS_AHEAD + 1)


def day_label(day: dt.date) -> str:
    """A date as users read it in messages (2026年12月3日; 3 December 2026 in English)."""
    return date_format(day, "DATE_FORMAT")


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, _stdlib_calendar.monthrange(year, month)[1])


def month_add(year: int, month: int, by: int) -> tuple[int, int]:
    """The month ``by`` months after (or before) ``year``-``month``."""
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s, both included."""
    months, ym = [], (start.year, start.month)
    while ym <= (end.year, end.month):
        months.append(ym)
        ym = month_add(*ym, 1)
    return months


def due_date(year: int, month: int) -> dt.date:
    """The day a zone's monthly report is due: the 27th (also when it falls on a weekend)."""
    return dt.date(year, month, REPORT_DAY)


def as_at(year: int, month: int, today: dt.date) -> dt.date:
    """The day a month's figures are counted as at: its last day, or today while it runs."""
    return min(month_bounds(year, month)[1], today)


def is_future_month(year: int, month: int, today: dt.date) -> bool:
    return (year, month) > (today.year, today.month)


def school_year_end(today: dt.date) -> dt.date:
    """The end of the current school year: the coming 31 August (31 August itself still belongs to it)."""
    end = dt.date(today.year, 8, 31)
    return end if today <= end else dt.date(today.year + 1, 8, 31)


def school_year_start(today: dt.date) -> dt.date:
    """The 1 September the current school year began on."""
    start = dt.date(today.year, *SCHOOL_YEAR_STARTS)
    return start if today >= start else dt.date(today.year - 1, *SCHOOL_YEAR_STARTS)


def earliest_entry(today: dt.date, late_entry_months: int) -> dt.date:
    """The earliest date a supervisor may still enter a record with (补填): the first day of the month
    ``late_entry_months`` before this one (1 = this and last month). Older ones need 补录."""
    year, month = month_add(today.year, today.month, -late_entry_months)
    return dt.date(year, month, 1)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday–Friday) after ``start``; no public-holiday calendar."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
