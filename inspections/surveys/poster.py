"""The printable A4 poster of one survey link: school, audience, title and the QR code to scan."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from schools.plaque import photo_url_fetcher, plaque_qr_svg
from supervision.site import site_url

from .models import SurveyLink


def link_poster_html(link: SurveyLink) -> str:
    return render_to_string("surveys/poster.html", {
        "link": link, "survey": link.survey, "school": link.school, "office": link.survey.office,
        "qr_svg": plaque_qr_svg(link.public_url), "url": link.public_url,
    })


def link_posters_pdf(links, *, on_progress=None) -> bytes:
    """One A4 page per link, rendered like the plaque posters (system Noto CJK fonts, nothing fetched)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    links = list(links)
    if not links:
        raise ValueError("no survey links to print")
    font_config, fetcher, documents = FontConfiguration(), photo_url_fetcher(), []
    with translation.override(settings.LANGUAGE_CODE):
        for done, link in enumerate(links, start=1):
            html = HTML(string=link_poster_html(link), base_url=site_url() + "/", url_fetcher=fetcher)
            documents.append(html.render(font_config=font_config))
            if on_progress:
                on_progress(done, len(links))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def link_poster_pdf(link: SurveyLink) -> bytes:
    return link_posters_pdf([link])
