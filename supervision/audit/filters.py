"""The log page's filters, shared by the page and its Excel export."""
from __future__ import annotations

import django_filters
from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from supervision import clock
from supervision.filters import StrictFilterSet

from .choices import AuditAction
from .models import AuditEntry


def object_type_label(object_type: str) -> str:
    """The Chinese name of what an entry is about: a model's verbose name, or 文件 for an export/download."""
    if object_type == "file":
        return str(_("文件"))
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditEntryFilter(StrictFilterSet):
    date_from = django_filters.DateFilter(label=_("起始日期"), method="filter_from",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("截止日期"), method="filter_to",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=[])

    class Meta:
        model = AuditEntry
        fields = ["date_from", "date_to", "actor", "action", "object_type"]

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["object_type"].extra["choices"] = [(t, object_type_label(t)) for t in object_types]
        self.form.fields["object_type"].choices = [("", "---------")] + self.filters["object_type"].extra["choices"]

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if valid and data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error("date_to", _("截止日期不能早于起始日期。"))
            return False
        return valid

    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=clock.start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lte=clock.end_of(value))
