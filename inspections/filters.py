"""Filter sets of the monthly loop and the rectification ledger, shared by the API, the pages and exports."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from schools.choices import SchoolKind
from schools.models import School
from supervision import access, clock
from supervision.filters import StrictFilterSet
from supervision.models import Office, Zone

from inspections.visits import selectors
from inspections.tickets import rules as rectification
from inspections.choices import Audience, ChecklistStatus, Severity, TicketStatus
from inspections.models import ChecklistTemplate, MonthlySummary, Plan, Problem, Ticket, Visit


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
    # The zone a visit counts for: the school's zone on the visit's day.
    zone = IntegerFilter(label=_("责任区"), field_name="zone_id")
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
    zone = IntegerFilter(label=_("责任区"), field_name="zone_id")  # the zone of the day it was found
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


class TicketFilter(StrictFilterSet):
    """The ledger's filters (台账): shared by the ledger page, its Excel export and the API.

    The office, zone and school choices are a scope of the requesting user (an id outside it makes
    the filter invalid, so nothing matches); callers may pass lists already fetched instead."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    office = django_filters.ModelChoiceFilter(label=_("督导室"), queryset=Office.objects.none(), empty_label=_("全部督导室"))
    # The zone a ticket counts for: its problem's, the school's zone on the day it was found.
    zone = django_filters.ModelChoiceFilter(
        label=_("责任区"), field_name="problem__zone", queryset=Zone.objects.none(), empty_label=_("全部责任区")
    )
    school = django_filters.ModelChoiceFilter(label=_("学校"), queryset=School.objects.none(), empty_label=_("全部学校"))
    kind = django_filters.ChoiceFilter(
        label=_("类型"), field_name="school__kind", choices=SchoolKind.choices, empty_label=_("全部类型")
    )
    item = django_filters.CharFilter(label=_("督导事项"), field_name="problem__item_code", lookup_expr="iexact")
    severity = django_filters.ChoiceFilter(
        label=_("严重程度"), field_name="problem__severity", choices=Severity.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TicketStatus.choices, empty_label=_("全部状态"))
    # The month a problem was found: the ticket's opened_on is its problem's found_on (tickets_open).
    year, month = _month_filters("opened_on")
    found_from = django_filters.DateFilter(label=_("发现日期起"), field_name="opened_on", lookup_expr="gte")
    found_to = django_filters.DateFilter(label=_("发现日期止"), field_name="opened_on", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(label=rectification.LABELS["overdue_open"], method="filter_overdue")
    closed_late = django_filters.BooleanFilter(label=rectification.LABELS["closed_late"], method="filter_closed_late")

    class Meta:
        model = Ticket
        fields = [
            "q", "office", "zone", "school", "kind", "item", "severity", "status", "year", "month", "found_from",
            "found_to", "overdue", "closed_late",
        ]

    def __init__(self, *args, offices=None, zones=None, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        user = request.user if request is not None else None
        scopes = (("office", offices, access.offices_visible_to), ("zone", zones, access.zones_visible_to),
                  ("school", schools, access.schools_visible_to))
        for name, given, scope in scopes:
            if given is None and user is not None:
                given = scope(user)
            if given is not None:
                self.filters[name].queryset = given

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Matched in subqueries over problems and schools, not through joins: each ticket is then one
        # id lookup (searching 100,000 joined rows row by row took seconds).
        problems = Problem.objects.filter(
            Q(description__icontains=value) | Q(opinion__icontains=value) | Q(item_title__icontains=value)
        )
        schools = School.objects.filter(name__icontains=value)
        return queryset.filter(Q(problem__in=problems.values("pk")) | Q(school__in=schools.values("pk")))

    def filter_overdue(self, queryset, name, value):
        # 逾期未整改 today (rectification.overdue_open): not closed and past its deadline.
        if value is None:
            return queryset
        overdue = rectification.overdue_open(clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_closed_late(self, queryset, name, value):
        # 逾期整改 (rectification.closed_late): closed after its deadline.
        if value is None:
            return queryset
        late = rectification.closed_late(clock.today())
        return queryset.filter(late) if value else queryset.exclude(late)
