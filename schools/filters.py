"""Filter sets shared by the school pages, the API and the roster export."""
import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from supervision.filters import StrictFilterSet
from supervision.models import Zone

from .choices import Location, Ownership, SchoolKind
from .models import School, SchoolMembership


@extend_schema_field(OpenApiTypes.INT)
class ZoneChoiceFilter(django_filters.ModelChoiceFilter):
    """A zone id (filtered through each school's membership today)."""


class SchoolFilter(StrictFilterSet):
    """Zone, "outside any zone" and 在办 are read from each school's membership today."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    zone = ZoneChoiceFilter(
        label=_("责任区"), queryset=Zone.objects.none(), method="in_zone", help_text=_("今天所在的责任区。")
    )
    no_zone = django_filters.BooleanFilter(label=_("未划入责任区"), method="outside_zones")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SchoolKind.choices)
    ownership = django_filters.ChoiceFilter(label=_("办学性质"), choices=Ownership.choices)
    location = django_filters.ChoiceFilter(label=_("城乡分类"), choices=Location.choices)
    is_active = django_filters.BooleanFilter(label=_("在办"), method="open_today")

    class Meta:
        model = School
        fields = ["q", "zone", "no_zone", "kind", "ownership", "location", "is_active", "office"]

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if zones is None and request is not None:
            from supervision.access import zones_visible_to

            zones = zones_visible_to(request.user)
        if zones is not None:
            self.filters["zone"].queryset = zones

    def in_zone(self, queryset, name, value):
        return queryset.current(zone=value) if value else queryset

    def outside_zones(self, queryset, name, value):
        if value is None:
            return queryset
        outside = Exists(SchoolMembership.objects.current().filter(school=OuterRef("pk"), zone__isnull=True))
        return queryset.filter(outside) if value else queryset.filter(~outside)

    def open_today(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.current() if value else queryset.exclude(pk__in=School.objects.current().values("pk"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__startswith=value) | Q(principal__icontains=value) | Q(address__icontains=value)
        )
