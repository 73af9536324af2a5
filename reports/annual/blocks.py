"""The narrative of a year-end summary: its sections, their drafted text, and the placeholders
({人次}, {整改率} …) that keep every figure live while the director edits the words around them.

A summary is a list of blocks: the opening, the monthly loop, rectification, one section per
contribution of the rest of the year (special inspections, evaluations, surveys …), next year's
plan. Each block's text may name figures as ``{名称}``; they are filled in when the summary is
shown or printed, so a late visit changes the printed number without anyone retyping it. A
contribution's drafted sentence is ``{<key>}`` (e.g. ``{campaigns}``) and its single figures
``{<key>.<figure>}``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models.choices import EscalationLevel
from inspections.tickets.rules import rate_text

from .selectors import AnnualFigures

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
BRACE = re.compile(r"[{}]")
TOP_ITEMS = 3  # the drafted sentence names the three items with most problems


def _pct(value: float | None) -> str:
    return rate_text(value)


def cn_month_day(day) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def cn_date(day) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _top_items(f: AnnualFigures) -> str:
    parts = [_("%(title)s方面%(n)d个") % {"title": title, "n": n} for _code, title, n in f.by_item[:TOP_ITEMS]]
    return "、".join(parts) if parts else _("无")


# Name -> (what it means, value). The names are what the director types; keep them short and Chinese.
FIGURES: dict[str, tuple[str, Callable[[AnnualFigures], object]]] = {
    "年度": (gettext_lazy("总结年度"), lambda f: f.year),
    "次年": (gettext_lazy("下一年度"), lambda f: f.year + 1),
    "截至日期": (gettext_lazy("数据截至日期(月日)"), lambda f: cn_month_day(f.until)),
    "督导室": (gettext_lazy("督导室名称"), lambda f: f.office.name),
    "责任区": (gettext_lazy("责任区名称"), lambda f: f.zone.name if f.zone else ""),
    "人次": (gettext_lazy("入校督导人次(联合督导按参加督学分别计)"), lambda f: f.person_visits),
    "校次": (gettext_lazy("入校督导校次(一次联合督导计1校次)"), lambda f: f.school_visits),
    "督导学校数": (gettext_lazy("督导覆盖学校数"), lambda f: f.schools_visited),
    "学校总数": (gettext_lazy("学校总数"), lambda f: f.schools_total),
    "覆盖率": (gettext_lazy("学校覆盖率"), lambda f: _pct(f.coverage_rate)),
    "月总结报告": (gettext_lazy("提交月总结报告份数"), lambda f: f.monthly_summaries),
    "问题数": (gettext_lazy("经常性督导发现问题数"), lambda f: f.problems),
    "问题学校数": (gettext_lazy("存在问题的学校数"), lambda f: f.schools_with_problems),
    "问题类别": (gettext_lazy("问题最多的督导事项"), _top_items),
    "问题总数": (gettext_lazy("各类督导发现问题总数(整改基数)"), lambda f: f.problems_all),
    "整改报告数": (gettext_lazy("学校提交整改报告份数"), lambda f: f.reports_submitted),
    "销号数": (gettext_lazy("复查销号问题数"), lambda f: f.tickets_closed),
    "整改率": (gettext_lazy("整改率(销号数/问题总数)"), lambda f: _pct(f.rectification_rate)),
    "按期整改率": (gettext_lazy("按期整改率(按期销号数/已销号与逾期未整改之和)"), lambda f: _pct(f.on_time_rate)),
    "逾期整改数": (gettext_lazy("逾期整改问题数(超过期限后才销号)"), lambda f: f.closed_late),
    "逾期未整改数": (gettext_lazy("逾期未整改问题数(截至日期仍未销号且已过期限)"), lambda f: f.overdue_open),
    "逾期数": (gettext_lazy("逾期问题数(逾期整改与逾期未整改之和)"), lambda f: f.overdue),
    "逾期率": (gettext_lazy("逾期率(逾期问题数/问题总数)"), lambda f: _pct(f.overdue_rate)),
    "督办数": (gettext_lazy("督办次数"), lambda f: f.escalation_count(EscalationLevel.URGE)),
    "通报数": (gettext_lazy("通报次数"), lambda f: f.escalation_count(EscalationLevel.NOTICE)),
    "约谈数": (gettext_lazy("约谈次数"), lambda f: f.escalation_count(EscalationLevel.SUMMONS)),
    "问责数": (gettext_lazy("问责次数"), lambda f: f.escalation_count(EscalationLevel.ACCOUNTABILITY)),
}


def placeholder_values(f: AnnualFigures) -> dict[str, str]:
    """Every placeholder this summary knows, with its value as printed."""
    values = {name: str(value(f)) for name, (_label, value) in FIGURES.items()}
    for c in f.contributions:
        values[c.key] = c.sentence
        for name, number in c.figures.items():
            values[f"{c.key}.{name}"] = f"{number:g}" if isinstance(number, float) else str(number)
    return values


def placeholder_legend(f: AnnualFigures) -> list[tuple[str, str, str]]:
    """(placeholder, meaning, current value) for the edit page."""
    values = placeholder_values(f)
    legend = [(name, str(label), values[name]) for name, (label, _v) in FIGURES.items()]
    for c in f.contributions:
        legend.append((c.key, c.title, c.sentence))
        legend += [(f"{c.key}.{n}", c.title, values[f"{c.key}.{n}"]) for n in c.figures]
    return legend


def check(text: str, known: set[str]) -> list[str]:
    """Why this text cannot be filled in: unknown placeholders, unmatched braces (Chinese messages)."""
    errors = []
    unknown = [name for name in PLACEHOLDER.findall(text) if name.strip() not in known]
    if unknown:
        errors.append(
            _("未知的数据占位符:%(names)s。可用的占位符见右侧“可用数据”。")
            % {"names": "、".join("{" + name + "}" for name in dict.fromkeys(unknown))}
        )
    if BRACE.search(PLACEHOLDER.sub("", text)):
        errors.append(_("花括号不成对:数据占位符应写成 {人次} 的形式。"))
    return errors


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders replaced; an unknown one stays as typed, braces and all."""
    return PLACEHOLDER.sub(lambda m: values.get(m[1].strip(), m[0]), text)


# --- Sections and their drafted text -------------------------------------------------------------


@dataclass(frozen=True)
class BlockSpec:
    key: str
    heading: str  # without its number (一、二、 are added in order); empty for the opening
    draft: str  # the drafted text, with placeholders
    free_text: bool = False  # written by people, no figures drafted (next year's plan)


def we(office_name: str) -> str:
    """我县 / 我区 / 我市: how the office names its own county in its documents."""
    short = office_name.replace("人民政府教育督导室", "").replace("教育督导室", "")
    return "我" + (short[-1] if short and short[-1] in "县区市旗" else "县")


def block_specs(f: AnnualFigures) -> list[BlockSpec]:
    """The sections of this summary in order: opening, monthly loop, rectification, each
    contribution (office summaries only), next year's plan."""
    if f.zone is None:
        us = we(f.office.name)
        opening = _(
            "{年度}年,{督导室}在党委、政府和上级教育督导部门的正确领导下,坚持督政、督学、评估监测相结合,"
            "以责任督学挂牌督导为抓手,扎实开展经常性督导、专项督导和问题整改工作,圆满完成了本年度各项督导任务。"
            "现将年度工作总结如下:"
        )
    else:
        us = _("本责任区")
        opening = _(
            "{年度}年,{责任区}责任督学在{督导室}的统一部署下,按照年度工作计划每月深入责任区学校开展经常性督导,"
            "督促学校规范办学、整改问题。现将本责任区年度工作总结如下:"
        )
    loop = _(
        "责任督学每月通过校园巡查、听取汇报、查阅档案、推门听课、访谈师生等方式到校督导,"
        "重点督导检查各校落实年度工作计划确定的月度重点工作情况。"
        "截至{截至日期},%(we)s责任督学入校督导共{人次}人次,督导学校{校次}校次,覆盖学校{督导学校数}所(共{学校总数}所),"
        "提交月总结报告{月总结报告}份,发现共有{问题学校数}所学校存在问题{问题数}个,"
        "其中{问题类别}。"
    ) % {"we": us}
    rectification = _(
        "坚持“问题必整改、整改必落实”,对发现的问题逐一下达整改通知、限期整改,责任督学每月回访复查。"
        "全年各类督导共发现问题{问题总数}个,学校完成整改并提交整改报告{整改报告数}份,复查销号{销号数}个,"
        "整改率{整改率},按期整改率{按期整改率};逾期整改{逾期整改数}个,逾期未整改{逾期未整改数}个。对逾期未整改的问题,"
        "依次督办{督办数}次、通报{通报数}次、约谈{约谈数}次、问责{问责数}次。"
    )
    plan = _(
        "1、坚持责任督学挂牌督导,确保每月对责任区学校督导全覆盖。\n"
        "2、完善问题整改台账,对逾期问题及时督办,做到问题必整改、整改必落实。\n"
        "3、做好上级布置的专项督导任务,提升督导工作的针对性和实效性。"
    )
    specs = [
        BlockSpec("opening", "", opening),
        BlockSpec("loop", _("扎实开展责任督学经常性督导"), loop),
        BlockSpec("rectification", _("狠抓问题整改落实"), rectification),
    ]
    specs += [BlockSpec(f"contrib:{c.key}", c.title, "{" + c.key + "}") for c in f.contributions]
    specs.append(BlockSpec("plan", _("%(year)d年工作计划") % {"year": f.year + 1}, plan, free_text=True))
    return specs


@dataclass(frozen=True)
class Section:
    key: str
    number: str  # 一、 二、 … ("" for the opening)
    heading: str
    text: str  # as stored (placeholders)
    paragraphs: list[str]  # as printed (filled in)
    errors: list[str]


NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def sections(f: AnnualFigures, blocks: dict[str, str]) -> list[Section]:
    """The summary's sections with each text filled in from the figures (a missing block prints its draft)."""
    values = placeholder_values(f)
    known = set(values)
    out, n = [], 0
    for spec in block_specs(f):
        text = blocks.get(spec.key, spec.draft)
        number = ""
        if spec.heading:
            n += 1
            number = cn_number(n) + "、"
        filled = fill(text, values)
        paragraphs = [line.strip() for line in filled.splitlines() if line.strip()]
        out.append(Section(spec.key, number, spec.heading, text, paragraphs, check(text, known)))
    return out


def blocks_check(f: AnnualFigures, blocks: dict[str, str]) -> None:
    """Refuse blocks naming unknown figures or with unmatched braces (a ValidationError keyed by block)."""
    known = set(placeholder_values(f))
    specs = {spec.key: spec for spec in block_specs(f)}
    errors = {}
    for key, text in blocks.items():
        if key not in specs:
            errors[key] = [_("未知的段落:%(key)s。") % {"key": key}]
            continue
        problems = check(text, known)
        if problems:
            errors[key] = problems
    if errors:
        raise ValidationError(errors)
