"""Evaluation data built through the services, as an office builds it."""
from decimal import Decimal

from inspections.evaluations import services
from inspections.evaluations.choices import SchemeKind
from inspections.evaluations.models import Indicator, Scheme
from tests import factories as f


def kindergartens(world, n=3):
    """Kindergartens of county A: the world's a4 plus ``n - 1`` more in zone A1 / A2."""
    county = world["county_a"]
    kgs = [world["schools"]["a4"]]
    for i in range(1, n):
        zone = world["zone_a1"] if i % 2 else world["zone_a2"]
        kgs.append(f.SchoolFactory(office=county, zone=zone, kind="kindergarten", name=f"柳河县第{i}幼儿园"))
    return kgs


def kg_round(world, schools=None, *, office=None, year=2026, name="2026年幼儿园办园行为督导评估"):
    office = office or world["county_a"]
    scheme = Scheme.objects.filter(office=office, year=year, kind=SchemeKind.KINDERGARTEN).first() or services.scheme_create(
        office=office, year=year, kind=SchemeKind.KINDERGARTEN, name="幼儿园办园行为督导评估指标")
    schools = schools if schools is not None else kindergartens(world)
    return services.round_create(scheme=scheme, name=name, schools=schools)


def assessment_round(world, schools, *, kind=SchemeKind.TARGET, year=2026):
    scheme = services.scheme_create(office=world["county_a"], year=year, kind=kind, name="")
    return services.round_create(scheme=scheme, name=f"{year}年{scheme.get_kind_display()}", schools=schools)


def score_all(entry, stage, user, *, share=Decimal("1"), overrides=None):
    """Score every indicator at ``share`` of its points (rounded down to 0.5), with overrides by code."""
    overrides = overrides or {}
    points = {}
    for ind in Indicator.objects.filter(scheme=entry.round.scheme_id):
        if ind.code in overrides:
            points[ind.pk] = overrides[ind.code]
        else:
            points[ind.pk] = (ind.max_points * share * 2).to_integral_value(rounding="ROUND_FLOOR") / 2
    services.scores_save(entry=entry, stage=stage, points=points, actor=user)
    return points
