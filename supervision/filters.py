"""Filter sets shared by the organisation pages and the API."""
import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from . import calendar, clock
from .choices import Role, SupervisorKind, ZoneCategory
from .models import Supervisor, Zone, ZoneAssignment


class StrictFilterSet(django_filters.FilterSet):
    """An invalid filter value (say, a zone outside the user's scope) matches nothing, not everything."""

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class SupervisorFilter(StrictFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=SupervisorKind.choices)
    is_active = django_filters.BooleanFilter(label=_("在岗"))
    unassigned = django_filters.BooleanFilter(label=_("未分配责任区"), method="filter_unassigned")

    class Meta:
        model = Supervisor
        fields = ["q", "kind", "is_active", "office"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(phone__startswith=value) | Q(employer__icontains=value))

    def filter_unassigned(self, queryset, name, value):
        if value is None:
            return queryset
        assigned = Exists(ZoneAssignment.objects.current().filter(supervisor=OuterRef("pk")))
        return queryset.filter(~assigned if value else assigned)


class ZoneFilter(StrictFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="name", lookup_expr="icontains")
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ZoneCategory.choices)

    class Meta:
        model = Zone
        fields = ["q", "category", "office"]


class UserFilter(StrictFilterSet):
    """The users list (API): search by login or name, one role, one login exactly, active or not."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    username = django_filters.CharFilter(label=_("登录名"), field_name="username")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, field_name="groups__name")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = get_user_model()
        fields = ["q", "username", "role", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))


# The largest id a database column holds (bigint): a longer number is no id, not an overflow (500).
LARGEST_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -LARGEST_ID)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": -LARGEST_ID, "maximum": LARGEST_ID})
class IntegerFilter(django_filters.NumberFilter):
    """A whole number: an id (a 20-digit one is a clear 400, not an overflow in the database)."""

    field_class = IdField


def whole_number(value) -> int | None:
    """A query parameter read as a whole number, or None: ASCII digits only (``"²".isdigit()`` is true
    and ``int("²")`` fails, ``int("٣")`` is 3) and no larger than an id can be — the one helper views
    use instead of ``isdigit()`` and ``int(request.GET[...])``."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


def year_error(value: int) -> str:
    """Why ``value`` is not a year a user may name (``calendar.years``), or "" if it is."""
    allowed = calendar.years(clock.today())
    if value in allowed:
        return ""
    return _("年度应在%(first)d年至%(last)d年之间。") % {"first": allowed[0], "last": allowed[-1]}


class YearField(forms.IntegerField):
    """A year within ``calendar.years``: 0, 10000 or a 20-digit number is a clear error, never a 500
    (a ``__year`` lookup cannot build a date outside 1–9999)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and (message := year_error(value)):
            raise forms.ValidationError(message, code="year")


class MonthField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": calendar.FIRST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """The one year filter of every list (pages and API): ``?year=0`` answers 400 on the API, matches
    nothing on a page (``StrictFilterSet``) and says why in the filter form."""

    field_class = YearField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 12})
class MonthFilter(django_filters.NumberFilter):
    field_class = MonthField


def month_filters(field: str) -> tuple[YearFilter, MonthFilter]:
    """``year`` and ``month`` of a date field (a month is picked as year=2026&month=11)."""
    return (
        YearFilter(label=_("年度"), field_name=field, lookup_expr="year"),
        MonthFilter(label=_("月份"), field_name=field, lookup_expr="month"),
    )
