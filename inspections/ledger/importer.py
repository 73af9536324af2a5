"""Importing the past from the ledger's own Excel (台账导入): an office brings its earlier years the way
it keeps them — one row a problem found on a visit, with its outcome — in exactly the layout the ledger
export writes (sheet 问题整改台账, title, filter line, then the header row), so export → edit → import
gives the same ledger back.

补录 only (``access.offices_backfilled_by``): every fact is entered with its real day through the
services that enter it by hand — a visit and its checklist (``services.visit_start``, ``problem_add``,
``checklist_submit``), the school's report (``ticket_services.ticket_report_record_past``), the
re-check that closed it (``ticket_services.ticket_recheck``) — so the same rules hold: no day in the
future, no act before what it acts on, a school counted in the zone it was in that day.

All or nothing: every row is checked first and every problem reported at once, in Chinese, naming the
row, the column and the value (``LedgerImportError``); the writes run in one transaction that rolls
back if any service refuses a row. A row carrying a 编号 (the ticket's number, written by the export)
updates that ticket's outcome instead of adding a second one; a row without one is new.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from schools.models import School
from schools.selectors import placement_on
from supervision import access, clock
from supervision.models import Office, Supervisor, Zone

from inspections.visits import services
from inspections.ledger import selectors as ledger
from inspections.tickets import services as ticket_services
from inspections.models.choices import Conclusion, RecheckMode, RecheckResult, Severity, TicketStatus, VisitMethod
from inspections.models import Ticket

# The export's columns, in its order, by what the import reads from each (None: derived, ignored).
KEYS = (
    "found_on", "school", "zone", None, "item", "description", "severity", "opinion", "deadline", "status", None,
    "closed_on", "supervisors", "reported_on", "number",
)
assert len(KEYS) == len(ledger.COLUMNS)
HEADER_SEARCH_ROWS = 10  # the header is the export's third row; a hand-made file may move it a little
NAME_SEPARATORS = re.compile(r"[、,，;；/]")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# How far each status is along the one way a ticket goes (ticket_services.MACHINE).
STAGE = {TicketStatus.OPEN: 0, TicketStatus.IN_PROGRESS: 1, TicketStatus.SUBMITTED: 2, TicketStatus.CLOSED: 3}


def headers() -> dict[str, str]:
    """Key → the header the export writes (always Chinese: the file is an exchange format)."""
    with translation.override("zh-hans"):
        return {key: str(label) for key, (label, _width) in zip(KEYS, ledger.COLUMNS, strict=True) if key}


def sheet_title() -> str:
    with translation.override("zh-hans"):
        return _("问题整改台账")


@dataclass(frozen=True)
class LedgerIssue:
    """One problem of the uploaded file, located as the office sees it in Excel."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self):
        if self.row and self.column:
            return _("第 %(row)d 行“%(column)s”列:%(reason)s") % {
                "row": self.row, "column": self.column, "reason": self.reason}
        if self.row:
            return _("第 %(row)d 行:%(reason)s") % {"row": self.row, "reason": self.reason}
        return self.reason


class LedgerImportError(ValidationError):
    """The file was refused; ``issues`` lists every problem found. Nothing was written."""

    def __init__(self, issues: list[LedgerIssue]):
        self.issues = sorted(issues, key=lambda i: (i.row or 0))
        super().__init__([str(i) for i in self.issues])


@dataclass
class LedgerImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    visits: int = 0
    dry_run: bool = False


@dataclass
class _Row:
    number: int
    raw: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    ticket: Ticket | None = None


class _DryRun(Exception):
    """Raised inside the transaction to roll a checked import back."""


# --- Reading ------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def _read(file) -> list[_Row]:
    from supervision.roster import open_workbook  # the roster's checked opener (size, zip bomb, .xls)

    workbook, opened = open_workbook(file)
    if opened:
        raise LedgerImportError([LedgerIssue(None, "", "", e.reason) for e in opened])
    try:
        title = sheet_title()
        if title not in workbook.sheetnames:
            raise LedgerImportError([LedgerIssue(None, "", "", _(
                "文件中没有工作表“%(sheet)s”:请使用台账页面“导出 Excel”得到的文件,修改后上传。") % {"sheet": title})])
        rows = list(workbook[title].iter_rows(values_only=True))
    finally:
        workbook.close()
    wanted = headers()
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_text(v) for v in values]
        if wanted["found_on"] in texts and wanted["school"] in texts:
            break
    else:
        raise LedgerImportError([LedgerIssue(None, "", "", _(
            "没有找到表头行(应含“%(a)s”“%(b)s”等列):请使用台账导出的文件。") % {
                "a": wanted["found_on"], "b": wanted["school"]})])
    positions: dict[str, int] = {}
    for column, text in enumerate(texts):
        positions.setdefault(text, column)
    missing = [header for header in wanted.values() if header not in positions]
    if missing:
        raise LedgerImportError([LedgerIssue(index + 1, "", "", _(
            "缺少表头:%(headers)s。请使用台账页面最新导出的文件。") % {"headers": "、".join(missing)})])
    result = []
    for number, values in enumerate(rows[index + 1:], start=index + 2):
        raw = {key: values[positions[h]] if positions[h] < len(values) else None for key, h in wanted.items()}
        if any(_text(v) for v in raw.values()):
            result.append(_Row(number, raw))
    if not result:
        raise LedgerImportError([LedgerIssue(None, "", "", _("文件中没有任何数据行。"))])
    return result


# --- Checking each row --------------------------------------------------------------------------------


class _Checker:
    """Cleans the rows in place and collects every issue, with the office's names read once."""

    def __init__(self, office: Office, today: dt.date):
        self.office, self.today = office, today
        self.issues: list[LedgerIssue] = []
        self.headers = headers()
        self.schools: dict[str, list[School]] = {}
        for school in School.objects.filter(memberships__office=office).distinct().order_by("pk"):
            self.schools.setdefault(school.name, []).append(school)
        self.supervisors: dict[str, list[Supervisor]] = {}
        for supervisor in Supervisor.objects.filter(office=office).order_by("pk"):
            self.supervisors.setdefault(supervisor.name, []).append(supervisor)
        self.zone_names = dict(Zone.objects.values_list("pk", "name").filter(office=office))
        with translation.override("zh-hans"):
            self.severities = {str(label): value for value, label in Severity.choices}
            self.statuses = {str(label): value for value, label in TicketStatus.choices}
            self.status_labels = {value: str(label) for value, label in TicketStatus.choices}
        self.severities.update({str(label): value for value, label in Severity.choices})
        self.statuses.update({str(label): value for value, label in TicketStatus.choices})

    def issue(self, row: _Row, key: str, reason: str) -> None:
        self.issues.append(LedgerIssue(row.number, self.headers.get(key, ""), _text(row.raw.get(key)), reason))

    # Cells

    def date(self, row: _Row, key: str, *, required: bool, future: bool = False) -> dt.date | None:
        """The cell as a date (an Excel date, or text like 2025-03-12); never after today unless ``future``."""
        raw = row.raw[key]
        if isinstance(raw, dt.datetime):
            day = raw.date()
        elif isinstance(raw, dt.date):
            day = raw
        else:
            text = _text(raw)
            if not text:
                if required:
                    self.issue(row, key, _("缺少必填项"))
                return None
            match = DATE_RE.match(text)
            try:
                day = dt.date(*(int(g) for g in match.groups())) if match else None
            except ValueError:
                day = None
            if day is None:
                self.issue(row, key, _("日期“%(v)s”无法识别,请按 年-月-日 填写(如 2025-03-12)") % {"v": text})
                return None
        if day > self.today and not future:
            self.issue(row, key, _("日期 %(d)s 晚于今天(%(t)s),不能导入未来的记录") % {
                "d": day.isoformat(), "t": self.today.isoformat()})
            return None
        return day

    def text(self, row: _Row, key: str, *, required: bool = True) -> str:
        text = _text(row.raw[key])
        if required and not text:
            self.issue(row, key, _("缺少必填项"))
        return text

    def choice(self, row: _Row, key: str, labels: dict[str, str]) -> str | None:
        text = _text(row.raw[key])
        if not text:
            self.issue(row, key, _("缺少必填项"))
            return None
        if text not in labels:
            self.issue(row, key, _("“%(v)s”无法识别,应为:%(labels)s") % {"v": text, "labels": "、".join(
                dict.fromkeys(k for k in labels if not k.isascii()))})
            return None
        return labels[text]

    def school(self, row: _Row) -> School | None:
        name = self.text(row, "school")
        if not name:
            return None
        found = self.schools.get(name, [])
        if not found:
            self.issue(row, "school", _("本督导室名册中没有学校“%(s)s”") % {"s": name})
            return None
        if len(found) > 1:
            self.issue(row, "school", _("名册中有 %(n)d 所学校都叫“%(s)s”,无法确定是哪一所") % {"n": len(found), "s": name})
            return None
        return found[0]

    def supervisors_of(self, row: _Row) -> list[Supervisor] | None:
        text = _text(row.raw["supervisors"])
        names = list(dict.fromkeys(n.strip() for n in NAME_SEPARATORS.split(text) if n.strip()))
        chosen = []
        for name in names:
            found = self.supervisors.get(name, [])
            if not found:
                self.issue(row, "supervisors", _("本督导室没有督学“%(n)s”") % {"n": name})
                return None
            if len(found) > 1:
                self.issue(row, "supervisors", _("本督导室有 %(c)d 名督学都叫“%(n)s”,无法确定是哪一位") % {
                    "c": len(found), "n": name})
                return None
            chosen.append(found[0])
        return chosen

    def zone_of_the_day(self, row: _Row, school: School, day: dt.date) -> None:
        """The school was in this office's roster that day, in the zone the row names."""
        named = _text(row.raw["zone"])
        placement = placement_on(school, day)
        if placement is None or placement.office_id != self.office.pk:
            self.issue(row, "found_on", _("学校“%(s)s”在 %(d)s 不在本督导室名册中(尚未列入或已停办)") % {
                "s": school.name, "d": day.isoformat()})
            return
        actual = self.zone_names.get(placement.zone_id, "") if placement.zone_id else ""
        if named == actual:
            return
        if actual:
            belongs = _("该日属于“%(z)s”") % {"z": actual}
        else:
            belongs = _("该日未划入任何责任区")
        if named:
            reason = _("学校“%(s)s”在 %(d)s 不属于责任区“%(z)s”(%(b)s)") % {
                "s": school.name, "d": day.isoformat(), "z": named, "b": belongs}
        else:
            reason = _("学校“%(s)s”在 %(d)s 属于责任区“%(z)s”,此处不能留空") % {
                "s": school.name, "d": day.isoformat(), "z": actual}
        self.issue(row, "zone", reason)

    # A row

    def clean(self, row: _Row) -> None:
        d = row.data
        number = _text(row.raw["number"])
        d["number"] = None
        if number:
            if not number.isdigit():
                self.issue(row, "number", _("编号应为台账导出的数字(现为“%(v)s”);新增的记录请留空") % {"v": number})
            else:
                d["number"] = int(number)
        d["found_on"] = found = self.date(row, "found_on", required=True)
        d["school"] = school = self.school(row)
        if school and found:
            self.zone_of_the_day(row, school, found)
        d["zone"] = _text(row.raw["zone"])
        item = self.text(row, "item")
        d["code"] = item.split()[0].upper() if item else ""
        d["description"] = self.text(row, "description")
        d["opinion"] = self.text(row, "opinion")
        d["severity"] = self.choice(row, "severity", self.severities)
        d["deadline"] = self._deadline(row, found)
        d["status"] = status = self.choice(row, "status", self.statuses)
        d["supervisors"] = self.supervisors_of(row)
        d["reported_on"] = reported = self.date(row, "reported_on", required=status == TicketStatus.SUBMITTED)
        d["closed_on"] = closed = self.date(row, "closed_on", required=status == TicketStatus.CLOSED)
        if closed and status and status != TicketStatus.CLOSED:
            self.issue(row, "closed_on", _("状态为“%(s)s”时不应填写销号日期;已销号请把状态改为“已销号”") % {
                "s": self.status_labels[status]})
        if found and reported and reported < found:
            self.issue(row, "reported_on", _("整改报告日期 %(r)s 早于发现日期 %(f)s") % {
                "r": reported.isoformat(), "f": found.isoformat()})
        if found and closed and closed < found:
            self.issue(row, "closed_on", _("销号日期 %(c)s 早于发现日期 %(f)s") % {
                "c": closed.isoformat(), "f": found.isoformat()})
        elif reported and closed and closed < reported:
            self.issue(row, "closed_on", _("销号日期 %(c)s 早于整改报告日期 %(r)s") % {
                "c": closed.isoformat(), "r": reported.isoformat()})

    def _deadline(self, row: _Row, found: dt.date | None) -> dt.date | None:
        # A deadline may lie ahead of today: only what happened is refused in the future.
        deadline = self.date(row, "deadline", required=True, future=True)
        if deadline and found and deadline <= found:
            self.issue(row, "deadline", _("整改期限 %(d)s 应晚于发现日期 %(f)s") % {
                "d": deadline.isoformat(), "f": found.isoformat()})
        return deadline


def _check_existing(checker: _Checker, rows: list[_Row]) -> None:
    """Rows with a 编号 name a ticket of this office's ledger, once each, and change only its outcome."""
    numbers = [r.data["number"] for r in rows if r.data.get("number")]
    tickets = Ticket.objects.filter(pk__in=numbers, office=checker.office).select_related("problem__zone", "school")
    tickets = tickets.annotate(reported_on=ledger.last_report_day()).in_bulk()
    names = ledger.visit_supervisor_names({t.problem.visit_id for t in tickets.values() if t.problem.visit_id})
    first: dict[int, int] = {}
    for row in rows:
        number = row.data.get("number")
        if not number:
            continue
        if number in first:
            checker.issue(row, "number", _("编号 %(n)d 在表中重复(第 %(r)d 行)") % {"n": number, "r": first[number]})
            continue
        first[number] = row.number
        ticket = tickets.get(number)
        if ticket is None:
            checker.issue(row, "number", _("编号 %(n)d 不是本督导室台账中的记录;新增的记录请把编号留空") % {"n": number})
            continue
        row.ticket = ticket
        _compare(checker, row, ticket, names.get(ticket.problem.visit_id, []))


def _compare(checker: _Checker, row: _Row, ticket: Ticket, supervisor_names: list[str]) -> None:
    d, problem = row.data, ticket.problem
    fixed = {
        "found_on": (d["found_on"], problem.found_on),
        "school": (d["school"] and d["school"].pk, ticket.school_id),
        "zone": (d["zone"], problem.zone.name if problem.zone else ""),
        "item": (d["code"], problem.item_code.upper()),
        "description": (d["description"], problem.description.strip()),
        "opinion": (d["opinion"], problem.opinion.strip()),
        "severity": (d["severity"], problem.severity),
        "deadline": (d["deadline"], ticket.deadline),
    }
    if d["supervisors"] is not None and problem.visit_id:
        fixed["supervisors"] = ({s.name for s in d["supervisors"]}, set(supervisor_names))
    for key, (given, stored) in fixed.items():
        if given is not None and given != stored:
            checker.issue(row, key, _(
                "编号 %(n)d 的这一项与台账中的记录不同:已提交的督导记录不能通过导入修改,导入只更新整改情况"
                "(状态、整改报告日期、销号日期)") % {"n": ticket.pk})
    status = d["status"]
    if status is None:
        return
    labels = checker.status_labels
    if STAGE[status] < STAGE[ticket.status]:
        checker.issue(row, "status", _("编号 %(n)d 在台账中已是“%(now)s”,不能改回“%(to)s”") % {
            "n": ticket.pk, "now": labels[ticket.status], "to": labels[status]})
    if ticket.reported_on and d["reported_on"] != ticket.reported_on:
        checker.issue(row, "reported_on", _("编号 %(n)d 的整改报告已于 %(d)s 提交,报告日期不能修改") % {
            "n": ticket.pk, "d": ticket.reported_on.isoformat()})
    if ticket.status == TicketStatus.CLOSED and d["closed_on"] != ticket.closed_on:
        checker.issue(row, "closed_on", _("编号 %(n)d 已于 %(d)s 销号,销号日期不能修改") % {
            "n": ticket.pk, "d": ticket.closed_on.isoformat()})


def _check_new(checker: _Checker, rows: list[_Row], user) -> None:
    # A 补录 holder who is a supervisor enters visits as their own (services.visit_start).
    own = getattr(user, "supervisor", None)
    for row in rows:
        if row.ticket is not None or row.data.get("number"):
            continue
        d = row.data
        if d["supervisors"] == []:
            checker.issue(row, "supervisors", _("新增的记录请填写参加督导的督学(第一位为填报人,多位用“、”分隔)"))
        elif own is not None and d["supervisors"] and d["supervisors"][0].pk != own.pk:
            checker.issue(row, "supervisors", _(
                "您本人是督学,由您导入的入校督导记在您名下:请把您列为第一位督学,或请没有督学身份的补录人员导入"))
        if d["reported_on"] and d["status"] in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS):
            checker.issue(row, "reported_on", _(
                "状态为“%(s)s”却填写了整改报告日期:被退回的整改报告不能从台账导入,请在整改通知页面补录") % {
                    "s": checker.status_labels[d["status"]]})


# --- The import ---------------------------------------------------------------------------------------


def ledger_import(*, office: Office, file, user, dry_run: bool = False) -> LedgerImportSummary:
    """Bring an office's past ledger in from the ledger's own Excel layout — all or nothing.

    Each row is one problem found on a visit (发现日期, 学校, 督学) with its outcome. Rows without a
    编号 become submitted visits (one a day, school and supervisors), their problems and tickets, and
    the outcome's acts on their real days: 整改中 from the day it was found, the school's report on
    整改报告日期, 销号 on 销号日期 by a re-check that found it rectified. Rows with a 编号 move that
    ticket on to the outcome given; what was found cannot change. ``dry_run`` checks and counts, then
    writes nothing."""
    if not access.offices_backfilled_by(user).filter(pk=office.pk).exists():
        raise ValidationError(_("您没有%(office)s的“补录”权限,不能导入台账。") % {"office": office.name})
    rows = _read(file)
    checker = _Checker(office, clock.today())
    for row in rows:
        checker.clean(row)
    _check_existing(checker, rows)
    _check_new(checker, rows, user)
    if checker.issues:
        raise LedgerImportError(checker.issues)
    summary = LedgerImportSummary(dry_run=dry_run)
    try:
        _write(rows=rows, user=user, summary=summary, headers=checker.headers, dry_run=dry_run)
    except _DryRun:
        pass
    return summary


FIELD_KEYS = {
    "date": "found_on", "found_on": "found_on", "co_supervisors": "supervisors", "methods": "supervisors",
    "deadline": "deadline", "description": "description", "opinion": "opinion", "severity": "severity",
}


def _service_issues(row: _Row, exc: ValidationError, headers: dict[str, str], key: str) -> list[LedgerIssue]:
    """A service's refusal, placed on the row and column it came from."""
    if hasattr(exc, "error_dict"):
        return [
            LedgerIssue(row.number, headers.get(FIELD_KEYS.get(name, key), ""), _text(row.raw.get(FIELD_KEYS.get(name, key))),
                        message)
            for name, messages in exc.message_dict.items() for message in messages
        ]
    return [LedgerIssue(row.number, headers.get(key, ""), _text(row.raw.get(key)), m) for m in exc.messages]


@transaction.atomic
def _write(*, rows: list[_Row], user, summary: LedgerImportSummary, headers: dict[str, str], dry_run: bool) -> None:
    issues: list[LedgerIssue] = []

    def attempt(row: _Row, key: str, act: Callable[[], Any]) -> bool:
        try:
            with transaction.atomic():
                act()
        except ValidationError as exc:
            issues.extend(_service_issues(row, exc, headers, key))
            return False
        return True

    visits: dict[tuple, list[_Row]] = {}
    for row in rows:
        if row.ticket is None:
            d = row.data
            visits.setdefault((d["found_on"], d["school"].pk, tuple(s.pk for s in d["supervisors"])), []).append(row)
    for group in visits.values():
        if attempt(group[0], "found_on", lambda group=group: _visit_write(group, user, issues, headers)):
            summary.visits += 1
    for row in rows:
        if row.ticket is not None:
            ticket = Ticket.objects.get(pk=row.ticket.pk)
            if _outcome_steps(ticket, row):
                if attempt(row, "status", lambda row=row, ticket=ticket: _outcome_apply(ticket, row, user, issues, headers)):
                    summary.updated += 1
            else:
                summary.unchanged += 1
    summary.created = sum(len(group) for group in visits.values())
    if issues:
        # Raising inside the atomic block rolls back every row already written.
        raise LedgerImportError(issues)
    if dry_run:
        raise _DryRun


class _RowRefused(ValidationError):
    """A row's service refused it; its issues are already recorded."""


def _visit_write(group: list[_Row], user, issues: list[LedgerIssue], headers: dict[str, str]) -> None:
    """One past visit, its checklist with the rows' problems (the other items 未检查: the ledger says
    nothing of them), submitted — which opens the tickets — then each ticket's outcome."""
    first = group[0].data
    with translation.override("zh-hans"):
        summary = _("由问题整改台账导入(补录)。")
    visit = services.visit_start(
        user=user, school=first["school"], date=first["found_on"], methods=[VisitMethod.FILE_REVIEW],
        co_supervisors=first["supervisors"],
    )
    services.visit_update(visit=visit, user=user, summary=summary)
    answers = {a.code.upper(): a for a in visit.checklist.answers.all()}
    problems = []
    for row in group:
        d = row.data
        answer = answers.get(d["code"])
        if answer is None:
            issues.append(LedgerIssue(row.number, headers["item"], _text(row.raw["item"]), _(
                "督导事项“%(c)s”不在 %(y)d 年该校的督导清单中(可用:%(codes)s)") % {
                    "c": d["code"], "y": d["found_on"].year, "codes": "、".join(answers)}))
            continue
        try:
            problems.append((row, services.problem_add(
                answer=answer, user=user, description=d["description"], opinion=d["opinion"],
                severity=d["severity"], deadline=d["deadline"],
            )))
        except ValidationError as exc:
            issues.extend(_service_issues(row, exc, headers, "item"))
    if len(problems) < len(group):
        raise _RowRefused([])
    for answer in answers.values():
        if answer.conclusion != Conclusion.PROBLEM and not any(p.answer_id == answer.pk for _r, p in problems):
            services.answer_save(answer=answer, user=user, conclusion=Conclusion.UNCHECKED)
    # The office's record of the past: the school is not told of problems it rectified long ago.
    services.checklist_submit(checklist=visit.checklist, user=user, announce=False)
    for row, problem in problems:
        ticket = Ticket.objects.get(problem=problem)
        _outcome_apply(ticket, row, user, issues, headers)
    if any(i.row in {r.number for r in group} for i in issues):
        raise _RowRefused([])


def _outcome_steps(ticket: Ticket, row: _Row) -> list[str]:
    """The acts that take the ticket from where it is to the row's outcome, in their order."""
    d, steps = row.data, []
    target, stage = d["status"], STAGE[ticket.status]
    has_report = ticket.reports.exclude(submitted_on=None).exists()
    if target == TicketStatus.IN_PROGRESS and stage < 1:
        steps.append("start")
    if d["reported_on"] and not has_report and STAGE[target] >= 2 and stage < 2:
        steps.append("report")
    if target == TicketStatus.CLOSED and stage < 3:
        steps.append("close")
    return steps


def _outcome_apply(ticket: Ticket, row: _Row, user, issues: list[LedgerIssue], headers: dict[str, str]) -> None:
    """Each act through its service, on its real day; a refusal is placed on the act's column."""
    d = row.data
    with translation.override("zh-hans"):
        report_text = _("整改报告由问题整改台账导入(补录),原件存档。")
        recheck_notes = _("由问题整改台账导入(补录)。")
    for step in _outcome_steps(ticket, row):
        try:
            if step == "start":
                ticket = ticket_services.ticket_start(ticket=ticket, actor=user, on=ticket.opened_on)
            elif step == "report":
                ticket = ticket_services.ticket_report_record_past(
                    ticket=ticket, actor=user, on=d["reported_on"], text=report_text)
            else:
                ticket = ticket_services.ticket_recheck(
                    ticket=ticket, actor=user, result=RecheckResult.RECTIFIED, date=d["closed_on"],
                    mode=RecheckMode.EVIDENCE if d["reported_on"] else RecheckMode.ON_SITE, notes=recheck_notes,
                )
        except ValidationError as exc:
            key = {"start": "status", "report": "reported_on"}.get(step, "closed_on")
            issues.extend(_service_issues(row, exc, headers, key))
            raise _RowRefused([]) from exc
