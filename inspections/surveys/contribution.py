"""The surveys' paragraph of the year-end summary (年度工作总结)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from reports.registry import Contribution

from .choices import Audience


def survey_contribution(*, office, year: int, until=None) -> Contribution | None:
    """「完成学生和家长调查问卷1968份,家长总体满意度93.2%。」 — the office's own surveys of that year."""
    from .selectors import year_figures

    figures = year_figures(office=office, year=year, until=until)
    if not figures["responses"]:
        return None
    who = [str(a.label) for a in Audience if figures["by_audience"].get(a.value)]
    joined = _("和").join(who) if len(who) <= 2 else "、".join(who[:-1]) + _("和") + who[-1]
    sentence = _("完成%(who)s调查问卷%(n)d份") % {"who": joined, "n": figures["responses"]}
    if figures["parent_satisfaction"] is not None:
        sentence += _("，家长总体满意度%(p)s%%") % {"p": figures["parent_satisfaction"]}
    elif figures["satisfaction"] is not None:
        sentence += _("，总体满意度%(p)s%%") % {"p": figures["satisfaction"]}
    sentence += "。"
    numbers = {"surveys": figures["surveys"], "responses": figures["responses"], "schools": figures["schools"]}
    numbers.update({f"responses_{k}": v for k, v in figures["by_audience"].items()})
    if figures["parent_satisfaction"] is not None:
        numbers["parent_satisfaction"] = figures["parent_satisfaction"]
    if figures["satisfaction"] is not None:
        numbers["satisfaction"] = figures["satisfaction"]
    return Contribution(key="surveys", title=_("开展社会满意度调查"), sentence=sentence, figures=numbers, order=40)
