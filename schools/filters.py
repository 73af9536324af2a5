"""Filter sets shared by the school pages, the API and the roster export."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.filters import StrictFilterSet
from supervision.models import Zone

from .choices import Location, Ownership, SchoolKind
from .models import School


class SchoolFilter(StrictFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    zone = django_filters.ModelChoiceFilter(label=_("责任区"), queryset=Zone.objects.none())
    no_zone = django_filters.BooleanFilter(label=_("未划入责任区"), field_name="zone", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SchoolKind.choices)
    ownership = django_filters.ChoiceFilter(label=_("办学性质"), choices=Ownership.choices)
    location = django_filters.ChoiceFilter(label=_("城乡分类"), choices=Location.choices)
    is_active = django_filters.BooleanFilter(label=_("在办"))

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

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__startswith=value) | Q(principal__icontains=value) | Q(address__icontains=value)
        )
