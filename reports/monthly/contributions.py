"""What the monthly zone reports add to the year-end summary (年度工作总结)."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from reports.registry import Contribution

from .choices import ZoneMonthlyReportStatus
from .models import ZoneMonthlyReport


def monthly_reports_contribution(*, office, year: int, until=None) -> Contribution | None:
    """「各责任区全年报送《责任督学挂牌督导问题管理月报表》N份,其中按时报送M份。」 — one per zone and
    month, filed by the cut-off (a corrected re-filing is not counted again; timeliness is the first
    filing's)."""
    until = until or dt.date(year, 12, 31)
    first: dict[tuple[int, int], ZoneMonthlyReport] = {}
    for r in ZoneMonthlyReport.objects.filter(
        office=office, year=year, status=ZoneMonthlyReportStatus.FILED, filed_on__lte=until
    ).defer("data").order_by("version"):
        first.setdefault((r.zone_id, r.month), r)
    if not first:
        return None
    on_time = sum(1 for r in first.values() if r.filed_on_time)
    return Contribution(
        key="monthly_reports",
        title=_("责任区月报表"),
        sentence=_("各责任区全年报送《责任督学挂牌督导问题管理月报表》%(n)d份,其中按时报送%(ok)d份。")
        % {"n": len(first), "ok": on_time},
        figures={"filed": len(first), "on_time": on_time, "late": len(first) - on_time},
        order=15,
    )
