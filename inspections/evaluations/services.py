"""Writes of evaluations and assessments (督导评估与考核). Keyword-only, one transaction each; a broken
rule raises ValidationError with a Chinese message and changes nothing."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models.choices import ProblemSource, Severity
from inspections.tickets.services import problem_raise
from schools.choices import SchoolKind
from supervision.models import Office
from supervision.services import rows_added

from .choices import SchemeKind, Stage
from .defaults import DEFAULT_THRESHOLDS, default_indicators
from .models import Entry, Indicator, Round, Scheme, Score

LOCKED = gettext_lazy("评分已经开始,指标体系已锁定,不能再修改指标。如需调整,请新建指标体系。")


def scheme_is_locked(scheme: Scheme) -> bool:
    """Scoring has started on a round of this scheme: its indicators are frozen."""
    return Score.objects.filter(indicator__scheme=scheme).exists()


def _refuse_if_locked(scheme: Scheme) -> None:
    # Lock the scheme row so a score saved at the same moment waits for this edit (or sees the lock).
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    if scheme_is_locked(scheme):
        raise ValidationError(LOCKED)


def _check_thresholds(*, excellent_min, good_min, pass_min, weak_share) -> None:
    if not (Decimal(0) <= pass_min <= good_min <= excellent_min):
        raise ValidationError({"excellent_min": _("分数线应满足:合格 ≤ 良好 ≤ 优秀,且不为负数。")})
    if not (Decimal(0) <= weak_share <= Decimal(1)):
        raise ValidationError({"weak_share": _("薄弱项得分率应在0到1之间(如0.6表示低于该项分值的60%)。")})


@transaction.atomic
def scheme_create(*, office: Office, year: int, kind: str, name: str, load_default: bool = True,
                  indicators=None) -> Scheme:
    """A new indicator system, loaded with the default indicators of its kind unless asked not to;
    ``indicators`` (area, code, title, max_points, guidance) are its own instead of the default ones,
    each checked as one added alone (unique code, points above 0)."""
    if kind not in SchemeKind.values:
        raise ValidationError({"kind": _("无效的评估类型。")})
    name = name.strip() or SchemeKind(kind).label
    if Scheme.objects.filter(office=office, year=year, kind=kind, name=name).exists():
        raise ValidationError({"name": _("本年度已有同名的指标体系。")})
    scheme = Scheme.objects.create(office=office, year=year, kind=kind, name=name)
    if kind in DEFAULT_THRESHOLDS:
        scheme.excellent_min, scheme.good_min, scheme.pass_min = DEFAULT_THRESHOLDS[kind]
        scheme.save(update_fields=["excellent_min", "good_min", "pass_min"])
    if indicators is not None:
        rows_added(indicators, partial(indicator_save, scheme=scheme), field="indicators", label=_("第%(n)d项指标:%(error)s"))
    elif load_default:
        Indicator.objects.bulk_create(Indicator(scheme=scheme, **row) for row in default_indicators(kind))
    return scheme


@transaction.atomic
def scheme_update(*, scheme: Scheme, name: str, excellent_min: Decimal, good_min: Decimal, pass_min: Decimal,
                  weak_share: Decimal) -> Scheme:
    """Name and level thresholds; they may change after scoring started (levels are recomputed, no
    score is touched)."""
    _check_thresholds(excellent_min=excellent_min, good_min=good_min, pass_min=pass_min, weak_share=weak_share)
    if not name.strip():
        raise ValidationError({"name": _("请填写名称。")})
    if Scheme.objects.filter(office=scheme.office_id, year=scheme.year, kind=scheme.kind, name=name.strip()).exclude(
        pk=scheme.pk
    ).exists():
        raise ValidationError({"name": _("本年度已有同名的指标体系。")})
    scheme.name, scheme.excellent_min, scheme.good_min = name.strip(), excellent_min, good_min
    scheme.pass_min, scheme.weak_share = pass_min, weak_share
    scheme.save()
    return scheme


def _clean_indicator(*, scheme: Scheme, area: str, code: str, title: str, max_points, exclude_pk=None) -> dict:
    errors = {}
    code, title, area = code.strip(), title.strip(), area.strip()
    if not code:
        errors["code"] = _("请填写编码。")
    elif Indicator.objects.filter(scheme=scheme, code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = _("编码“%(code)s”已存在。") % {"code": code}
    if not title:
        errors["title"] = _("请填写指标名称。")
    if not area:
        errors["area"] = _("请填写评估领域。")
    if max_points is None or max_points <= 0 or max_points > 1000:
        errors["max_points"] = _("分值应为大于0且不超过1000的数。")
    if errors:
        raise ValidationError(errors)
    return {"area": area, "code": code, "title": title}


@transaction.atomic
def indicator_save(*, scheme: Scheme, indicator: Indicator | None = None, area: str, code: str, title: str,
                   max_points: Decimal, guidance: str = "") -> Indicator:
    """Add or change an indicator — refused once scoring started (指标体系已锁定)."""
    _refuse_if_locked(scheme)
    cleaned = _clean_indicator(scheme=scheme, area=area, code=code, title=title, max_points=max_points,
                               exclude_pk=indicator.pk if indicator else None)
    if indicator is None:
        last = scheme.indicators.order_by("-order").values_list("order", flat=True).first() or 0
        indicator = Indicator(scheme=scheme, order=last + 1)
    for name, value in cleaned.items():
        setattr(indicator, name, value)
    indicator.max_points, indicator.guidance = max_points, guidance.strip()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator) -> None:
    _refuse_if_locked(indicator.scheme)
    indicator.delete()


# --- Excel import of an indicator system ---------------------------------------------------------------

IMPORT_HEADERS = ("评估领域", "编码", "指标", "分值", "评分说明")


@dataclass
class ImportError_:
    row: int | None
    column: str
    message: str


class IndicatorImportError(ValidationError):
    """The file was refused; ``errors`` names each bad row and column. Nothing was changed."""

    def __init__(self, errors: list[ImportError_]):
        self.errors = errors
        super().__init__([e.message for e in errors])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


@transaction.atomic
def indicators_import(*, scheme: Scheme, file) -> int:
    """Replace the scheme's indicators with the rows of an Excel sheet (表头:评估领域、编码、指标、分值、
    评分说明). All or nothing: any bad row refuses the whole file with row-level messages."""
    from supervision.roster import open_workbook  # the roster's checked opener (size, zip bomb, .xls)

    _refuse_if_locked(scheme)
    workbook, opened = open_workbook(file)
    if workbook is None:
        raise IndicatorImportError([ImportError_(None, "", e.reason) for e in opened])
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [_cell(v) for v in (next(rows, None) or ())]
    missing = [h for h in IMPORT_HEADERS if h not in header]
    if missing:
        raise IndicatorImportError(
            [ImportError_(1, "", _("缺少表头:%(headers)s。第1行应为:%(all)s。") % {
                "headers": "、".join(missing), "all": "、".join(IMPORT_HEADERS)})]
        )
    pos = {h: header.index(h) for h in IMPORT_HEADERS}
    errors: list[ImportError_] = []
    cleaned, seen = [], {}
    for number, values in enumerate(rows, start=2):
        data = {h: _cell(values[pos[h]]) if pos[h] < len(values) else "" for h in IMPORT_HEADERS}
        if not any(data.values()):
            continue
        for h in ("评估领域", "编码", "指标"):
            if not data[h]:
                errors.append(ImportError_(number, h, _("第%(row)d行“%(col)s”不能为空。") % {"row": number, "col": h}))
        try:
            points = Decimal(data["分值"])
            if not points.is_finite() or points <= 0 or points > 1000:
                raise InvalidOperation
        except InvalidOperation:
            points = None
            errors.append(ImportError_(number, "分值", _("第%(row)d行“分值”应为大于0的数,现为“%(value)s”。") % {
                "row": number, "value": data["分值"]}))
        code = data["编码"]
        if code and code in seen:
            errors.append(ImportError_(number, "编码", _("第%(row)d行编码“%(code)s”与第%(first)d行重复。") % {
                "row": number, "code": code, "first": seen[code]}))
        elif code and len(code) > 16:
            errors.append(ImportError_(number, "编码", _("第%(row)d行编码过长(最多16个字符)。") % {"row": number}))
        seen.setdefault(code, number)
        cleaned.append(Indicator(scheme=scheme, area=data["评估领域"][:50], code=code, title=data["指标"][:200],
                                 max_points=points, guidance=data["评分说明"], order=len(cleaned) + 1))
    if not cleaned and not errors:
        errors.append(ImportError_(None, "", _("文件中没有指标(第2行起每行一项指标)。")))
    if errors:
        raise IndicatorImportError(errors)
    scheme.indicators.all().delete()
    Indicator.objects.bulk_create(cleaned)
    return len(cleaned)


# --- Rounds and the schools in them ----------------------------------------------------------------


@transaction.atomic
def round_create(*, scheme: Scheme, name: str, schools, self_evaluation: bool = True, notes: str = "") -> Round:
    """A round of an evaluation with the schools taking part (a kindergarten evaluation takes
    kindergartens only; every school must belong to the scheme's office)."""
    schools = list(schools)
    errors = {}
    if not name.strip():
        errors["name"] = _("请填写名称。")
    if not schools:
        errors["schools"] = _("请至少选择一所参评学校。")
    foreign = [s.name for s in schools if s.office_id != scheme.office_id]
    if foreign:
        errors["schools"] = _("以下学校不属于本督导室:%(names)s。") % {"names": "、".join(foreign)}
    if scheme.kind == SchemeKind.KINDERGARTEN:
        not_kg = [s.name for s in schools if s.kind != SchoolKind.KINDERGARTEN]
        if not_kg:
            errors["schools"] = _("幼儿园办园行为督导评估只能选择幼儿园:%(names)s 不是幼儿园。") % {"names": "、".join(not_kg)}
    if not scheme.indicators.exists():
        errors["scheme"] = _("该指标体系还没有指标,请先载入或录入指标。")
    if errors:
        raise ValidationError(errors)
    rnd = Round.objects.create(
        scheme=scheme, office_id=scheme.office_id, year=scheme.year, name=name.strip(),
        self_evaluation=self_evaluation and scheme.kind == SchemeKind.KINDERGARTEN, notes=notes.strip(),
    )
    Entry.objects.bulk_create(Entry(round=rnd, school=s) for s in schools)
    return rnd


def _points(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


@transaction.atomic
def scores_save(*, entry: Entry, stage: str, points: dict[int, object], actor, notes: str | None = None) -> int:
    """Save one stage's scores of an entry (indicator id → points; blank clears a score). A score
    above the indicator's maximum, negative or not a number refuses the whole form with a message at
    that indicator — nothing is saved, the form keeps what was typed. Returns the scores stored."""
    rnd = entry.round
    # Wait for an indicator edit in progress (it locks the scheme row too), then score what it left.
    Scheme.objects.select_for_update().filter(pk=rnd.scheme_id).first()
    if stage not in rnd.stages:
        raise ValidationError(_("该评估没有“%(stage)s”环节。") % {"stage": Stage(stage).label if stage in Stage.values else stage})
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme=rnd.scheme_id)}
    errors, clean = {}, {}
    for indicator_id, raw in points.items():
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            raise ValidationError(_("指标不属于该评估的指标体系。"))
        field = f"i{indicator.pk}"
        try:
            value = _points(raw)
        except ValueError:
            errors[field] = _("%(code)s:“%(value)s”不是有效的分数。") % {"code": indicator.code, "value": raw}
            continue
        if value is not None and (value < 0 or value > indicator.max_points):
            errors[field] = _("%(code)s %(title)s:得分应在0到%(max)s分之间,您填写的是%(value)s分。") % {
                "code": indicator.code, "title": indicator.title, "max": _fmt(indicator.max_points), "value": _fmt(value)}
            continue
        if value is not None and value != value.quantize(Decimal("0.1")):
            errors[field] = _("%(code)s:得分最多保留一位小数。") % {"code": indicator.code}
            continue
        clean[indicator.pk] = value
    if errors:
        raise ValidationError(errors)
    existing = {s.indicator_id: s for s in Score.objects.select_for_update().filter(entry=entry, stage=stage)}
    to_delete = [existing[i].pk for i, v in clean.items() if v is None and i in existing]
    Score.objects.filter(pk__in=to_delete).delete()
    for indicator_id, value in clean.items():
        if value is None:
            continue
        score = existing.get(indicator_id)
        if score is None:
            try:
                with transaction.atomic():
                    Score.objects.create(entry=entry, indicator_id=indicator_id, stage=stage, points=value, entered_by=actor)
            except IntegrityError:  # someone saved the same score a moment ago: this save wins
                Score.objects.filter(entry=entry, indicator_id=indicator_id, stage=stage).update(points=value, entered_by=actor)
        elif score.points != value:
            score.points, score.entered_by = value, actor
            score.save(update_fields=["points", "entered_by", "entered_at"])
    if notes is not None and stage != Stage.SELF:
        entry.notes = notes.strip()
        entry.save(update_fields=["notes"])
    return Score.objects.filter(entry=entry, stage=stage).count()


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


# --- Weak results → rectification (问题整改) and a follow-up visit (回访) ------------------------------


@transaction.atomic
def weak_indicators_raise(*, entry: Entry, indicator_ids, opinion: str, actor, found_on: dt.date,
                          deadline: dt.date | None = None) -> list:
    """Turn chosen indicators of a weak result (不合格, or an indicator below its share of points)
    into rectification tickets (source 督导评估); a follow-up visit (回访) is due from that day and is
    satisfied by the next submitted routine visit to the school. An indicator already raised for this
    entry is not raised twice."""
    from .selectors import entry_sheet

    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写整改意见。")})
    chosen = {int(i) for i in indicator_ids}
    if not chosen:
        raise ValidationError({"indicators": _("请至少选择一项需要整改的指标。")})
    sheet = entry_sheet(entry)
    rows = {row.indicator.pk: row for row in sheet.rows}
    if chosen - set(rows):
        raise ValidationError({"indicators": _("指标不属于该评估的指标体系。")})
    already = set(entry.problems.values_list("item_code", flat=True))
    raised = []
    for pk in sorted(chosen, key=lambda p: rows[p].indicator.order):
        row = rows[pk]
        if row.indicator.code in already:
            continue
        scored = row.points.get(Stage.CITY) if row.points.get(Stage.CITY) is not None else row.points.get(Stage.COUNTY)
        description = _("《%(round)s》指标 %(code)s %(title)s:得分%(points)s分(满分%(max)s分)。") % {
            "round": entry.round.name, "code": row.indicator.code, "title": row.indicator.title,
            "points": _fmt(scored) if scored is not None else "—", "max": _fmt(row.indicator.max_points)}
        raised.append(problem_raise(
            school=entry.school, source=ProblemSource.EVALUATION, item_code=row.indicator.code,
            item_title=row.indicator.title, description=description, opinion=opinion, found_on=found_on,
            actor=actor, severity=Severity.MINOR, deadline=deadline,
        ))
    if not raised:
        raise ValidationError({"indicators": _("所选指标都已下达过整改。")})
    entry.problems.add(*raised)
    if entry.rectification_raised_on is None:
        entry.rectification_raised_on = found_on
        entry.save(update_fields=["rectification_raised_on"])
    return raised
