"""Writes of the year-end summary (年度工作总结)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from supervision.models import Office, Zone

from . import blocks as summary_blocks
from .document import summary_or_draft
from .models import AnnualSummary
from .selectors import annual_figures

TITLE_MAX = 200


@transaction.atomic
def annual_summary_save(
    *, office: Office, year: int, zone: Zone | None, user, blocks: dict[str, str] | None = None,
    title: str | None = None, until: dt.date | None = None, signature: str | None = None,
) -> AnnualSummary:
    """Save the words of a year-end summary (the figures stay live: they are placeholders).

    Refuses a block naming a figure that does not exist ({人次} does, {人数} does not) or with
    unmatched braces, and a cut-off date outside the year; nothing is saved then, and the caller
    keeps what was typed. Blocks not sent keep their stored text.
    """
    if zone is not None and zone.office_id != office.pk:
        raise ValidationError(_("所选责任区不属于%(office)s。") % {"office": office.name})
    summary = summary_or_draft(office=office, year=year, zone=zone)
    if summary.pk:
        summary = AnnualSummary.objects.select_for_update().get(pk=summary.pk)
    errors: dict[str, list[str]] = {}
    if until is not None:
        if until.year != year:
            errors["until"] = [_("截至日期应在%(year)d年内。") % {"year": year}]
        else:
            summary.until = until
    if title is not None:
        title = title.strip()
        if not title:
            errors["title"] = [_("请填写标题。")]
        summary.title = title[:TITLE_MAX]
    if signature is not None:
        summary.signature = signature.strip()[:200]
    cleaned = {key: str(text).replace("\r\n", "\n").strip() for key, text in (blocks or {}).items()}
    figures = annual_figures(office=office, year=year, zone=zone, until=summary.until)
    try:
        summary_blocks.blocks_check(figures, cleaned)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    summary.blocks = {**summary.blocks, **cleaned}
    summary.updated_by = user if getattr(user, "is_authenticated", False) else None
    summary.save()
    return summary
