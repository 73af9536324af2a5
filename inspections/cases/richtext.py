"""The case body's HTML, cleaned on the server with nh3 (Rust ammonia): whatever the browser sends,
only headings, paragraphs, lists, bold/italic, links and tables are kept — no scripts, styles or
event handlers. The editor in the page is a convenience; this is the boundary."""
from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
TAG_RE = re.compile(r"<[^>]+>")
# Browsers' editing commands write <b>/<i>; the stored case says what it means (<strong>/<em>).
SAME_MEANING = [("<b>", "<strong>"), ("</b>", "</strong>"), ("<i>", "<em>"), ("</i>", "</em>")]
EMPTY_PARAGRAPH = re.compile(r"<p>(\s|<br>)*</p>")


def clean_html(raw: str) -> str:
    """Sanitised HTML of a case body; links get rel="noopener noreferrer" and only http(s)/mailto."""
    cleaned = nh3.clean(
        raw or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer", strip_comments=True,
    )
    for old, new in SAME_MEANING:  # attributes are gone by now, so the tags are exactly these
        cleaned = cleaned.replace(old, new)
    return EMPTY_PARAGRAPH.sub("", cleaned).strip()


def plain_text(cleaned: str) -> str:
    """The words of a cleaned body (to tell an empty body and to show an excerpt)."""
    return " ".join(html.unescape(TAG_RE.sub(" ", cleaned or "")).split())
