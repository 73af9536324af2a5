"""Writes that matter for schools."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supervision.models import Office, Zone

from .models import School

SCHOOL_FIELDS = ("name", "kind", "ownership", "location", "address", "principal", "phone", "is_active")


@transaction.atomic
def school_save(*, office: Office, code: str, zone: Zone | None = None, school: School | None = None, **fields) -> School:
    """Create or update a school by its 学校标识码; a school may only sit in a zone of its own office."""
    if zone is not None and zone.office_id != office.pk:
        raise ValidationError({"zone": _("责任区“%(zone)s”不属于%(office)s。") % {"zone": zone, "office": office}})
    if school is None:
        school = School.objects.filter(code=code).first() or School(code=code, office=office)
    if school.office_id != office.pk:
        raise ValidationError({"code": _("学校标识码 %(code)s 已登记在其他督导室。") % {"code": code}})
    unknown = set(fields) - set(SCHOOL_FIELDS)
    if unknown:
        raise TypeError(f"unknown school fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(school, key, value)
    school.code = code
    school.zone = zone
    school.full_clean()
    school.save()
    return school
