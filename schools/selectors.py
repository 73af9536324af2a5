"""Reads of the dated roster: where a school belonged on a day. Every figure "as at" a day and every
fact's zone (a visit's, a problem's) come from here — the one answer to "the zone of this school on
that day" (STYLE "Memberships are periods")."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import School, SchoolMembership


@dataclass(frozen=True)
class Placement:
    """A school's office and zone on a day (zone None: in the roster, outside any zone)."""

    office_id: int
    zone_id: int | None


def placement_on(school: School | int, day: dt.date) -> Placement | None:
    """Where the school was on ``day``, or None if it was not in any roster that day (1 query)."""
    row = (
        SchoolMembership.objects.on(day)
        .filter(school=school)
        .values_list("office_id", "zone_id")
        .first()
    )
    return Placement(*row) if row else None


def placements_on(schools: Iterable[int], day: dt.date) -> dict[int, Placement]:
    """Many schools' placements on one day (1 query)."""
    return {
        school: Placement(office, zone)
        for school, office, zone in SchoolMembership.objects.on(day)
        .filter(school__in=list(schools))
        .values_list("school_id", "office_id", "zone_id")
    }


@dataclass(frozen=True)
class Period:
    school_id: int
    office_id: int
    zone_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive; None = still open

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def periods_between(start: dt.date, end: dt.date, *, offices=None, zones=None, schools=None) -> list[Period]:
    """Every membership period sharing a day with ``[start, end]``, of the given offices / zones /
    schools (each an iterable of ids or a queryset of ids): the rows a figure counts its schools of
    each day from, in one query."""
    periods = SchoolMembership.objects.overlapping(start, end)
    if offices is not None:
        periods = periods.filter(office__in=offices)
    if zones is not None:
        periods = periods.filter(zone__in=zones)
    if schools is not None:
        periods = periods.filter(school__in=schools)
    return [
        Period(*row)
        for row in periods.values_list("school_id", "office_id", "zone_id", "valid_from", "valid_to").order_by()
    ]


def members_on(periods: Iterable[Period], day: dt.date) -> dict[int, Period]:
    """Of ``periods``, the school → period that covers ``day``."""
    return {p.school_id: p for p in periods if p.covers(day)}


def school_history(school: School) -> list[SchoolMembership]:
    """A school's periods, oldest first, with their office and zone (1 query)."""
    return list(school.memberships.select_related("office", "zone", "recorded_by").order_by("valid_from"))
