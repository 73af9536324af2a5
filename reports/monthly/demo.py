"""Demo data of monthly_reports for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

Every zone of the demo county filed its report for each past month of the year, mostly by the
25th–27th and a few late (the 28th–30th); this month every zone has a draft."""
from __future__ import annotations

import calendar
import datetime as dt
import random

from django.utils import timezone

from supervision.models import Zone, ZoneAssignment

from . import services
from .models import ZoneMonthlyReport

FIRST_MONTH = 2  # the demo's visits start in February (inspections.demo)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 30))


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    done = set(ZoneMonthlyReport.objects.filter(office=office, year=today.year).values_list("zone_id", "month"))
    rng = random.Random(f"monthly-reports-{office.pk}")
    zones = list(Zone.objects.filter(office=office).order_by("name"))
    leads = {
        a.zone_id: a.supervisor.user
        for a in ZoneAssignment.objects.filter(zone__in=zones, is_lead=True, supervisor__is_active=True)
        .select_related("supervisor__user")
    }
    for month in range(FIRST_MONTH, today.month):
        for zone in zones:
            if (zone.pk, month) in done:
                continue
            lead = leads.get(zone.pk)
            last = calendar.monthrange(today.year, month)[1]
            day = dt.date(today.year, month, min(rng.choice([22, 24, 25, 26, 26, 27, 27, 28, 30]), last))
            report = services.zone_monthly_report_build(zone=zone, year=today.year, month=month, now=_at(day, 9))
            if lead is None:
                continue  # a zone without a lead keeps its draft (shows as not filed)
            services.zone_monthly_report_file(report=report, user=lead)
            ZoneMonthlyReport.objects.filter(pk=report.pk).update(filed_at=_at(day, 16))
    for zone in zones:
        if (zone.pk, today.month) not in done:
            services.zone_monthly_report_build(zone=zone, year=today.year, month=today.month)
