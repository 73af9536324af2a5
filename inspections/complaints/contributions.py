"""The complaints section of the year-end summary (年度工作总结)."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from reports.registry import Contribution
from supervision import clock

from .models import Complaint
from .selectors import response_times


def complaints_contribution(*, office, year: int, until=None) -> Contribution | None:
    """「受理举报投诉23件,核实办结21件,平均办结用时3.2天,转为整改问题6个。」 — the office's own
    complaints received that year by the cut-off, as they stood then."""
    until = until or dt.date(year, 12, 31)
    received = Complaint.objects.filter(
        office=office, received_at__gte=clock.start_of(dt.date(year, 1, 1)),
        received_at__lt=clock.start_of(until + dt.timedelta(days=1)),
    )
    figures = response_times(received, today=min(until, clock.today()))
    if not figures["total"]:
        return None
    sentence = _("受理举报投诉%(total)d件,核实办结%(closed)d件") % figures
    if figures["avg_close_days"] is not None:
        sentence += _(",平均办结用时%(days)s天") % {"days": figures["avg_close_days"]}
    sentence += _(",转为整改问题%(n)d个。") % {"n": figures["to_ticket"]}
    return Contribution(
        key="complaints", title=_("受理举报投诉"), sentence=sentence, order=50,
        figures={
            "received": figures["total"], "closed": figures["closed"], "to_ticket": figures["to_ticket"],
            "unfounded": figures["unfounded"], "resolved": figures["resolved"],
            "avg_close_days": figures["avg_close_days"] or 0, "avg_first_days": figures["avg_first_days"] or 0,
            "overdue": figures["overdue"], "verified_late": figures["verified_late"],
        },
    )
