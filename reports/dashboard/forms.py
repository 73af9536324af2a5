"""The dashboard's period (a year, or one month of it) and office, shared by the pages and the API."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .selectors import Period

YEARS_BACK = 5  # the period picker reaches back this many years


class PeriodForm(forms.Form):
    """A year (this year by default, to date) or one month of it; never a future month."""

    year = forms.IntegerField(label=gettext_lazy("年度"), required=False)
    month = forms.IntegerField(label=gettext_lazy("月份"), required=False)
    office = forms.CharField(label=gettext_lazy("督导室"), required=False)

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["year"].error_messages["invalid"] = _("年度应为四位数字,如 %(y)d。") % {"y": today.year}
        self.fields["month"].error_messages["invalid"] = _("月份应为 1 到 12 之间的数字。")

    def clean_year(self):
        year = self.cleaned_data.get("year") or self.today.year
        if year > self.today.year:
            raise ValidationError(_("不能选择未来的年份。"))
        if year < self.today.year - YEARS_BACK:
            raise ValidationError(_("只能查看最近 %(n)d 年的数据。") % {"n": YEARS_BACK + 1})
        return year

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month is not None and not 1 <= month <= 12:
            raise ValidationError(_("月份应为 1 到 12 之间的数字。"))
        return month

    def clean(self):
        cleaned = super().clean()
        year, month = cleaned.get("year"), cleaned.get("month")
        if year and month and (year, month) > (self.today.year, self.today.month):
            self.add_error("month", _("不能选择未来的月份。"))
        return cleaned

    @property
    def period(self) -> Period:
        """The chosen period, or this year to date when the input was wrong (the error is shown)."""
        if self.is_valid():
            return Period(year=self.cleaned_data["year"], month=self.cleaned_data["month"], today=self.today)
        return Period(year=self.today.year, month=None, today=self.today)

    def year_choices(self) -> list[int]:
        return list(range(self.today.year, self.today.year - YEARS_BACK - 1, -1))
