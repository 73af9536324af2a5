"""Reads of supervision cases (督导案例): lists with a constant number of queries."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch

from supervision import access

from .models import Case, CaseEvent


def case_list_visible_to(user):
    """The cases a user reads, with what a list row shows joined in (no query per row)."""
    return (
        access.cases_visible_to(user)
        .select_related("author", "office", "school", "zone")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-year", "-updated_at", "-pk")
    )


def case_status_counts(cases) -> dict[str, int]:
    return dict(cases.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def case_detail(user, pk: int) -> Case:
    """One case a user may read, with its files and history (404 outside the user's scope)."""
    from django.shortcuts import get_object_or_404

    queryset = access.cases_visible_to(user).select_related("author", "office__parent", "school", "zone").prefetch_related(
        "attachments", Prefetch("events", queryset=CaseEvent.objects.select_related("actor"))
    )
    return get_object_or_404(queryset, pk=pk)


def case_years(user) -> list[int]:
    return list(access.cases_visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def case_contribution(*, office, year: int, until=None):
    """The year-end summary's sentence on cases (督导案例): written (submitted to the office by the
    cut-off), selected as excellent, recommended upward — the office's own cases of that year."""
    from supervision import clock
    until = until or dt.date(year, 12, 31)

    from django.db.models import Q
    from django.utils.translation import gettext as _

    from reports.registry import Contribution

    from .choices import CaseStatus

    figures = Case.objects.filter(
        office=office, year=year, submitted_at__isnull=False, submitted_at__lt=clock.start_of(until + dt.timedelta(days=1))
    ).aggregate(
        written=Count("pk"),
        excellent=Count("pk", filter=Q(status__in=[CaseStatus.EXCELLENT, CaseStatus.RECOMMENDED])),
        recommended=Count("pk", filter=Q(status=CaseStatus.RECOMMENDED)),
    )
    if not figures["written"]:
        return None
    sentence = _("责任督学撰写督导案例%(written)d篇") % figures
    if figures["excellent"]:
        sentence += _(",评选优秀案例%(excellent)d篇") % figures
    if figures["recommended"]:
        sentence += _(",向上级推荐%(recommended)d篇") % figures
    sentence += _("。")
    return Contribution(key="cases", title=_("督导案例"), sentence=sentence, figures=figures, order=60)
