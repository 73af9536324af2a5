"""Small template helpers shared by every page."""
from django import forms, template
from django.utils.http import urlencode

from supervision.navigation import menu_for
from supervision.site import is_loopback, site_url

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
def main_menu(context):
    """The menu bar's links and dropdowns for the signed-in user (supervision.navigation)."""
    return menu_for(context["user"], context)


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


@register.inclusion_tag("partials/happened.html")
def happened(day, recorded_at=None, by=None):
    """A fact's two dates (STYLE "Facts carry two dates"): the day it happened, and — when it was
    entered on another day (补录) — when and by whom it was recorded. Without a day the recorded
    instant is shown as it is."""
    from supervision import clock

    late = bool(day and recorded_at and clock.date_of(recorded_at) != day)
    return {"day": day, "recorded_at": recorded_at, "by": by, "late": late}


@register.filter
def pct(value):
    """A rate as printed: 「76.5%」, or 「—」 when it has no denominator (never 0.0%)."""
    from inspections.tickets.rules import rate_text

    return rate_text(value)


@register.inclusion_tag("partials/site_url_warning.html")
def site_url_warning():
    """On pages that print posters: a warning when their QR codes would point at this machine itself."""
    url = site_url()
    return {"url": url, "loopback": is_loopback(url)}
