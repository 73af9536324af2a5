"""Small template helpers shared by every page."""
from django import forms, template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def bs(bound_field):
    """Render a form field's widget with the Bootstrap class its widget type needs."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with ?page= replaced, keeping the filters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag
def qs(**kwargs):
    return "?" + urlencode({k: v for k, v in kwargs.items() if v not in (None, "")})
