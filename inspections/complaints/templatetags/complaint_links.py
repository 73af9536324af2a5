"""The plaque page's complaint button, rendered from this app so its text is in this app's catalogue."""
from django import template

register = template.Library()


@register.inclusion_tag("complaints/_plaque_link.html")
def complaint_plaque_link(school_code: str) -> dict:
    return {"school_code": school_code}
