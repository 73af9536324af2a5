"""The ledger's long pieces, rendered in Python: its rows and the 回头看 table (a row per school).
The Django template engine costs ~0.5 ms a row, string formatting a few microseconds
(benchmarks/README.md)."""
import functools
import html

from django import template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.models.choices import Severity, TicketStatus
from schools.choices import SchoolKind

register = template.Library()


@register.simple_tag
def lookback_rows(zones, year):
    """One bold row a zone (its totals), then one row a school, each linking to its own list."""
    rows = []
    for zone in zones:
        name = html.escape(zone.name)
        if zone.pk:
            name = f'<a href="?year={int(year)}&amp;zone={int(zone.pk)}">{name}</a>'
        rows.append(
            f'<tr class="table-light fw-bold" data-testid="lookback-zone"><td>{name}</td>'
            f'<td class="text-end">{zone.still_open}</td><td class="text-end">{zone.closed_late}</td>'
            f'<td class="text-end">{zone.total}</td></tr>'
        )
        for school in zone.schools:
            rows.append(
                f'<tr data-testid="lookback-school" data-school="{int(school.pk)}"><td class="ps-4">'
                f'<a href="?year={int(year)}&amp;school={int(school.pk)}">{html.escape(school.name)}</a></td>'
                f'<td class="text-end">{school.still_open}</td><td class="text-end">{school.closed_late}</td>'
                f'<td class="text-end">{school.total}</td></tr>'
            )
    if not rows:
        return ""
    return mark_safe("".join(rows))  # names escaped, numbers are integers



@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """Choice labels and badges translated once per language, not once a row."""
    styles = {TicketStatus.OPEN: "secondary", TicketStatus.IN_PROGRESS: "info", TicketStatus.SUBMITTED: "primary",
              TicketStatus.CLOSED: "success"}
    return {
        "kinds": {value: html.escape(str(label)) for value, label in SchoolKind.choices},
        "severities": {value: html.escape(str(label)) for value, label in Severity.choices},
        "badges": {
            value: f'<span class="badge text-bg-{styles[value]}">{html.escape(str(label))}</span>'
            for value, label in TicketStatus.choices
        },
        "days": {n: _days(n) for n in range(1, 400)},
        # Column names shown before the value when the table stacks on a phone.
        "on_phone": {
            key: f'<span class="d-md-none text-muted">{html.escape(label)}:</span>'
            for key, label in (("found", _("发现日期")), ("deadline", _("整改期限")), ("overdue", _("逾期天数")),
                               ("closed", _("销号日期")))
        },
    }


def _days(n: int) -> str:
    return html.escape(ngettext("%(n)d 天", "%(n)d 天", n) % {"n": n})


def _cut(text: str, limit: int = 80) -> str:
    return html.escape(text if len(text) <= limit else text[: limit - 1] + "…")


@register.simple_tag
def ticket_rows(tickets, columns: str = "ledger"):
    """The ledger's rows (or 回头看's shorter ones): one <tr> a ticket, linked to the ticket page when
    it exists. Each ticket carries ``days_overdue`` and ``detail_url`` (ledger_views._decorate)."""
    labels = _labels(translation.get_language())
    tz = timezone.get_current_timezone()
    rows = []
    for t in tickets:
        p = t.problem
        url = html.escape(t.detail_url)
        school, description = html.escape(t.school.name), _cut(p.description)
        if url:
            school, description = f'<a href="{url}">{school}</a>', f'<a href="{url}">{description}</a>'
        days = t.days_overdue
        late = ""
        if days:
            css = "text-danger fw-bold" if t.status != TicketStatus.CLOSED else "text-muted"
            late = f'<span class="{css}">{labels["days"].get(days) or _days(days)}</span>'
        phone = labels["on_phone"]
        late = phone["overdue"] + late if late else ""
        closed = phone["closed"] + t.closed_at.astimezone(tz).date().isoformat() if t.closed_at else ""
        item = html.escape(f"{p.item_code} {p.item_title}")
        cells = [f'<td class="text-nowrap">{phone["found"]}{p.found_on.isoformat()}</td>', f"<td>{school}</td>"]
        if columns == "ledger":
            zone = html.escape(t.problem.zone.name) if t.problem.zone_id else "—"
            cells += [f"<td>{zone}</td>", f'<td class="text-nowrap">{labels["kinds"].get(t.school.kind, "")}</td>']
        cells += [f"<td>{item}</td>", f"<td>{description}</td>"]
        if columns == "ledger":
            cells += [f'<td class="text-nowrap">{labels["severities"].get(p.severity, "")}</td>', f"<td>{_cut(p.opinion)}</td>"]
        cells += [
            f'<td class="text-nowrap">{phone["deadline"]}{t.deadline.isoformat()}</td>', f'<td>{labels["badges"][t.status]}</td>',
            f'<td class="text-nowrap">{late}</td>', f'<td class="text-nowrap">{closed}</td>',
        ]
        testid = "ledger-row" if columns == "ledger" else "lookback-row"
        rows.append(
            f'<tr data-testid="{testid}" data-ticket="{int(t.pk)}" data-status="{html.escape(t.status)}">'
            + "".join(cells) + "</tr>"
        )
    return mark_safe("".join(rows))  # every text above is escaped; dates and numbers are formatted here
