"""Filter set of rectification tickets: the ledger page, its Excel and the API use the same one."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.choices import SchoolKind
from schools.models import School
from supervision import access, clock
from supervision.filters import StrictFilterSet, month_filters
from supervision.models import Office, Zone

from inspections.models.choices import Severity, TicketStatus
from inspections.models import Problem, Ticket
from inspections.tickets import rules as rectification


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
    year, month = month_filters("opened_on")
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
