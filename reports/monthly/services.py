"""Writes of the monthly zone report: build (draft), file (报送), the 27th's drafts, reminders.

Rules (seed 003 §三(三)2: each zone files 《责任督学挂牌督导问题管理月报表》 by the 27th):
- building a zone-month refreshes its draft in place, or — when the newest version is filed —
  makes a new draft version; a filed version is frozen and stays downloadable;
- only the zone's lead supervisor (组长) files; filing freezes exactly the draft they looked at;
- a zone may file a corrected version later: the newest filed version is *the* report, and the
  first filing decides whether the zone was on time.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from supervision import calendar
from inspections.notifications.services import cn_date, notify
from supervision import access, clock
from supervision.models import Zone

from . import selectors
from .choices import ZoneMonthlyReportStatus
from .models import ZoneMonthlyReport

REMINDER_DAYS = (20, 25)  # lead supervisors are reminded on these days while the report is not filed


def _check_period(year: int, month: int, today: dt.date) -> None:
    if not 1 <= month <= 12 or year < 2000:
        raise ValidationError(_("月份无效。"))
    if calendar.is_future_month(year, month, today):
        raise ValidationError(_("不能生成未来月份的月报表。"))


@transaction.atomic
def zone_monthly_report_build(*, zone: Zone, year: int, month: int, now: dt.datetime | None = None) -> ZoneMonthlyReport:
    """Draft (or refresh the draft of) a zone's report for a month from the data as it is now.

    Idempotent in effect: a second build refreshes the same draft. A filed version is never
    touched; building after filing makes the next version as a draft.
    """
    now = now or clock.now()
    _check_period(year, month, clock.date_of(now))
    # Serialise builds and filings of one zone so two requests cannot both make version n+1.
    Zone.objects.select_for_update().filter(pk=zone.pk).order_by().values_list("pk").first()
    latest = ZoneMonthlyReport.objects.filter(zone=zone, year=year, month=month).order_by("-version").first()
    data = selectors.zone_month_data(zone=zone, year=year, month=month, now=now)
    if latest is not None and latest.status == ZoneMonthlyReportStatus.DRAFT:
        latest.data, latest.built_at = data, now
        latest.save(update_fields=["data", "built_at"])
        return latest
    return ZoneMonthlyReport.objects.create(
        office_id=zone.office_id, zone=zone, year=year, month=month,
        version=latest.version + 1 if latest else 1, status=ZoneMonthlyReportStatus.DRAFT,
        data=data, built_at=now, due_date=selectors.due_date(year, month),
    )


@transaction.atomic
def zone_monthly_report_file(
    *, report: ZoneMonthlyReport, user, built_at: dt.datetime | None = None, on: dt.date | None = None
) -> ZoneMonthlyReport:
    """File (报送) a draft: it is frozen, with who filed it and on which day — today, or (entered late)
    the day it was really filed (``on``: within the late-entry window, earlier with 补录, never before
    its month began). Only the zone's lead supervisor files (or a 补录 holder entering the past).
    ``built_at`` is the draft the lead looked at: if it was rebuilt since, nothing is filed and they
    are asked to check it again."""

    report = ZoneMonthlyReport.objects.select_for_update().select_related("office").get(pk=report.pk)
    if not access.monthly_report_zones_filed_by(user).filter(pk=report.zone_id).exists() and not access.may_backfill(
        user, report.office_id
    ):
        raise ValidationError(_("只有本责任区的组长可以报送月报表。"))
    if report.status != ZoneMonthlyReportStatus.DRAFT:
        raise ValidationError(_("该版本已报送,不能重复报送。"))
    if built_at is not None and abs((report.built_at - built_at).total_seconds()) >= 0.001:
        raise ValidationError(_("月报表草稿已重新生成,请核对最新数据后再报送。"))
    day = on or clock.today()
    access.entry_date_check(day=day, office=report.office, user=user, field="on", what=_("报送日期"))
    if day < dt.date(report.year, report.month, 1):
        raise ValidationError({"on": _("%(y)d年%(m)d月的月报表不能在该月开始前报送。") % {"y": report.year, "m": report.month}})
    report.status = ZoneMonthlyReportStatus.FILED
    report.filed_on, report.filed_at = day, clock.now()
    report.filed_by = user
    report.save(update_fields=["status", "filed_on", "filed_at", "filed_by"])
    return report


def monthly_report_drafts_ensure(*, today: dt.date) -> int:
    """On the 27th: a draft for every zone of every office that has no version yet for the month.
    Safe to run twice (a zone with any version is skipped). Returns how many were drafted."""
    done = ZoneMonthlyReport.objects.filter(year=today.year, month=today.month).values("zone")
    made = 0
    for zone in Zone.objects.exclude(pk__in=done).select_related("office").order_by("pk"):
        zone_monthly_report_build(zone=zone, year=today.year, month=today.month)
        made += 1
    return made


def monthly_report_reminders_send(*, today: dt.date) -> int:
    """Remind the lead supervisors of every zone that has not filed this month's report (20th, 25th).
    One reminder per zone, lead and day: a second run tells nobody twice. Returns notifications made."""
    filed = ZoneMonthlyReport.objects.filter(
        year=today.year, month=today.month, status=ZoneMonthlyReportStatus.FILED
    ).values("zone")
    due = selectors.due_date(today.year, today.month)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for zone in Zone.objects.exclude(pk__in=filed).order_by("pk"):
            leads = list(access.monthly_report_leads_of(zone))
            if not leads:
                continue
            title = _("请于%(due)s前报送%(zone)s%(month)d月月报表") % {
                "due": cn_date(due), "zone": zone.name, "month": today.month,
            }
            body = _("《责任督学挂牌督导问题管理月报表》(%(y)d年%(m)d月)尚未报送,还剩%(n)d天。请核对草稿后报送。") % {
                "y": today.year, "m": today.month, "n": (due - today).days,
            }
            url = reverse("monthly_reports:zone_month", args=[zone.pk, today.year, today.month])
            made += len(notify(
                users=leads, key=f"monthly_report:{zone.pk}:{today:%Y-%m}:remind:{today.day}",
                title=title, body=body, url=url,
            ))
    return made
