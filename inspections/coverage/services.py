"""Writes of the supervisor's month: the 月总结报告 and its frozen figures."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supervision import access, clock
from supervision.models import Supervisor

from supervision import calendar
from supervision.filters import year_error
from inspections.models import MonthlySummary


@transaction.atomic
def monthly_summary_save(
    *, supervisor: Supervisor, year: int, month: int, text: str, submit: bool = False, by=None,
    submitted_on: dt.date | None = None,
) -> MonthlySummary:
    """Save the supervisor's 月总结报告; submitting freezes its figures. It is submitted today, or —
    entered late — on the day given (``submitted_on``: within the late-entry window, earlier with 补录,
    never before its month began)."""
    from inspections.coverage.selectors import monthly_summary_figures

    today = clock.today()
    if message := year_error(year):  # the one year rule: 0 or 10000 is a clear error, never a 500
        raise ValidationError({"year": message})
    if calendar.is_future_month(year, month, today):
        raise ValidationError(_("不能填写未来月份的总结。"))
    if submit:
        submitted_on = submitted_on or today
        access.entry_date_check(day=submitted_on, office=supervisor.office, user=by or supervisor.user, field="submitted_on",
                         what=_("提交日期"))
        if submitted_on < dt.date(year, month, 1):
            raise ValidationError({"submitted_on": _("%(y)d年%(m)d月的总结不能在该月开始前提交(所填 %(d)s)。") % {
                "y": year, "m": month, "d": calendar.day_label(submitted_on)}})
    summary, _created = MonthlySummary.objects.select_for_update().get_or_create(
        supervisor=supervisor, year=year, month=month
    )
    if summary.submitted_at:  # submitted figures stay frozen: a second submit must not recount them
        raise ValidationError(_("月总结已提交,不能再修改。"))
    summary.text = text.strip()
    if submit:
        if not summary.text:
            raise ValidationError({"text": _("请填写总结内容后再提交。")})
        summary.figures = monthly_summary_figures(supervisor=supervisor, year=year, month=month)
        summary.submitted_on, summary.submitted_at = submitted_on, clock.now()
    summary.save()
    return summary
