"""The printable A4 poster of one survey link: school, audience, title and the QR code to scan."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from schools.plaque import _url_fetcher, plaque_qr_svg

from .models import SurveyLink


def link_poster_html(link: SurveyLink) -> str:
    return render_to_string("surveys/poster.html", {
        "link": link, "survey": link.survey, "school": link.school, "office": link.survey.office,
        "qr_svg": plaque_qr_svg(link.public_url), "url": link.public_url,
    })


def link_poster_pdf(link: SurveyLink) -> bytes:
    """One A4 page, rendered like the plaque posters (system Noto CJK fonts, nothing fetched)."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = link_poster_html(link)
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=_url_fetcher()).write_pdf()
