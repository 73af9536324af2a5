"""The coverage table's school rows, rendered in Python.

A county office has around 1,000 schools on one page; the Django template engine costs about half
a millisecond a row, Python string formatting a few microseconds (benchmarks/README.md).
"""
import functools
import html

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.choices import SchoolKind

register = template.Library()

PK_SLOT = 2147483647  # reversed once, then replaced by each school's pk


def school_state(school) -> str:
    """已督导 (a submitted checklist this month), 草稿中 (only a draft), else 未督导."""
    return "visited" if school.visit_count else "draft" if school.draft_count else "gap"


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """Labels translated once per language (a page calls the tag once per zone)."""
    return {
        "kinds": {value: html.escape(str(label)) for value, label in SchoolKind.choices},
        "badges": {
            state: f'<span class="badge text-bg-{colour}">{html.escape(label)}</span>'
            for state, colour, label in (
                ("visited", "success", _("已督导")), ("draft", "warning", _("草稿中")), ("gap", "danger", _("未督导"))
            )
        },
        "day": _("%(m)d月%(d)d日"),
        "times": {n: html.escape(ngettext("%(n)d 次", "%(n)d 次", n) % {"n": n}) for n in range(1, 32)},
    }


@register.simple_tag
def coverage_rows(schools):
    """One <tr> a school: name (linked), kind, 已督导 / 草稿中 / 未督导, visits this month, last visit."""
    labels = _labels(translation.get_language())
    kinds, badges, day, times = labels["kinds"], labels["badges"], labels["day"], labels["times"]
    url = html.escape(reverse("schools:detail", args=[PK_SLOT])).replace(str(PK_SLOT), "{pk}")

    rows = []
    for s in schools:
        state = school_state(s)
        last = html.escape(day % {"m": s.last_visit.month, "d": s.last_visit.day}) if s.last_visit else ""
        rows.append(
            f'<tr data-testid="school-row" data-school="{s.pk}" data-status="{state}">'
            f'<td class="cov-name"><a href="{url.format(pk=s.pk)}">{html.escape(s.name)}</a></td>'
            f'<td class="small text-muted">{kinds.get(s.kind, "")}</td><td>{badges[state]}</td>'
            f'<td class="small">{times.get(s.visit_count, s.visit_count or "")}</td><td class="small">{last}</td></tr>'
        )
    return mark_safe("".join(rows))  # every value above is escaped or an integer


@register.simple_tag
def coverage_labels() -> dict:
    """The zone cards' fixed wording, translated once a page rather than once a zone."""
    heads = [_("学校"), _("类型"), _("督导情况"), _("本月次数"), _("最近督导")]
    return {
        "unzoned": _("未划入责任区"),
        "late": _("逾期未全覆盖"),
        "warning": _("临近报送日"),
        "done": _("已全覆盖"),
        "supervisors": _("责任督学"),
        "thead": mark_safe("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"),
    }


@functools.lru_cache(maxsize=8)
def _todo_labels(language: str) -> dict:
    return {
        "kinds": {value: html.escape(str(label)) for value, label in SchoolKind.choices},
        "last": _("上次督导 %(date)s"),
        "never": html.escape(_("近三个月无督导记录")),
        "date": _("%(y)d年%(m)d月%(d)d日"),
        "day": _("%(m)d月%(d)d日"),
        "start": html.escape(_("开始督导")),
        "continue": html.escape(_("继续填写")),
        "times": _("%(n)d 次 · "),
    }


@register.simple_tag
def todo_rows(schools, visited=False, year=None):
    """The supervisor's to-do list items: a school not visited this month with a big 开始督导 button
    (继续填写 when my draft of this month exists), or a visited one with its last visit date (the
    year shown only when it is not ``year``)."""
    labels = _todo_labels(translation.get_language())
    rows = []
    if visited:
        for s in schools:
            times = labels["times"] % {"n": s.visit_count} if s.visit_count > 1 else ""
            day = labels["day"] % {"m": s.last_visit.month, "d": s.last_visit.day}
            rows.append(
                '<li class="list-group-item d-flex justify-content-between align-items-center gap-2" '
                f'data-testid="visited-school"><span data-testid="my-school">{html.escape(s.name)}</span>'
                f'<span class="small text-muted text-nowrap">{html.escape(times + day)}</span></li>'
            )
        return mark_safe("".join(rows))  # escaped above
    start = html.escape(reverse("inspections:visit_start"))
    detail = html.escape(reverse("inspections:visit_detail", args=[PK_SLOT])).replace(str(PK_SLOT), "{pk}")
    for s in schools:
        if s.last_visit:
            d = s.last_visit
            date = (labels["day"] if d.year == year else labels["date"]) % {"y": d.year, "m": d.month, "d": d.day}
            last = html.escape(labels["last"] % {"date": date})
        else:
            last = labels["never"]
        draft = s.my_draft
        if draft:
            button = f'<a class="btn btn-warning btn-tap d-inline-flex align-items-center justify-content-center" href="{detail.format(pk=draft.pk)}">{labels["continue"]}</a>'
        else:
            button = (
                f'<a class="btn btn-primary btn-tap d-inline-flex align-items-center justify-content-center" href="{start}?school={s.pk}" data-testid="start-visit">'
                f'{labels["start"]}</a>'
            )
        rows.append(
            '<li class="list-group-item d-flex align-items-center gap-2" data-testid="todo-school">'
            f'<div class="me-auto"><div class="fw-semibold" data-testid="my-school">{html.escape(s.name)}</div>'
            f'<div class="small text-muted">{labels["kinds"].get(s.kind, "")} · {last}</div></div>{button}</li>'
        )
    return mark_safe("".join(rows))  # escaped above
