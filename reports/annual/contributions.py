"""What the rest of the year adds to the year-end summary (年度工作总结).

The summary's own figures come from the monthly loop (visits, monthly summaries, problems,
tickets, escalations). Other parts of the office's year — special inspections, the kindergarten
evaluation, assessments, satisfaction surveys, cases, complaints — each register a contributor in
their ``AppConfig.ready`` (``reports.registry.register_contribution``): given an office (and its subtree rules are the contributor's own: count the
office's own records), a year and the summary's cut-off day ``until``, it returns a ``Contribution``
(or None when there is nothing that year) counting what happened from 1 January to ``until`` — the
one cut-off rule of every figure of the summary. The summary drafts a section from each, with the
figures live and the sentence editable.
"""
from __future__ import annotations

import datetime as dt

from reports.registry import CONTRIBUTORS, Contribution


def contributions_for(*, office, year: int, until: dt.date | None = None) -> list[Contribution]:
    """Every section of the year (to 31 December unless a cut-off ``until`` is given)."""
    until = until or dt.date(year, 12, 31)
    found = [c for c in (contributor(office=office, year=year, until=until) for contributor in CONTRIBUTORS) if c]
    return sorted(found, key=lambda c: (c.order, c.key))
