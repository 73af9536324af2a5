"""The evaluations' section of the year-end summary (年度工作总结), drafted in the seeds' words
(seed 004 §三: 「……对参评的8家幼儿园开展县级实地督评……」; seed 002: 「……17所学校……16所达到标准」)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from reports.registry import Contribution

from .choices import Level, SchemeKind
from .selectors import year_figures


def _fmt(value) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value is not None else ""


def evaluations_contribution(*, office, year: int, until=None) -> Contribution | None:
    figures = year_figures(office=office, year=year)
    parts, numbers = [], {}
    if figures["kindergartens"]:
        levels = figures["levels"]
        sentence = _("组织%(n)d所幼儿园开展办园行为督导评估") % {"n": figures["kindergartens"]}
        if figures["county_scored"]:
            sentence += _(",县级实地督评平均得分%(avg)s分") % {"avg": _fmt(figures["county_average"])}
        counted = [(lv, levels.get(lv.value, 0)) for lv in Level if levels.get(lv.value)]
        if counted:
            sentence += "," + "、".join(_("%(level)s%(n)d所") % {"level": lv.label, "n": n} for lv, n in counted)
        if figures["tickets"]:
            sentence += _(",对薄弱园所下达整改问题%(n)d个") % {"n": figures["tickets"]}
        parts.append(sentence)
        numbers.update({
            "kindergartens": figures["kindergartens"], "county_average": float(figures["county_average"] or 0),
            "weak": figures["weak"], "tickets": figures["tickets"],
            **{f"level_{k}": v for k, v in levels.items()},
        })
    for n, a in enumerate(figures["assessments"], start=1):
        if a["kind"] == SchemeKind.ACCEPTANCE:
            parts.append(_("开展%(name)s,评估验收%(schools)d所学校,%(passed)d所达到标准") % {
                "name": a["name"], "schools": a["scored"], "passed": a["passed"]})
        else:
            parts.append(_("完成%(name)s,考核学校%(schools)d所,平均得分%(avg)s分,合格%(passed)d所") % {
                "name": a["name"], "schools": a["scored"], "avg": _fmt(a["average"]), "passed": a["passed"]})
        numbers[f"assessment_{n}_schools"] = a["scored"]
        numbers[f"assessment_{n}_passed"] = a["passed"]
    if not parts:
        return None
    return Contribution(key="evaluations", title=_("开展督导评估与考核"), sentence=";".join(parts) + "。",
                        figures=numbers, order=30)
