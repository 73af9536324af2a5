"""Filter sets of the monthly loop, shared by the API (and later the pages and exports)."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from supervision.filters import StrictFilterSet

from . import selectors
from .choices import Audience, ChecklistStatus, Severity
from .models import ChecklistTemplate, MonthlySummary, Plan, Problem, Visit


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number: an id, a year, a month."""

    field_class = forms.IntegerField


def _month_filters(field: str) -> tuple[IntegerFilter, IntegerFilter]:
    """``year`` and ``month`` of a date field (a month is picked as year=2026&month=11)."""
    return (
        IntegerFilter(label=_("年度"), field_name=field, lookup_expr="year"),
        IntegerFilter(label=_("月份"), field_name=field, lookup_expr="month"),
    )


class PlanFilter(StrictFilterSet):
    class Meta:
        model = Plan
        fields = ["office", "year"]


class ChecklistTemplateFilter(StrictFilterSet):
    audience = django_filters.ChoiceFilter(label=_("适用对象"), choices=Audience.choices)

    class Meta:
        model = ChecklistTemplate
        fields = ["office", "year", "audience"]


class VisitFilter(StrictFilterSet):
    school = IntegerFilter(label=_("学校"), field_name="school_id")
    zone = IntegerFilter(label=_("责任区"), field_name="school__zone_id")
    supervisor = IntegerFilter(label=_("参加督学"), field_name="supervisors")
    status = django_filters.ChoiceFilter(label=_("清单状态"), field_name="checklist__status", choices=ChecklistStatus.choices)
    date_from = django_filters.DateFilter(label=_("督导日期起"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("督导日期止"), field_name="date", lookup_expr="lte")
    year, month = _month_filters("date")

    class Meta:
        model = Visit
        fields = ["office", "school", "zone", "supervisor", "status", "date_from", "date_to", "year", "month"]


class ProblemFilter(StrictFilterSet):
    school = IntegerFilter(label=_("学校"), field_name="school_id")
    zone = IntegerFilter(label=_("责任区"), field_name="school__zone_id")
    item_code = django_filters.CharFilter(label=_("事项编号"), field_name="item_code", lookup_expr="iexact")
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=Severity.choices)
    year, month = _month_filters("found_on")
    is_open = django_filters.BooleanFilter(label=_("未销号"), method="filter_open")

    class Meta:
        model = Problem
        fields = ["office", "school", "zone", "visit", "item_code", "severity", "year", "month", "is_open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        still_open = selectors.open_problems().values("pk")
        return queryset.filter(pk__in=still_open) if value else queryset.exclude(pk__in=still_open)


class MonthlySummaryFilter(StrictFilterSet):
    office = IntegerFilter(label=_("督导室"), field_name="supervisor__office_id")
    submitted = django_filters.BooleanFilter(label=_("已提交"), field_name="submitted_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = MonthlySummary
        fields = ["office", "supervisor", "year", "month", "submitted"]
