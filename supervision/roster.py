"""The office roster as an Excel workbook (名册导入导出): template, export and atomic import.

One layout serves all three, so an exported roster can be edited and imported back:
sheet "学校" (schools, keyed by 学校标识码) and sheet "督学" (supervisors, keyed by 手机号).
The headers are a fixed exchange format, like the column layouts of the receiving authorities:
they stay Chinese whatever the UI language, and the file is always written in Chinese.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from schools.choices import Location, Ownership, SchoolKind
from schools.models import School
from schools.services import school_save

from . import access, clock
from .choices import SupervisorKind
from .models import Office, Supervisor, Zone, ZoneAssignment
from .services import supervisor_save, zone_set_supervisors
from .uploads import xlsx_check

User = get_user_model()

SCHOOL_SHEET = "学校"
SUPERVISOR_SHEET = "督学"
HELP_SHEET = "说明"
OPTIONS_SHEET = "选项"
YES, NO = "是", "否"
VALIDATED_ROWS = 2000  # dropdowns cover this many rows below the header
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SCHOOL_CODE_RE = re.compile(r"^\d{10}$")
ZONE_SEPARATORS = re.compile(r"[、,，;；]")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: int
    note: Any = ""
    required: bool = False
    kind: str = "text"  # text | code | choice | bool | zone | zones
    choices: type | None = None
    max_length: int | None = None
    default: Any = None  # for bool columns left blank


SCHOOL_COLUMNS = (
    Column("学校标识码", "code", 14, gettext_lazy("10位数字;再次导入时按它更新学校,不会重复创建。"), True, "code"),
    Column("名称", "name", 30, gettext_lazy("学校或幼儿园全称。"), True, max_length=100),
    Column("类型", "kind", 16, "", True, "choice", SchoolKind),
    Column("办学性质", "ownership", 10, "", True, "choice", Ownership),
    Column("城乡分类", "location", 10, "", True, "choice", Location),
    Column(
        "责任区", "zone", 20, gettext_lazy("本督导室已建立的责任区名称;留空表示暂不划区。"), kind="zone"
    ),
    Column("地址", "address", 36, max_length=200),
    Column("校长/园长", "principal", 12, max_length=50),
    Column("联系电话", "phone", 16, gettext_lazy("手机号或固定电话,如 0435-1234567。"), kind="phone"),
    Column("在办", "is_active", 8, gettext_lazy("是或否,留空为“是”。"), kind="bool", default=True),
)

SUPERVISOR_COLUMNS = (
    Column("手机号", "phone", 14, gettext_lazy("11位手机号,也是督学的登录账号;再次导入时按它更新督学。"), True, "mobile"),
    Column("姓名", "name", 10, required=True, max_length=50),
    Column("类别", "kind", 12, "", True, "choice", SupervisorKind),
    Column("工作单位", "employer", 26, gettext_lazy("兼职督学填写本职单位。"), max_length=100),
    Column("职务/职称", "title", 16, max_length=100),
    Column("督导职责", "duties", 36),
    Column(
        "责任区",
        "zones",
        28,
        gettext_lazy("一个或多个本督导室已建立的责任区,用“、”或逗号分隔;留空表示不分配责任区。"),
        kind="zones",
    ),
    Column(
        "组长",
        "is_lead",
        8,
        gettext_lazy("填“是”即担任所填各责任区的组长(每个责任区只能一名);填“否”或留空不改变现有组长。"),
        kind="bool",
        default=False,
    ),
    Column("在岗", "is_active", 8, gettext_lazy("是或否,留空为“是”。"), kind="bool", default=True),
)

SHEETS = {SCHOOL_SHEET: SCHOOL_COLUMNS, SUPERVISOR_SHEET: SUPERVISOR_COLUMNS}


@dataclass(frozen=True)
class RosterError:
    """One problem in the uploaded file, located as the admin sees it in Excel."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self):
        where = " ".join(
            part
            for part in (self.sheet, _("第%(row)d行") % {"row": self.row} if self.row else "", self.column)
            if part
        )
        return f"{where}:{self.reason}" if where else self.reason


class RosterImportError(ValidationError):
    """The file was refused; ``roster_errors`` lists every problem found (nothing was written)."""

    def __init__(self, errors: list[RosterError]):
        self.roster_errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class RosterImportSummary:
    schools_created: int = 0
    schools_updated: int = 0
    supervisors_created: int = 0
    supervisors_updated: int = 0
    zones_changed: int = 0


@dataclass
class _Row:
    number: int
    data: dict[str, Any] = field(default_factory=dict)


# --- Reading the column layout (the page and the 说明 sheet explain the same columns) -------------


def roster_columns() -> list[tuple[str, list[dict]]]:
    """Each sheet's columns with whether they are required and how to fill them."""
    return [
        (sheet, [{"header": c.header, "required": c.required, "note": _note(c)} for c in columns])
        for sheet, columns in SHEETS.items()
    ]


def _note(column: Column) -> str:
    if column.kind == "choice":
        return _("从下拉列表中选择:%(labels)s。") % {"labels": "、".join(_labels(column.choices))}
    return str(column.note)


def _labels(choices) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


# --- Writing: template and export share one layout ---------------------------------------------


def roster_template_workbook(*, zone_names: Iterable[str] = ()) -> Workbook:
    """An empty roster with headers, notes and dropdowns; ``zone_names`` feed the 责任区 dropdown."""
    return _roster_workbook(school_rows=[], supervisor_rows=[], zone_names=zone_names)


def roster_export(*, offices: QuerySet[Office]) -> Workbook:
    """The offices' current roster in the import layout, so export → edit → import round-trips.

    组长 reads 是 when the supervisor leads every zone they are in; a lead of only some of their
    zones reads 否, which on re-import keeps the existing leads unchanged.
    """
    office_ids = offices.values("pk")
    schools = School.objects.filter(office__in=office_ids).with_current_zone().order_by(
        "office__division_code", "code"
    )
    supervisors = (
        Supervisor.objects.filter(office__in=office_ids)
        .prefetch_related(
            Prefetch("assignments", queryset=ZoneAssignment.objects.current().select_related("zone"))
        )
        .order_by("office__division_code", "name", "phone")
    )
    zone_names = Zone.objects.filter(office__in=office_ids).order_by("name").values_list("name", flat=True)
    with translation.override("zh-hans"):
        school_rows = [
            [
                s.code,
                s.name,
                s.get_kind_display(),
                s.get_ownership_display(),
                s.get_location_display(),
                s.current_zone.name if s.current_zone else "",
                s.address,
                s.principal,
                s.phone,
                YES if s.is_active else NO,
            ]
            for s in schools
        ]
        supervisor_rows = []
        for s in supervisors:
            assignments = sorted(s.assignments.all(), key=lambda a: a.zone.name)
            leads_all = bool(assignments) and all(a.is_lead for a in assignments)
            supervisor_rows.append(
                [
                    s.phone,
                    s.name,
                    s.get_kind_display(),
                    s.employer,
                    s.title,
                    s.duties,
                    "、".join(a.zone.name for a in assignments),
                    YES if leads_all else NO,
                    YES if s.is_active else NO,
                ]
            )
    return _roster_workbook(
        school_rows=school_rows, supervisor_rows=supervisor_rows, zone_names=sorted(set(zone_names))
    )


def workbook_bytes(workbook: Workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _roster_workbook(*, school_rows: list[list], supervisor_rows: list[list], zone_names: Iterable[str]) -> Workbook:
    with translation.override("zh-hans"):
        workbook = Workbook()
        options = _options_sheet(workbook, list(zone_names))
        for index, (title, columns) in enumerate(SHEETS.items()):
            sheet = workbook.active if index == 0 else workbook.create_sheet()
            sheet.title = title
            rows = school_rows if title == SCHOOL_SHEET else supervisor_rows
            _fill_sheet(sheet, columns, rows, options)
        _help_sheet(workbook)
        workbook.move_sheet(OPTIONS_SHEET, offset=len(workbook.sheetnames))
        workbook.active = 0
    return workbook


def _options_sheet(workbook: Workbook, zone_names: list[str]) -> dict[str, str]:
    """A hidden sheet holding the dropdown lists; returns the range formula per list."""
    sheet = workbook.create_sheet(OPTIONS_SHEET)
    sheet.sheet_state = "hidden"
    lists = {
        "kind": _labels(SchoolKind),
        "ownership": _labels(Ownership),
        "location": _labels(Location),
        "supervisor_kind": _labels(SupervisorKind),
        "bool": [YES, NO],
        "zone": zone_names,
    }
    formulas = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        sheet.cell(row=1, column=col, value=key)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=col, value=value)
        if values:
            formulas[key] = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return formulas


def _fill_sheet(sheet, columns: tuple[Column, ...], rows: list[list], options: dict[str, str]) -> None:
    for col, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = (_("必填。") if column.required else _("选填。")) + _note(column)
        cell.comment = Comment(note, "督导室", width=260, height=110)
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = column.width
        key = _option_key(column)
        if key in options:
            # Zones accept several names in the supervisor sheet, so that dropdown only suggests.
            strict = column.kind != "zones"
            validation = DataValidation(
                type="list",
                formula1=options[key],
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle=_("输入值无效"),
                error=_("请从下拉列表中选择。"),
            )
            validation.add(f"{letter}2:{letter}{max(VALIDATED_ROWS, len(rows) + 1)}")
            sheet.add_data_validation(validation)
        if column.kind in ("code", "mobile", "phone"):
            # Codes and phone numbers are text: Excel must not turn them into 2.12E+09.
            sheet.column_dimensions[letter].number_format = "@"
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22


def _option_key(column: Column) -> str:
    if column.kind == "choice":
        return "supervisor_kind" if column.choices is SupervisorKind else column.key
    if column.kind in ("zone", "zones"):
        return "zone"
    return column.kind  # "bool", or a kind without a list


def _help_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(HELP_SHEET)
    lines = [
        [_("填写说明")],
        [_("1. “学校”“督学”两张工作表的第一行是表头,请勿改动;从第二行起每行一所学校或一名督学。")],
        [_("2. 再次导入时,学校按学校标识码、督学按手机号更新,不会重复创建;表中没有的学校和督学保持不变。")],
        [_("3. 责任区须先在“责任区”页面建立,导入时不会自动新建。")],
        [_("4. 文件中只要有一处错误,整份文件都不会导入;请按提示的行号改正后重新上传。")],
        [],
        [_("工作表"), _("列名"), _("是否必填"), _("填写要求")],
    ]
    for sheet_name, columns in roster_columns():
        for column in columns:
            lines.append([sheet_name, column["header"], _("必填") if column["required"] else _("选填"), column["note"]])
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[7]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for letter, width in zip("ABCD", (10, 14, 10, 80)):
        sheet.column_dimensions[letter].width = width


# --- Reading the upload --------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as clean text: Excel hands numbers back as floats (13912345678.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def open_workbook(file) -> tuple[Any, list[RosterError]]:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    limit = settings.ROSTER_MAX_UPLOAD_BYTES
    if size > limit:
        reason = _("文件大小超过上限 %(limit)s,请删去无关的工作表或拆分后上传。") % {"limit": filesizeformat(limit)}
        return None, [RosterError("", None, "", reason)]
    content = file.read()
    not_xlsx = [RosterError("", None, "", _("文件不是有效的 Excel(.xlsx)文件。旧版 .xls 文件请在 Excel 中另存为 .xlsx 后上传。"))]
    if not content.startswith(XLSX_MAGIC):
        return None, not_xlsx
    try:  # unpacked size, macros and rows checked from the zip's directory before openpyxl parses anything
        xlsx_check(content)
    except ValidationError as exc:
        return None, [RosterError("", None, "", " ".join(exc.messages))]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken or foreign zip
        return None, not_xlsx
    return workbook, []


def _read_sheet(workbook, title: str, columns: tuple[Column, ...], errors: list[RosterError]) -> list[_Row] | None:
    """The sheet's non-blank rows keyed by column, or None when its headers are unusable."""
    if title not in workbook.sheetnames:
        errors.append(RosterError(title, None, "", _("文件中缺少工作表“%(sheet)s”,请使用本页下载的模板。") % {"sheet": title}))
        return None
    rows = workbook[title].iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(_text(v) for v in header):
        errors.append(RosterError(title, 1, "", _("工作表是空的:第1行应为表头。")))
        return None
    positions = {}
    for index, value in enumerate(header):
        positions.setdefault(_text(value), index)
    missing = [c.header for c in columns if c.header not in positions]
    if missing:
        errors.append(
            RosterError(title, 1, "", _("缺少表头:%(headers)s。请使用本页下载的模板。") % {"headers": "、".join(missing)})
        )
        return None
    result = []
    for number, values in enumerate(rows, start=2):
        data = {c.key: values[positions[c.header]] if positions[c.header] < len(values) else None for c in columns}
        if any(_text(v) for v in data.values()):
            result.append(_Row(number, data))
    return result


def _clean_rows(title: str, columns: tuple[Column, ...], rows: list[_Row], errors: list[RosterError]) -> None:
    """Check and convert every cell in place; a bad cell is recorded and left as None."""
    for row in rows:
        for column in columns:
            value, reason = _clean_cell(column, row.data[column.key])
            if reason:
                errors.append(RosterError(title, row.number, column.header, reason))
            row.data[column.key] = value


def _clean_cell(column: Column, raw: Any) -> tuple[Any, str]:
    text = _text(raw)
    if not text:
        if column.required:
            return None, _("缺少必填项")
        if column.kind == "bool":
            return column.default, ""
        return ([] if column.kind == "zones" else ""), ""
    if column.kind == "code":
        if not SCHOOL_CODE_RE.match(text):
            return None, _("学校标识码应为10位数字(现为“%(value)s”)") % {"value": text}
    elif column.kind == "mobile":
        text = re.sub(r"[\s-]", "", text)
        if not MOBILE_RE.match(text):
            return None, _("手机号格式不正确(应为11位手机号,现为“%(value)s”)") % {"value": text}
    elif column.kind == "phone":
        try:
            School._meta.get_field("phone").run_validators(text)
        except ValidationError:
            return None, _("联系电话格式不正确(“%(value)s”)") % {"value": text}
    elif column.kind == "choice":
        value = _choice_value(column.choices, text)
        if value is None:
            return None, _unknown_choice(column, text)
        return value, ""
    elif column.kind == "bool":
        if text not in (YES, NO):
            return None, _("应填“是”或“否”(现为“%(value)s”)") % {"value": text}
        return text == YES, ""
    elif column.kind == "zones":
        return list(dict.fromkeys(n.strip() for n in ZONE_SEPARATORS.split(text) if n.strip())), ""
    if column.max_length and len(text) > column.max_length:
        return None, _("不能超过%(n)d个字") % {"n": column.max_length}
    return text, ""


def _choice_value(choices, text: str) -> str | None:
    """Accept the Chinese label (小学), the label in the UI language, or the stored value."""
    with translation.override("zh-hans"):
        by_label = {str(label): value for value, label in choices.choices}
    by_label.update({str(label): value for value, label in choices.choices})
    if text in by_label:
        return by_label[text]
    return text.lower() if text.lower() in choices.values else None


def _unknown_choice(column: Column, text: str) -> str:
    what = {
        SchoolKind: _("学校类型"),
        Ownership: _("办学性质"),
        Location: _("城乡分类"),
        SupervisorKind: _("督学类别"),
    }[column.choices]
    return _("未知的%(what)s“%(value)s”,应为:%(labels)s") % {
        "what": what,
        "value": text,
        "labels": "、".join(_labels(column.choices)),
    }


def _check_duplicates(
    title: str, header: str, key: str, rows: list[_Row], errors: list[RosterError], what: str
) -> None:
    """Each code/phone once per sheet; later rows point to the first one."""
    first: dict[str, int] = {}
    for row in rows:
        value = row.data[key]
        if value is None:
            continue
        if value in first:
            errors.append(
                RosterError(
                    title, row.number, header, _("%(what)s在表中重复(第%(row)d行)") % {"what": what, "row": first[value]}
                )
            )
        else:
            first[value] = row.number


def _check_schools(office: Office, rows: list[_Row], zones: dict[str, Zone], errors: list[RosterError]) -> None:
    foreign = set(
        School.objects.filter(code__in=[r.data["code"] for r in rows])
        .exclude(office=office)
        .values_list("code", flat=True)
    )
    for row in rows:
        if row.data["code"] in foreign:
            errors.append(RosterError(SCHOOL_SHEET, row.number, "学校标识码", _("学校标识码已登记在其他督导室")))
        name = row.data["zone"]
        if name and name not in zones:
            errors.append(RosterError(SCHOOL_SHEET, row.number, "责任区", _zone_missing(name)))


def _check_supervisors(office: Office, rows: list[_Row], zones: dict[str, Zone], errors: list[RosterError]) -> None:
    phones = [r.data["phone"] for r in rows]
    existing = {s.phone: s for s in Supervisor.objects.filter(phone__in=phones)}
    lead_rows: dict[str, int] = {}
    for row in rows:
        here = existing.get(row.data["phone"])
        if here is not None and here.office_id != office.pk:
            errors.append(RosterError(SUPERVISOR_SHEET, row.number, "手机号", _("手机号已登记为其他督导室的督学")))
        for name in row.data["zones"]:
            if name not in zones:
                errors.append(RosterError(SUPERVISOR_SHEET, row.number, "责任区", _zone_missing(name)))
            elif row.data["is_lead"]:
                if name in lead_rows:
                    reason = _("责任区“%(zone)s”的组长已在第%(row)d行指定,每个责任区只能有一名组长") % {
                        "zone": name,
                        "row": lead_rows[name],
                    }
                    errors.append(RosterError(SUPERVISOR_SHEET, row.number, "组长", reason))
                else:
                    lead_rows[name] = row.number
        if row.data["is_lead"] and not row.data["zones"]:
            errors.append(RosterError(SUPERVISOR_SHEET, row.number, "组长", _("填了“是”但没有填写责任区")))


def _zone_missing(name: str) -> str:
    return _("责任区“%(zone)s”不存在,请先在责任区页面建立") % {"zone": name}


# --- The import ----------------------------------------------------------------------------------


def roster_import(*, office: Office, file, user, on: dt.date | None = None) -> RosterImportSummary:
    """Load an office's schools and supervisors from the roster workbook — all or nothing — with the
    changes taking effect ``on`` (today by default): new schools join the roster that day, a school
    in another zone moves that day, one marked not 在办 closes that day, and supervisors join or
    leave zones that day.

    Every row of both sheets is checked first and every problem is reported at once
    (``RosterImportError``); only a clean file is written. Schools are matched by 学校标识码 and
    supervisors by 手机号, so re-importing updates in place. Zones are matched by name within the
    office and never created here (zones are drawn on the zone page). Supervisors not in the file
    keep their zones; a supervisor in the file sits in exactly the zones listed.
    """
    if not access.can_manage_office(user, office):
        raise ValidationError(_("您无权管理该督导室的名册。"))
    on = on or clock.today()
    if on > clock.today():
        raise RosterImportError([RosterError("", None, "", _("生效日期 %(d)s 不能晚于今天。") % {"d": on.isoformat()})])
    workbook, errors = open_workbook(file)
    if errors:
        raise RosterImportError(errors)
    try:
        sheets = {title: _read_sheet(workbook, title, columns, errors) for title, columns in SHEETS.items()}
    finally:
        workbook.close()
    if errors:
        raise RosterImportError(errors)
    if not any(sheets.values()):
        raise RosterImportError([RosterError("", None, "", _("文件中没有任何数据行:请从第2行起填写学校或督学。"))])

    zones = {z.name: z for z in Zone.objects.filter(office=office)}
    schools, supervisors = sheets[SCHOOL_SHEET], sheets[SUPERVISOR_SHEET]
    _clean_rows(SCHOOL_SHEET, SCHOOL_COLUMNS, schools, errors)
    _check_duplicates(SCHOOL_SHEET, "学校标识码", "code", schools, errors, _("学校标识码"))
    _check_schools(office, schools, zones, errors)
    _clean_rows(SUPERVISOR_SHEET, SUPERVISOR_COLUMNS, supervisors, errors)
    _check_duplicates(SUPERVISOR_SHEET, "手机号", "phone", supervisors, errors, _("手机号"))
    _check_supervisors(office, supervisors, zones, errors)
    if errors:
        raise RosterImportError(_sorted(errors))
    return _write(office=office, schools=schools, supervisors=supervisors, zones=zones, on=on, by=user)


def _sorted(errors: list[RosterError]) -> list[RosterError]:
    order = list(SHEETS)
    return sorted(errors, key=lambda e: (order.index(e.sheet) if e.sheet in order else -1, e.row or 0))


@transaction.atomic
def _write(
    *, office: Office, schools: list[_Row], supervisors: list[_Row], zones: dict[str, Zone], on: dt.date, by
) -> RosterImportSummary:
    summary = RosterImportSummary()
    errors: list[RosterError] = []

    def save_school(data: dict, school: School | None) -> School:
        code, zone_name, active = data.pop("code"), data.pop("zone"), data.pop("is_active")
        return school_save(
            office=office, code=code, zone=zones.get(zone_name), school=school, active=active, on=on, by=by, **data
        )

    def save_supervisor(data: dict, supervisor: Supervisor | None) -> Supervisor:
        del data["zones"], data["is_lead"]
        return supervisor_save(office=office, supervisor=supervisor, **data)

    existing = School.objects.filter(office=office, code__in=[r.data["code"] for r in schools])
    summary.schools_created, summary.schools_updated, _saved = _upsert(
        SCHOOL_SHEET, SCHOOL_COLUMNS, rows=schools, existing={s.code: s for s in existing}, key="code",
        save=save_school, errors=errors,
    )
    existing = Supervisor.objects.filter(office=office, phone__in=[r.data["phone"] for r in supervisors])
    summary.supervisors_created, summary.supervisors_updated, saved = _upsert(
        SUPERVISOR_SHEET, SUPERVISOR_COLUMNS, rows=supervisors, existing={s.phone: s for s in existing}, key="phone",
        save=save_supervisor, errors=errors,
    )
    if errors:
        # Raising inside the atomic block rolls back every row already written.
        raise RosterImportError(_sorted(errors))
    listed = {supervisor: [zones[name] for name in row.data["zones"]] for row, supervisor in saved}
    leads = {zones[name]: supervisor for row, supervisor in saved if row.data["is_lead"] for name in row.data["zones"]}
    summary.zones_changed = _set_zone_members(office=office, listed=listed, leads=leads, on=on)
    return summary


def _upsert(
    title: str, columns: tuple[Column, ...], *, rows: list[_Row], existing: dict, key: str, save, errors: list
) -> tuple[int, int, list]:
    """Save each row through its service; returns (created, updated, [(row, saved object)])."""
    created = updated = 0
    saved = []
    for row in rows:
        found = existing.get(row.data[key])
        try:
            obj = save(dict(row.data), found)
        except ValidationError as exc:
            errors.extend(_service_errors(title, row.number, columns, exc))
            continue
        created, updated = (created + 1, updated) if found is None else (created, updated + 1)
        saved.append((row, obj))
    return created, updated, saved


def _service_errors(title: str, number: int, columns: tuple[Column, ...], exc: ValidationError) -> list[RosterError]:
    headers = {c.key: c.header for c in columns}
    if hasattr(exc, "error_dict"):
        return [
            RosterError(title, number, headers.get(key, ""), message)
            for key, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RosterError(title, number, "", message) for message in exc.messages]


def _set_zone_members(
    *, office: Office, listed: dict[Supervisor, list[Zone]], leads: dict[Zone, Supervisor], on: dt.date
) -> int:
    """Apply the sheet's zone memberships from ``on``, keeping supervisors the file does not mention."""
    in_file = {s.pk for s in listed}
    current: dict[int, list[ZoneAssignment]] = {}
    for assignment in ZoneAssignment.objects.current().filter(zone__office=office).select_related("supervisor"):
        current.setdefault(assignment.zone_id, []).append(assignment)
    changed = 0
    for zone in Zone.objects.filter(office=office).order_by("name"):
        before = current.get(zone.pk, [])
        members = [a.supervisor for a in before if a.supervisor_id not in in_file]
        members += [s for s, zones in listed.items() if zone in zones]
        old_lead = next((a.supervisor for a in before if a.is_lead), None)
        lead = leads.get(zone) or (old_lead if old_lead in members else None)
        if {s.pk for s in members} == {a.supervisor_id for a in before} and (lead is None or lead == old_lead):
            continue
        zone_set_supervisors(zone=zone, supervisors=members, lead=lead, on=on)
        changed += 1
    return changed
