"""Filter sets of plans and checklist templates, shared by the API and the pages."""
import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.filters import StrictFilterSet, YearFilter

from inspections.models.choices import Audience
from inspections.models import ChecklistTemplate, Plan


class PlanFilter(StrictFilterSet):
    year = YearFilter(label=_("年度"))

    class Meta:
        model = Plan
        fields = ["office", "year"]


class ChecklistTemplateFilter(StrictFilterSet):
    year = YearFilter(label=_("年度"))
    audience = django_filters.ChoiceFilter(label=_("适用对象"), choices=Audience.choices)

    class Meta:
        model = ChecklistTemplate
        fields = ["office", "year", "audience"]
