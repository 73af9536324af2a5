"""Demo data of monthly_reports for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

Every zone of the demo county filed its report for each past month of the demo's two years (the last
complete one and this one, as ``inspections.demo.visits`` builds them), mostly by the 25th–27th and a few
late (the 28th–30th), each on its real day; this month every zone has a draft."""
from __future__ import annotations

import calendar
import datetime as dt
import random

from django.utils import timezone

from inspections.demo.visits import demo_months
from supervision.models import Zone, ZoneAssignment

from . import services
from .models import ZoneMonthlyReport


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 30))


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    months = demo_months(today)
    done = set(ZoneMonthlyReport.objects.filter(office=office, year__gte=months[0][0]).values_list("zone_id", "year", "month"))
    rng = random.Random(f"monthly-reports-{office.pk}")
    zones = list(Zone.objects.filter(office=office).order_by("name"))
    leads = {
        a.zone_id: a.supervisor.user
        for a in ZoneAssignment.objects.current().filter(zone__in=zones, is_lead=True, supervisor__is_active=True)
        .select_related("supervisor__user")
    }
    for year, month in months[:-1]:
        for zone in zones:
            if (zone.pk, year, month) in done:
                continue
            lead = leads.get(zone.pk)
            last = calendar.monthrange(year, month)[1]
            day = dt.date(year, month, min(rng.choice([22, 24, 25, 26, 26, 27, 27, 28, 30]), last))
            report = services.zone_monthly_report_build(zone=zone, year=year, month=month, now=_at(day, 9))
            if lead is None:
                continue  # a zone without a lead keeps its draft (shows as not filed)
            services.zone_monthly_report_file(report=report, user=lead, on=day)
            ZoneMonthlyReport.objects.filter(pk=report.pk).update(filed_at=_at(day, 16))
    for zone in zones:
        if (zone.pk, today.year, today.month) not in done:
            services.zone_monthly_report_build(zone=zone, year=today.year, month=today.month)
