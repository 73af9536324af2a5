"""The campaigns' sentence in the year-end summary (年度工作总结)."""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reports.registry import Contribution

from .selectors import year_figures


def campaigns_contribution(*, office, year: int, until=None) -> Contribution | None:
    """「开展“双减”等专项督导3次,抽查学校15所,发现问题9个,已整改7个。」 — the office's own
    campaigns that started that year by the cut-off; schools counted once per campaign."""
    figures = year_figures(office=office, year=year, until=until)
    if not figures["campaigns"]:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        topics = "".join(f"“{t}”" for t in figures["topics"][:2])
        more = _("等") if len(figures["topics"]) > 1 else ""
        sentence = _(
            "开展%(topics)s%(more)s专项督导%(n)d次,抽查学校%(schools)d所,发现问题%(problems)d个,已整改%(rectified)d个。"
        ) % {
            "topics": topics, "more": more, "n": figures["campaigns"], "schools": figures["schools"],
            "problems": figures["problems"], "rectified": figures["rectified"],
        }
        title = _("开展专项督导")
    return Contribution(
        key="campaigns", title=title, sentence=sentence, order=20,
        figures={k: figures[k] for k in ("campaigns", "schools", "problems", "rectified")},
    )
