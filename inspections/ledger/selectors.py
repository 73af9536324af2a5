"""The ledger (台账) of rectification tickets, its Excel export, and 回头看.

问题必整改、整改必落实 (seed 003): the office keeps one ledger of every problem and its ticket, and a
year later looks back (回头看) at last year's tickets still open or closed late. Reads only: scope
comes from ``supervision.access``, filters from ``inspections.tickets.filters.TicketFilter``.

The export must stay in bounded memory for 100,000 rows (issue 4): rows are read as plain tuples
(``values_list(...).iterator()``, never model instances) and written by openpyxl's write-only
workbook, which streams each row to disk as it comes (inline strings, no shared-string table).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from schools.choices import SchoolKind
from schools.models import School
from supervision import clock
from supervision.models import Zone

from inspections.tickets import rules as rectification
from inspections.models.choices import Severity, TicketStatus
from inspections.models import Ticket, TicketReport, Visit

CLOSED = TicketStatus.CLOSED

# The ledger's columns (page and Excel), with their width in the workbook.
COLUMNS: list[tuple[str, int]] = [
    (gettext_lazy("发现日期"), 12),
    (gettext_lazy("学校"), 26),
    (gettext_lazy("责任区"), 18),
    (gettext_lazy("类型"), 12),
    (gettext_lazy("督导事项"), 24),
    (gettext_lazy("问题描述"), 44),
    (gettext_lazy("严重程度"), 10),
    (gettext_lazy("整改意见"), 44),
    (gettext_lazy("整改期限"), 12),
    (gettext_lazy("状态"), 14),
    (gettext_lazy("逾期天数"), 10),
    (gettext_lazy("销号日期"), 12),
    # What an import needs to give the same ledger back (inspections.ledger.importer): who visited, the
    # school's report day, and the ticket's number — the key a re-import updates by.
    (gettext_lazy("督学"), 16),
    (gettext_lazy("整改报告日期"), 12),
    (gettext_lazy("编号"), 10),
]
ROW_FIELDS = (
    "problem__found_on", "school__name", "problem__zone__name", "school__kind", "problem__item_code",
    "problem__item_title", "problem__description", "problem__severity", "problem__opinion", "deadline", "status",
    "closed_on", "problem__visit_id", "reported_on", "pk",
)
SUPERVISOR_SEPARATOR = "、"
CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The ledger page --------------------------------------------------------------------------------


ORDER = ("-opened_on", "-pk")  # newest finding first


def ledger_page(tickets: QuerySet[Ticket], *, number, count: int, per_page: int):
    """One page of ledger rows in two queries: the page's ids, sorted over the ticket table alone,
    then those tickets with their problem, school and zone. Sorting the whole joined rows of
    100,000 tickets to keep 50 costs ten times more."""
    paginator = Paginator(tickets.order_by(*ORDER).values_list("pk", flat=True), per_page)
    paginator.count = count  # already counted (ledger_totals): no second COUNT(*)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = Ticket.objects.filter(pk__in=ids).select_related("problem__zone", "school").in_bulk()
    page.object_list = [rows[pk] for pk in ids]
    return page


def ledger_totals(tickets: QuerySet[Ticket], *, today: dt.date) -> dict[str, int]:
    """Count by status and overdue, in one query."""
    counts = {status: Count("pk", filter=Q(status=status)) for status in TicketStatus.values}
    return tickets.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=rectification.overdue_open(today)), **counts)


# --- The Excel export -------------------------------------------------------------------------------


def ledger_rows(tickets: QuerySet[Ticket], *, today: dt.date) -> Iterator[list]:
    """The ledger's rows as plain lists, read 2,000 at a time: bounded memory whatever the count."""
    # Labels translated once, not once a row.
    kinds, severities, statuses = (
        {value: str(label) for value, label in choices.choices} for choices in (SchoolKind, Severity, TicketStatus)
    )
    rows = (
        tickets.order_by(*ORDER).annotate(reported_on=last_report_day()).values_list(*ROW_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    for chunk in _chunks(rows, CHUNK):
        names = visit_supervisor_names({row[12] for row in chunk if row[12]})
        for (found, school, zone, kind, code, title, description, severity, opinion, deadline, status, closed_on,
             visit_id, reported_on, pk) in chunk:
            yield [
                found, school, zone or "", kinds.get(kind, kind), f"{code} {title}", description,
                severities.get(severity, severity), opinion, deadline, statuses.get(status, status),
                rectification.days_overdue(status=status, deadline=deadline, closed_on=closed_on, day=today),
                closed_on, SUPERVISOR_SEPARATOR.join(names.get(visit_id, [])), reported_on, pk,
            ]


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def last_report_day():
    """The day the school submitted its latest rectification report (整改报告), if any."""
    return Subquery(
        TicketReport.objects.filter(ticket=OuterRef("pk")).exclude(submitted_on=None).order_by("-round")
        .values("submitted_on")[:1]
    )


def visit_supervisor_names(visit_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each visit's supervisors by name, the one who filed it first (1 query)."""
    names: dict[int, list[str]] = {}
    through = Visit.supervisors.through
    rows = (
        through.objects.filter(visit_id__in=list(visit_ids))
        .annotate(later=Case(When(supervisor_id=F("visit__created_by_id"), then=0), default=1))
        .order_by("visit_id", "later", "supervisor__name", "supervisor_id")
        .values_list("visit_id", "supervisor__name")
    )
    for visit_id, name in rows:
        names.setdefault(visit_id, []).append(name)
    return names


def _safe(value):
    """Text as text: no control characters Excel rejects, and a leading '=' never becomes a formula."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def ledger_workbook(*, rows: Iterable[list], title: str, subtitle: str) -> tempfile.SpooledTemporaryFile:
    """Write the ledger to a temporary .xlsx (write-only: one row in memory at a time) and return
    the file, rewound. Title row, filter description, a frozen header, column widths."""
    with translation.override("zh-hans"):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("问题整改台账"))
        for index, (_label, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A4"
        last = get_column_letter(len(COLUMNS))
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.merged_cells.add(f"A2:{last}2")
        heading = WriteOnlyCell(sheet, value=title)
        heading.font = Font(bold=True, size=14)
        heading.alignment = Alignment(horizontal="center")
        sheet.append([heading])
        sheet.append([_safe(subtitle)])
        headers = []
        for label, _width in COLUMNS:
            cell = WriteOnlyCell(sheet, value=str(label))
            cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, Alignment(horizontal="center")
            headers.append(cell)
        sheet.append(headers)
        for row in rows:
            sheet.append([_text_cell(sheet, value) for value in row])
    # Kept in memory up to 1 MB, then on disk: a 100,000-row export never sits in RAM.
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    return out


def _text_cell(sheet, value):
    value = _safe(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


# --- 回头看 -----------------------------------------------------------------------------------------


def lookback_tickets(tickets: QuerySet[Ticket], *, year: int) -> QuerySet[Ticket]:
    """回头看 (seed 003 §三(四)): tickets of problems found in ``year`` still open, or closed late."""
    # opened_on is the problem's found_on (tickets_open), and on the ticket row itself.
    today = clock.today()
    return tickets.filter(opened_on__year=year).filter(rectification.open_on(today) | rectification.closed_late(today))


@dataclass
class LookbackSchool:
    pk: int
    name: str
    still_open: int
    closed_late: int

    @property
    def total(self) -> int:
        return self.still_open + self.closed_late


@dataclass
class LookbackZone:
    pk: int | None
    name: str
    schools: list[LookbackSchool] = field(default_factory=list)

    @property
    def still_open(self) -> int:
        return sum(s.still_open for s in self.schools)

    @property
    def closed_late(self) -> int:
        return sum(s.closed_late for s in self.schools)

    @property
    def total(self) -> int:
        return self.still_open + self.closed_late


def lookback_by_zone(tickets: QuerySet[Ticket]) -> list[LookbackZone]:
    """Counts of still-open and closed-late tickets per school, grouped by zone. Two queries: the
    counts over the ticket table alone, then the names of the schools counted (joining schools
    into the count would look tickets up school by school)."""
    counts = {
        (row["problem__zone"], row["school_id"]): row
        for row in tickets.order_by().values("problem__zone", "school_id").annotate(
            still_open=Count("pk", filter=~Q(status=CLOSED)), closed_late=Count("pk", filter=Q(status=CLOSED))
        )
    }
    # Grouped by the zone each problem was found in (a school that moved since counts for that zone).
    names = dict(School.objects.filter(pk__in={s for _z, s in counts}).values_list("pk", "name"))
    zone_names = dict(Zone.objects.filter(pk__in={z for z, _s in counts if z}).values_list("pk", "name"))
    zones: dict[int | None, LookbackZone] = {}
    for (zone_id, school_id), row in sorted(counts.items(), key=lambda kv: names.get(kv[0][1], "")):
        if zone_id not in zones:
            zones[zone_id] = LookbackZone(pk=zone_id, name=zone_names.get(zone_id) or _("未划入责任区"))
        zones[zone_id].schools.append(
            LookbackSchool(pk=school_id, name=names[school_id], still_open=row["still_open"], closed_late=row["closed_late"])
        )
    # Schools outside any zone come last.
    return sorted(zones.values(), key=lambda z: (z.pk is None, z.name))
