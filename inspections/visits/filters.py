"""Filter sets of visits and problems, shared by the API, the pages and exports."""
import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.filters import IntegerFilter, StrictFilterSet, month_filters

from inspections.models.choices import ChecklistStatus, Severity
from inspections.models import Problem, Visit
from inspections.visits import selectors


class VisitFilter(StrictFilterSet):
    school = IntegerFilter(label=_("学校"), field_name="school_id")
    # The zone a visit counts for: the school's zone on the visit's day.
    zone = IntegerFilter(label=_("责任区"), field_name="zone_id")
    supervisor = IntegerFilter(label=_("参加督学"), field_name="supervisors")
    status = django_filters.ChoiceFilter(label=_("清单状态"), field_name="checklist__status", choices=ChecklistStatus.choices)
    date_from = django_filters.DateFilter(label=_("督导日期起"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("督导日期止"), field_name="date", lookup_expr="lte")
    year, month = month_filters("date")

    class Meta:
        model = Visit
        fields = ["office", "school", "zone", "supervisor", "status", "date_from", "date_to", "year", "month"]


class ProblemFilter(StrictFilterSet):
    school = IntegerFilter(label=_("学校"), field_name="school_id")
    zone = IntegerFilter(label=_("责任区"), field_name="zone_id")  # the zone of the day it was found
    item_code = django_filters.CharFilter(label=_("事项编号"), field_name="item_code", lookup_expr="iexact")
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=Severity.choices)
    year, month = month_filters("found_on")
    is_open = django_filters.BooleanFilter(label=_("未销号"), method="filter_open")

    class Meta:
        model = Problem
        fields = ["office", "school", "zone", "visit", "item_code", "severity", "year", "month", "is_open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        still_open = selectors.open_problems().values("pk")
        return queryset.filter(pk__in=still_open) if value else queryset.exclude(pk__in=still_open)
