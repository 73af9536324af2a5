"""Demo data of evaluations for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

柳溪县, the demo's last complete year (2026 when the demo is seeded in 2027): a 幼儿园办园行为督导评估 of eight kindergartens (as seed 004: 8 家) — most have filled in
their self-evaluation, the county has scored all but one on site, the city has re-evaluated three;
贝贝乐幼儿园 came out weak (不合格) and its weak indicators are rectification tickets awaiting a
follow-up visit. And that year's 目标管理考核 of the county's primary and middle schools, scored and ranked.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from schools.choices import SchoolKind
from schools.models import School
from supervision import access
from supervision.models import Supervisor

from . import services
from .choices import SchemeKind, Stage
from .models import Indicator, Round

KG_ROUND = "%d年幼儿园办园行为督导评估"  # of the year it was held
TARGET_ROUND = "%d年中小学目标管理考核"
KINDERGARTENS = ["蓝天幼儿园", "柳溪县第一幼儿园", "柳溪县实验幼儿园", "三源镇中心幼儿园", "小太阳幼儿园",
                 "金色童年幼儿园", "七彩虹幼儿园", "贝贝乐幼儿园"]
WEAK = "贝贝乐幼儿园"
# How well each kindergarten does on site (share of points), the weak one far below 合格.
LEVELS = {"蓝天幼儿园": 0.86, "柳溪县第一幼儿园": 0.93, "柳溪县实验幼儿园": 0.95, "三源镇中心幼儿园": 0.82,
          "小太阳幼儿园": 0.78, "金色童年幼儿园": 0.88, "七彩虹幼儿园": 0.74, WEAK: 0.55}


def _office_admin(office):
    from django.contrib.auth import get_user_model

    from supervision.models import Office

    admins = Office.objects.filter(pk=office.pk, officeuserobjectpermission__permission__codename=access.MANAGE)
    return get_user_model().objects.filter(pk__in=admins.values("officeuserobjectpermission__user")).order_by("pk").first()


def _points(indicators, share: float, rng: random.Random, *, spread: float = 0.12) -> dict[int, Decimal]:
    out = {}
    for ind in indicators:
        ratio = min(1.0, max(0.2, share + rng.uniform(-spread, spread)))
        out[ind.pk] = (ind.max_points * Decimal(str(ratio)) * 2).to_integral_value() / 2
    return out


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    year = today.year - 1  # the last complete year: the rounds are over and in its year-end summary
    if Round.objects.filter(office=office, name=KG_ROUND % year).exists():
        return
    admin = _office_admin(office)
    scorer = Supervisor.objects.filter(office=office, is_active=True, phone="13904350007").select_related("user").first()
    if admin is None:
        return
    county_user = scorer.user if scorer else admin
    rng = random.Random(2026)  # the same scores whichever the year
    with transaction.atomic():
        kgs = list(School.objects.filter(office=office, name__in=KINDERGARTENS).order_by("code"))
        if kgs:
            scheme = services.scheme_create(office=office, year=year, kind=SchemeKind.KINDERGARTEN, name="幼儿园办园行为督导评估指标")
            rnd = services.round_create(scheme=scheme, name=KG_ROUND % year, schools=kgs,
                                        notes="对照督评指标,采用查看现场、查阅档案、访谈等方式开展县级实地督评。")
            indicators = list(Indicator.objects.filter(scheme=scheme))
            entries = {e.school.name: e for e in rnd.entries.select_related("school")}
            for n, (name, entry) in enumerate(sorted(entries.items())):
                share = LEVELS.get(name, 0.85)
                own = access.school_users_of(entry.school).first() or admin
                if name != "七彩虹幼儿园":  # one kindergarten has not sent its self-evaluation yet
                    services.scores_save(entry=entry, stage=Stage.SELF, points=_points(indicators, min(1.0, share + 0.06), rng),
                                         actor=own)
                if name != "金色童年幼儿园":  # and one is still to be visited on site
                    services.scores_save(entry=entry, stage=Stage.COUNTY, points=_points(indicators, share, rng),
                                         actor=county_user, notes="园所环境整洁,保教常规基本落实;个别档案不够完整。")
                if name in ("蓝天幼儿园", "柳溪县实验幼儿园", "柳溪县第一幼儿园"):
                    services.scores_save(entry=entry, stage=Stage.CITY, points=_points(indicators, share + 0.02, rng),
                                         actor=admin)
            weak = entries.get(WEAK)
            if weak is not None:
                from .selectors import entry_sheet

                rows = entry_sheet(weak).weak_rows(scheme.weak_share)[:3]
                if rows:
                    services.weak_indicators_raise(
                        entry=weak, indicator_ids=[r.indicator.pk for r in rows], actor=admin, found_on=dt.date(year, 12, 10),
                        opinion="对照督评指标逐项整改,一个月内提交整改报告,督导室将组织回访。",
                    )
        schools = list(School.objects.current(office=office).filter(kind__in=[
            SchoolKind.PRIMARY, SchoolKind.JUNIOR, SchoolKind.NINE_YEAR]).order_by("code"))
        if schools:
            scheme = services.scheme_create(office=office, year=year, kind=SchemeKind.TARGET, name="中小学目标管理考核方案")
            rnd = services.round_create(scheme=scheme, name=TARGET_ROUND % year, schools=schools)
            indicators = list(Indicator.objects.filter(scheme=scheme))
            for entry in rnd.entries.all():
                services.scores_save(entry=entry, stage=Stage.COUNTY, actor=admin,
                                     points=_points(indicators, rng.uniform(0.55, 0.97), rng, spread=0.06))
