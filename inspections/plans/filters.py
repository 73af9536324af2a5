"""Filter sets of plans and checklist templates, shared by the API and the pages."""
import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.filters import StrictFilterSet

from inspections.models.choices import Audience
from inspections.models import ChecklistTemplate, Plan


class PlanFilter(StrictFilterSet):
    class Meta:
        model = Plan
        fields = ["office", "year"]


class ChecklistTemplateFilter(StrictFilterSet):
    audience = django_filters.ChoiceFilter(label=_("适用对象"), choices=Audience.choices)

    class Meta:
        model = ChecklistTemplate
        fields = ["office", "year", "audience"]
