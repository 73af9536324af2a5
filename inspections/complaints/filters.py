"""The complaint list's filters, shared by the page and the API."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import access, clock
from supervision.filters import StrictFilterSet, YearFilter
from supervision.models import Office, Zone

from .choices import ComplaintCategory, ComplaintStatus
from .models import Complaint
from .selectors import verify_overdue_q


class ComplaintFilter(StrictFilterSet):
    """Office, zone and school choices are scopes of the requesting user: an id outside them makes
    the filter invalid, so nothing matches."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ComplaintStatus.choices, empty_label=_("全部状态"))
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ComplaintCategory.choices, empty_label=_("全部类别"))
    office = django_filters.ModelChoiceFilter(label=_("督导室"), queryset=Office.objects.none(), empty_label=_("全部督导室"))
    zone = django_filters.ModelChoiceFilter(label=_("责任区"), queryset=Zone.objects.none(), empty_label=_("全部责任区"))
    school = django_filters.ModelChoiceFilter(label=_("学校"), queryset=School.objects.none(), empty_label=_("全部学校"))
    year = YearFilter(label=_("年度"), field_name="received_at", lookup_expr="year")
    overdue = django_filters.BooleanFilter(
        label=_("超期未核实"), method="filter_overdue",
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = Complaint
        fields = ["status", "category", "office", "zone", "school", "year", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if request is not None:
            user = request.user
            self.filters["office"].queryset = access.offices_overseen_by(user)
            self.filters["zone"].queryset = access.zones_visible_to(user)
            self.filters["school"].queryset = access.schools_in_coverage_of(user)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = verify_overdue_q(clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
