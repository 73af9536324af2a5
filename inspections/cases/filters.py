"""The case list's filters, shared by the page and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.filters import StrictFilterSet, YearFilter

from .choices import CaseStatus
from .models import Case


class CaseFilter(StrictFilterSet):
    q = django_filters.CharFilter(label=_("标题"), method="search")
    year = YearFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CaseStatus.choices, empty_label=_("全部状态"))
    tag = django_filters.CharFilter(label=_("主题"), field_name="tags", lookup_expr="icontains")

    class Meta:
        model = Case
        fields = ["q", "year", "status", "tag"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value)) if value else queryset
