"""Official documents as PDF (WeasyPrint): one way to turn a template into a PDF, offline.

The documents are in the GB/T 9704-2012 look (see templates/inspections/urge_notice_pdf.html):
system Noto CJK faces from Debian's fonts-noto-cjk, subset by HarfBuzz (libharfbuzz-subset0),
nothing fetched from the network — only ``data:`` URLs and inline SVG.
"""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .site import site_url


def offline_url_fetcher():
    from weasyprint.urls import URLFetcher

    class OfflineURLFetcher(URLFetcher):
        """Refuses every URL but ``data:`` (a document never reaches the network)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"A generated document may not load {url!r}")

    return OfflineURLFetcher()


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=site_url() + "/", url_fetcher=offline_url_fetcher()).write_pdf()


def pdf_from_template(template_name: str, context: dict) -> bytes:
    """Render a document template in the office's language (Chinese) and print it."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return pdf_from_html(html)
