"""What the rest of the year adds to the year-end summary (年度工作总结).

The summary's own figures come from the monthly loop (visits, monthly summaries, problems,
tickets, escalations). Other parts of the office's year — special inspections, the kindergarten
evaluation, assessments, satisfaction surveys, cases, complaints — each register a contributor in
their ``AppConfig.ready``: given an office (and its subtree rules are the contributor's own: count the
office's own records), a year and the summary's cut-off day ``until``, it returns a ``Contribution``
(or None when there is nothing that year) counting what happened from 1 January to ``until`` — the
one cut-off rule of every figure of the summary. The summary drafts a section from each, with the
figures live and the sentence editable.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Contribution:
    key: str  # stable id of the section, e.g. "surveys"
    title: str  # section heading in the summary, e.g. "开展社会满意度调查"
    sentence: str  # a drafted sentence with the real figures, in the seeds' style
    figures: dict[str, int | float] = field(default_factory=dict)  # named numbers (checked by tests)
    order: int = 100  # sections are sorted by it


Contributor = Callable[..., "Contribution | None"]  # (office=, year=, until=) -> Contribution | None
CONTRIBUTORS: list[Contributor] = []


def register(contributor: Contributor) -> Contributor:
    if contributor not in CONTRIBUTORS:
        CONTRIBUTORS.append(contributor)
    return contributor


def contributions_for(*, office, year: int, until: dt.date | None = None) -> list[Contribution]:
    """Every section of the year (to 31 December unless a cut-off ``until`` is given)."""
    until = until or dt.date(year, 12, 31)
    found = [c for c in (contributor(office=office, year=year, until=until) for contributor in CONTRIBUTORS) if c]
    return sorted(found, key=lambda c: (c.order, c.key))
