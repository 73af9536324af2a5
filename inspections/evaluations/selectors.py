"""Reads of evaluations: side-by-side scores (自评/县评/市评), totals, levels, ranking, pass rates,
results per zone and the follow-up visit (回访) — each list in a constant number of queries."""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value

from inspections.visits.selectors import counted_visits
from schools.models import SchoolMembership
from supervision import clock

from .choices import Level, SchemeKind, Stage
from .models import Entry, Indicator, Round, Scheme, Score


def level_of(scheme: Scheme, total: Decimal | None) -> str | None:
    if total is None:
        return None
    if total >= scheme.excellent_min:
        return Level.EXCELLENT
    if total >= scheme.good_min:
        return Level.GOOD
    if total >= scheme.pass_min:
        return Level.QUALIFIED
    return Level.FAILED


def satisfaction_for(*, office, year: int) -> dict[int, float] | None:
    """Parents' satisfaction per school from the surveys app, or None while that app has no such reader."""
    try:
        from inspections.surveys.selectors import satisfaction_by_school
    except ImportError:
        return None
    return satisfaction_by_school(office=office, year=year)


def _stage_annotations(weak_share: Decimal) -> dict:
    ann = {}
    for stage in Stage.values:
        ann[f"total_{stage}"] = Sum("scores__points", filter=Q(scores__stage=stage))
        ann[f"scored_{stage}"] = Count("scores", filter=Q(scores__stage=stage))
    threshold = ExpressionWrapper(F("scores__indicator__max_points") * Value(weak_share),
                                  output_field=DecimalField(max_digits=8, decimal_places=3))
    for stage in (Stage.COUNTY, Stage.CITY):
        ann[f"weak_{stage}"] = Count("scores", filter=Q(scores__stage=stage, scores__points__lt=threshold))
    return ann


def followed_up_on():
    """The first counted (routine, submitted) visit to the school on or after the rectification day."""
    return Subquery(
        counted_visits().filter(school=OuterRef("school"), date__gte=OuterRef("rectification_raised_on"))
        .order_by("date").values("date")[:1]
    )


@dataclass
class ResultRow:
    entry: Entry
    totals: dict[str, Decimal | None]
    complete: dict[str, bool]
    levels: dict[str, str | None]
    final_stage: str | None
    final_total: Decimal | None
    level: str | None
    weak: bool
    weak_count: int
    rank: int | None = None
    satisfaction: float | None = None
    followed_up_on: object = None
    tickets: int = 0
    stages: tuple = ()

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level else ""

    @property
    def passed(self) -> bool | None:
        return None if self.level is None else self.level != Level.FAILED

    @property
    def follow_up_due(self) -> bool:
        return self.entry.rectification_raised_on is not None and self.followed_up_on is None

    @property
    def stage_cells(self):
        return [(s, self.totals[s], self.complete[s], self.levels[s]) for s in self.stages]


@dataclass
class Results:
    round: Round
    stages: list[str]
    indicator_count: int
    max_total: Decimal
    rows: list[ResultRow]
    satisfaction_available: bool
    zones: list[dict] = field(default_factory=list)

    @property
    def ranked(self) -> list[ResultRow]:
        """Rows by rank (the unranked — not fully scored yet — last, by school code)."""
        return sorted(self.rows, key=lambda r: (r.rank is None, r.rank or 0, r.entry.school.code))

    @property
    def scored(self) -> list[ResultRow]:
        return [r for r in self.rows if r.final_total is not None]

    @property
    def average(self) -> Decimal | None:
        scored = self.scored
        return (sum(r.final_total for r in scored) / len(scored)).quantize(Decimal("0.1")) if scored else None

    @property
    def passed_count(self) -> int:
        return sum(1 for r in self.rows if r.passed)

    @property
    def pass_rate(self) -> float | None:
        scored = self.scored
        return round(100 * self.passed_count / len(scored), 1) if scored else None

    def level_counts(self) -> list[tuple[str, str, int]]:
        return [(lv.value, lv.label, sum(1 for r in self.rows if r.level == lv)) for lv in Level]


def round_results(rnd: Round, *, with_satisfaction: bool = True) -> Results:
    """Every entry of a round with its stage totals side by side, level (from the latest complete
    official stage: 市评 over 县评), weak flag, rank by that total, tickets raised and follow-up."""
    scheme = rnd.scheme
    indicators = list(Indicator.objects.filter(scheme=scheme).values_list("max_points", flat=True))
    n, max_total = len(indicators), sum(indicators, Decimal(0))
    # Two annotations over two joins (scores, problems) would multiply rows: count problems apart.
    entries = list(Entry.objects.filter(round=rnd).select_related("school")
                   .annotate(**_stage_annotations(scheme.weak_share), followed_up_on=followed_up_on())
                   .order_by("school__code"))
    # Each school's zone as at the end of the round's year (or today while it runs).
    day = min(dt.date(rnd.year, 12, 31), clock.today())
    zones = {
        m.school_id: m.zone
        for m in SchoolMembership.objects.on(day).filter(school__in=[e.school_id for e in entries]).select_related("zone")
    }
    for e in entries:
        e.zone = zones.get(e.school_id)
    tickets = dict(
        Entry.problems.through.objects.filter(entry__round=rnd).values("entry").annotate(n=Count("pk")).values_list("entry", "n")
    )
    stages = rnd.stages
    rows = []
    for e in entries:
        totals = {s: getattr(e, f"total_{s}") for s in Stage.values}
        complete = {s: n > 0 and getattr(e, f"scored_{s}") == n for s in Stage.values}
        levels = {s: level_of(scheme, totals[s]) if complete[s] else None for s in Stage.values}
        final = next((s for s in (Stage.CITY, Stage.COUNTY) if s in stages and complete[s]), None)
        final_total = totals[final] if final else None
        level = levels[final] if final else None
        weak_count = getattr(e, f"weak_{final}") if final else getattr(e, "weak_county")
        rows.append(ResultRow(
            entry=e, totals=totals, complete=complete, levels=levels, final_stage=final, final_total=final_total,
            level=level, weak=level == Level.FAILED or weak_count > 0, weak_count=weak_count,
            followed_up_on=e.followed_up_on, tickets=tickets.get(e.pk, 0), stages=tuple(stages),
        ))
    _rank(rows)
    satisfaction = satisfaction_for(office=rnd.office, year=rnd.year) if with_satisfaction else None
    if satisfaction is not None:
        for row in rows:
            row.satisfaction = satisfaction.get(row.entry.school_id)
    results = Results(round=rnd, stages=stages, indicator_count=n, max_total=max_total, rows=rows,
                      satisfaction_available=satisfaction is not None)
    results.zones = zone_results(rows)
    return results


def _rank(rows: list[ResultRow]) -> None:
    """Competition ranking by the final total (equal totals share a rank: 1, 2, 2, 4)."""
    ranked = sorted((r for r in rows if r.final_total is not None), key=lambda r: -r.final_total)
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row.final_total != previous:
            rank, previous = position, row.final_total
        row.rank = rank


def zone_results(rows: list[ResultRow]) -> list[dict]:
    """Per zone (责任区): schools, scored, average total, passed, pass rate."""
    groups: dict = OrderedDict()
    for row in sorted(rows, key=lambda r: (r.entry.zone.name if r.entry.zone else "~")):
        zone = row.entry.zone
        groups.setdefault(zone.pk if zone else None, {"zone": zone, "rows": []})["rows"].append(row)
    result = []
    for group in groups.values():
        scored = [r for r in group["rows"] if r.final_total is not None]
        passed = sum(1 for r in scored if r.passed)
        result.append({
            "zone": group["zone"], "schools": len(group["rows"]), "scored": len(scored),
            "average": (sum(r.final_total for r in scored) / len(scored)).quantize(Decimal("0.1")) if scored else None,
            "passed": passed, "pass_rate": round(100 * passed / len(scored), 1) if scored else None,
        })
    return result


@dataclass
class SheetRow:
    indicator: Indicator
    points: dict[str, Decimal | None]

    def weak_at(self, stage: str, share: Decimal) -> bool:
        value = self.points.get(stage)
        return value is not None and value < self.indicator.max_points * share


@dataclass
class Sheet:
    entry: Entry
    stages: list[str]
    rows: list[SheetRow]

    @property
    def areas(self):
        grouped = OrderedDict()
        for row in self.rows:
            grouped.setdefault(row.indicator.area, []).append(row)
        return grouped

    def totals(self) -> dict[str, Decimal | None]:
        out = {}
        for stage in self.stages:
            values = [r.points[stage] for r in self.rows if r.points.get(stage) is not None]
            out[stage] = sum(values, Decimal(0)) if values else None
        return out

    def weak_rows(self, share: Decimal) -> list[SheetRow]:
        """Indicators below their share of points at the latest official stage scored (市评, else 县评)."""
        out = []
        for row in self.rows:
            stage = Stage.CITY if row.points.get(Stage.CITY) is not None else Stage.COUNTY
            if row.weak_at(stage, share):
                out.append(row)
        return out


def entry_sheet(entry: Entry) -> Sheet:
    """An entry's indicators with each stage's points side by side (two queries)."""
    indicators = list(Indicator.objects.filter(scheme=entry.round.scheme_id).order_by("order", "code"))
    points: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for indicator_id, stage, value in Score.objects.filter(entry=entry).values_list("indicator_id", "stage", "points"):
        points[indicator_id][stage] = value
    rows = [SheetRow(indicator=i, points={s: points[i.pk].get(s) for s in Stage.values}) for i in indicators]
    return Sheet(entry=entry, stages=entry.round.stages, rows=rows)


def rounds_with_counts(rounds):
    return rounds.select_related("scheme", "office").annotate(schools=Count("entries", distinct=True)).order_by("-year", "-pk")


def year_figures(*, office, year: int) -> dict:
    """Figures of the office's evaluations of a year for the year-end summary."""
    kg_rounds = Round.objects.filter(office=office, year=year, scheme__kind=SchemeKind.KINDERGARTEN).select_related("scheme", "office")
    kg = [round_results(r, with_satisfaction=False) for r in kg_rounds]
    rows = [row for res in kg for row in res.rows]
    county = [row.totals[Stage.COUNTY] for row in rows if row.complete[Stage.COUNTY]]
    levels = defaultdict(int)
    for row in rows:
        if row.level:
            levels[row.level] += 1
    assessments = [round_results(r, with_satisfaction=False) for r in Round.objects.filter(
        office=office, year=year, scheme__kind__in=[SchemeKind.TARGET, SchemeKind.ACCEPTANCE]).select_related("scheme", "office")]
    return {
        "kindergartens": len({row.entry.school_id for row in rows}),
        "county_scored": len(county),
        "county_average": (sum(county) / len(county)).quantize(Decimal("0.1")) if county else None,
        "levels": dict(levels),
        "weak": sum(1 for row in rows if row.weak and row.final_stage),
        "tickets": sum(row.tickets for row in rows),
        "assessments": [
            {"name": res.round.name, "kind": res.round.scheme.kind, "schools": len(res.rows), "scored": len(res.scored),
             "passed": res.passed_count, "average": res.average}
            for res in assessments
        ],
    }
