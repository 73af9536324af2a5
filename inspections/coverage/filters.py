"""Filter set of the supervisors' monthly summaries (月总结报告)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.filters import IntegerFilter, MonthFilter, StrictFilterSet, YearFilter

from inspections.models import MonthlySummary


class MonthlySummaryFilter(StrictFilterSet):
    office = IntegerFilter(label=_("督导室"), field_name="supervisor__office_id")
    year = YearFilter(label=_("年度"))
    month = MonthFilter(label=_("月份"))
    submitted = django_filters.BooleanFilter(label=_("已提交"), field_name="submitted_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = MonthlySummary
        fields = ["office", "supervisor", "year", "month", "submitted"]
