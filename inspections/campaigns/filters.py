"""Filters of the campaign list (page and API)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from supervision import clock
from supervision.filters import StrictFilterSet, YearFilter

from .choices import CampaignStatus, CampaignTopic
from .models import Campaign


class CampaignFilter(StrictFilterSet):
    year = YearFilter(label=_("年度"), field_name="start", lookup_expr="year")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CampaignStatus.choices, method="filter_status")
    topic = django_filters.ChoiceFilter(label=_("专项"), choices=CampaignTopic.choices)

    class Meta:
        model = Campaign
        fields = ["year", "status", "topic"]

    def filter_status(self, queryset, name, value):
        today = clock.today()
        return {
            CampaignStatus.UPCOMING: queryset.filter(start__gt=today),
            CampaignStatus.ONGOING: queryset.filter(start__lte=today, end__gte=today),
            CampaignStatus.FINISHED: queryset.filter(end__lt=today),
        }.get(value, queryset)
