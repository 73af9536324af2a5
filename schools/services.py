"""Writes that matter for schools: their details, and their dated membership of an office and a zone.

A school's memberships are periods ``[valid_from, valid_to)`` (``SchoolMembership``): registering a
school opens its first period on the day it joins the roster; moving it to another zone ends one
period and opens the next on the day of the move; closing it (停办, 撤并) ends the last. The periods of
one school never overlap, no period starts in the future, and nothing is moved to before the school
existed. Facts already recorded (visits, problems) follow the history: ``membership_changed`` tells
the inspections app to credit those from the changed day to the zone of their day.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from supervision import calendar, clock
from supervision.models import Office, Zone

from .models import School, SchoolMembership

SCHOOL_FIELDS = ("name", "kind", "ownership", "location", "address", "principal", "phone")

# Sent after a school's memberships changed from ``start`` on (kwargs: school, start): the facts dated
# from then on are credited again to the office and zone of their day (inspections.apps connects it).
membership_changed = Signal()

UNCHANGED = object()


def _check_not_future(on: dt.date) -> None:
    if on > clock.today():
        raise ValidationError({"on": _("生效日期 %(d)s 不能晚于今天。") % {"d": calendar.day_label(on)}})


def _locked(school: School) -> list[SchoolMembership]:
    """The school's periods, oldest first, with the school row locked: two changes of one school's
    history cannot interleave."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    return list(SchoolMembership.objects.filter(school=school).select_related("zone").order_by("valid_from"))


def _changed(school: School, start: dt.date) -> None:
    school.__dict__.pop("open_memberships", None)
    membership_changed.send(sender=School, school=school, start=start)


@transaction.atomic
def school_save(
    *, office: Office, code: str, school: School | None = None, zone: Zone | None | object = UNCHANGED,
    active: bool | object = UNCHANGED, on: dt.date | None = None, by=None, merged_into: School | None = None,
    **fields,
) -> School:
    """Register a school (its first period in ``office``'s roster starts ``on``, today by default) or
    update its details by its 学校标识码. A different ``zone`` moves it on ``on``; ``active`` False
    closes it (停办, or 撤并 into ``merged_into``) on ``on``, True reopens it. A school may only sit in a
    zone of its own office."""
    on = on or clock.today()
    if zone not in (None, UNCHANGED) and zone.office_id != office.pk:
        raise ValidationError({"zone": _("责任区“%(zone)s”不属于%(office)s。") % {"zone": zone, "office": office}})
    if school is None:
        school = School.objects.filter(code=code).first()
    if school is not None and school.office_id != office.pk:
        raise ValidationError({"code": _("学校标识码 %(code)s 已登记在其他督导室。") % {"code": code}})
    unknown = set(fields) - set(SCHOOL_FIELDS)
    if unknown:
        raise TypeError(f"unknown school fields: {sorted(unknown)}")
    created = school is None
    if created:
        school = School(code=code, office=office)
    for key, value in fields.items():
        setattr(school, key, value)
    school.code = code
    school.full_clean()
    school.save()
    if created:
        # A school registered as already closed (停办) is kept on record but was never in the roster.
        if active is not False:
            school_register(school=school, zone=None if zone is UNCHANGED else zone, on=on, by=by)
        return school
    current = school.open_membership
    if active is False and current is not None:
        school_close(school=school, on=on, by=by, merged_into=merged_into)
    elif active is True and current is None:
        school_reopen(school=school, zone=None if zone is UNCHANGED else zone, on=on, by=by)
    elif zone is not UNCHANGED and current is not None and current.zone_id != (zone.pk if zone else None):
        school_move(school=school, zone=zone, on=on, by=by)
    return school


@transaction.atomic
def school_register(*, school: School, zone: Zone | None, on: dt.date, by=None) -> SchoolMembership:
    """The school's first period in its office's roster, from ``on`` (列入名册)."""
    _check_not_future(on)
    if _locked(school):
        raise ValidationError(_("“%(school)s”已在名册中。") % {"school": school.name})
    membership = SchoolMembership.objects.create(
        school=school, office_id=school.office_id, zone=zone, valid_from=on, recorded_by=by
    )
    _changed(school, on)
    return membership


def _open_period(school: School, periods: list[SchoolMembership]) -> SchoolMembership:
    current = periods[-1] if periods and periods[-1].valid_to is None else None
    if current is None:
        last = periods[-1].last_day if periods else None
        raise ValidationError(
            _("“%(school)s”已于 %(d)s 停办或撤并,不在名册中。") % {"school": school.name, "d": calendar.day_label(last) if last else "—"}
        )
    return current


def _check_after_start(school: School, periods: list[SchoolMembership], current: SchoolMembership, on: dt.date) -> None:
    _check_not_future(on)
    if on < periods[0].valid_from:
        raise ValidationError({"on": _(
            "“%(school)s”自 %(start)s 起才列入名册,不能早于该日调整(所填 %(d)s)。"
        ) % {"school": school.name, "start": calendar.day_label(periods[0].valid_from), "d": calendar.day_label(on)}})
    if on < current.valid_from:
        where = current.zone.name if current.zone else _("未划入责任区")
        raise ValidationError({"on": _(
            "“%(school)s”自 %(start)s 起的隶属记录(%(where)s)已登记,调整日期 %(d)s 会与之重叠;"
            "请填写 %(start)s 或之后的日期。"
        ) % {"school": school.name, "start": calendar.day_label(current.valid_from), "where": where, "d": calendar.day_label(on)}})


@transaction.atomic
def school_move(*, school: School, zone: Zone | None, on: dt.date, by=None, note: str = "") -> SchoolMembership:
    """Move a school to another zone of its office (or out of any zone) from ``on``: the current period
    ends the day before, the new one starts that day. A move on the day the current period began
    corrects that period instead. Visits and problems from ``on`` count for the new zone."""
    periods = _locked(school)
    current = _open_period(school, periods)
    if zone is not None and zone.office_id != current.office_id:
        raise ValidationError({"zone": _("责任区“%(zone)s”不属于该校所在的督导室。") % {"zone": zone.name}})
    _check_after_start(school, periods, current, on)
    if current.zone_id == (zone.pk if zone else None):
        return current
    if on == current.valid_from:
        current.zone = zone
        current.note = note or current.note
        current.save(update_fields=["zone", "note"])
        moved = current
    else:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
        moved = SchoolMembership.objects.create(
            school=school, office_id=current.office_id, zone=zone, valid_from=on, recorded_by=by, note=note
        )
    _changed(school, on)
    return moved


@transaction.atomic
def school_close(*, school: School, on: dt.date, merged_into: School | None = None, by=None, note: str = "") -> School:
    """停办 or 撤并: the school leaves the roster from ``on`` (its last day is the day before). Its
    history stays; nothing may be recorded at it from ``on``."""
    from inspections.models import Visit

    periods = _locked(school)
    current = _open_period(school, periods)
    _check_not_future(on)
    if on <= current.valid_from:
        raise ValidationError({"on": _(
            "“%(school)s”的停办日期应晚于其当前隶属记录的起始日期 %(start)s。"
        ) % {"school": school.name, "start": calendar.day_label(current.valid_from)}})
    later = Visit.objects.filter(school=school, date__gte=on).order_by("-date").values_list("date", flat=True).first()
    if later is not None:
        raise ValidationError({"on": _(
            "“%(school)s”在 %(d)s 仍有入校督导记录,停办日期不能早于该日之后一天。"
        ) % {"school": school.name, "d": calendar.day_label(later)}})
    if merged_into is not None and (merged_into.pk == school.pk or not merged_into.is_active):
        raise ValidationError({"merged_into": _("并入的学校应为另一所在办学校。")})
    current.valid_to = on
    current.note = note or current.note
    current.save(update_fields=["valid_to", "note"])
    school.merged_into = merged_into
    school.save(update_fields=["merged_into"])
    _changed(school, on)
    return school


@transaction.atomic
def school_reopen(*, school: School, zone: Zone | None, on: dt.date, by=None) -> SchoolMembership:
    """A closed school back in the roster from ``on`` (复办)."""
    periods = _locked(school)
    if periods and periods[-1].valid_to is None:
        raise ValidationError(_("“%(school)s”在办,无需恢复。") % {"school": school.name})
    _check_not_future(on)
    if periods and on < periods[-1].valid_to:
        raise ValidationError({"on": _("恢复日期不能早于停办日期 %(d)s。") % {"d": calendar.day_label(periods[-1].valid_to)}})
    if zone is not None and zone.office_id != school.office_id:
        raise ValidationError({"zone": _("责任区“%(zone)s”不属于该校所在的督导室。") % {"zone": zone.name}})
    school.merged_into = None
    school.save(update_fields=["merged_into"])
    membership = SchoolMembership.objects.create(
        school=school, office_id=school.office_id, zone=zone, valid_from=on, recorded_by=by
    )
    _changed(school, on)
    return membership


@transaction.atomic
def school_transfer(*, school: School, office: Office, zone: Zone | None, on: dt.date, by=None) -> SchoolMembership:
    """A school moves to another office's roster from ``on`` (区划调整): the old office keeps its
    history, the new office keeps the school's record from then on."""
    periods = _locked(school)
    current = _open_period(school, periods)
    if office.pk == current.office_id:
        raise ValidationError({"office": _("该校已在%(office)s名册中。") % {"office": office.name}})
    if zone is not None and zone.office_id != office.pk:
        raise ValidationError({"zone": _("责任区“%(zone)s”不属于%(office)s。") % {"zone": zone, "office": office}})
    _check_after_start(school, periods, current, on)
    if on == current.valid_from:
        raise ValidationError({"on": _("转出日期应晚于当前隶属记录的起始日期 %(d)s。") % {"d": calendar.day_label(on)}})
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    moved = SchoolMembership.objects.create(school=school, office=office, zone=zone, valid_from=on, recorded_by=by)
    school.office = office
    school.save(update_fields=["office"])
    _changed(school, on)
    return moved


@transaction.atomic
def school_joined_on_set(*, school: School, on: dt.date, by=None) -> SchoolMembership:
    """Correct the day a school joined the roster (its first period's start), e.g. to enter last
    year's visits of a school registered today. Not after any record of it already made."""
    from inspections.models import Visit

    periods = _locked(school)
    if not periods:
        raise ValidationError(_("“%(school)s”尚无隶属记录。") % {"school": school.name})
    first = periods[0]
    _check_not_future(on)
    if first.valid_to is not None and on >= first.valid_to:
        raise ValidationError({"on": _("列入名册日期应早于 %(d)s。") % {"d": calendar.day_label(first.valid_to)}})
    earliest = Visit.objects.filter(school=school).order_by("date").values_list("date", flat=True).first()
    if earliest is not None and on > earliest:
        raise ValidationError({"on": _(
            "“%(school)s”最早的入校督导记录为 %(d)s,列入名册日期不能晚于该日。"
        ) % {"school": school.name, "d": calendar.day_label(earliest)}})
    start = min(on, first.valid_from)
    first.valid_from = on
    first.save(update_fields=["valid_from"])
    _changed(school, start)
    return first
