"""Writes of special inspections (专项督导): launch a campaign with its team, checklist and schools
(all of some kinds, chosen by hand, or a reproducible random sample), edit its checklist until the
first visit, and start a team member's special visit."""
from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from inspections.visits import services as inspection_services
from inspections.models import Visit
from schools.choices import SchoolKind
from schools.models import School
from supervision import access
from supervision.models import Office, Supervisor

from .choices import CampaignTopic, SchoolSelection
from .defaults import DEFAULT_ITEMS
from .models import Campaign, CampaignItem, CampaignSchool, CampaignVisit

SEED_MAX = 999_999


def population_of(*, office: Office, kinds: Iterable[str]):
    """The schools a campaign of these kinds draws from: the office's schools in operation, in a
    fixed order (school code), so that a seed reproduces the same draw."""
    return School.objects.current(office=office).filter(kind__in=list(kinds)).order_by("code", "pk")


def sample_draw(*, population: list, size: int, seed: int) -> list:
    """A random sample (随机抽取) reproduced by its seed: the same population and seed give the same
    schools, in the same order."""
    if size < 1:
        raise ValidationError({"sample_size": _("抽取数量至少为 1。")})
    if size > len(population):
        raise ValidationError(
            {"sample_size": _("抽取数量(%(size)d)超过了可抽取的学校数(%(total)d)。") % {"size": size, "total": len(population)}}
        )
    return random.Random(seed).sample(population, size)


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    kinds = list(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in SchoolKind.values]
    if unknown:
        raise ValidationError({"kinds": _("未知的学校类型:%(k)s") % {"k": "、".join(unknown)}})
    if not kinds:
        raise ValidationError({"kinds": _("请选择至少一种学校类型。")})
    return kinds


def _schools_for(*, office, selection, kinds, schools, sample_size, seed):
    """(schools in order, kinds, sample size, seed, population size) for the chosen way of selecting."""
    if selection == SchoolSelection.CHOSEN:
        chosen = list(dict.fromkeys(schools))
        if not chosen:
            raise ValidationError({"schools": _("请选择要抽查的学校。")})
        foreign = [s.name for s in chosen if s.office_id != office.pk or not s.is_active]
        if foreign:
            raise ValidationError({"schools": _("以下学校不属于本督导室或已停办:%(n)s") % {"n": "、".join(foreign)}})
        return chosen, sorted({s.kind for s in chosen}), None, None, None
    kinds = _check_kinds(kinds)
    population = list(population_of(office=office, kinds=kinds))
    if not population:
        raise ValidationError({"kinds": _("所选类型下没有在办学校。")})
    if selection == SchoolSelection.ALL_OF_KINDS:
        return population, kinds, None, None, len(population)
    if selection != SchoolSelection.RANDOM:
        raise ValidationError({"selection": _("请选择学校范围。")})
    if sample_size is None:
        raise ValidationError({"sample_size": _("请填写抽取数量。")})
    if seed is None:
        seed = secrets.randbelow(SEED_MAX) + 1
    elif not 0 <= seed <= 10**12:
        raise ValidationError({"seed": _("随机种子应为不超过 12 位的非负整数。")})
    drawn = sample_draw(population=population, size=sample_size, seed=seed)
    return drawn, kinds, sample_size, seed, len(population)


@transaction.atomic
def campaign_create(
    *, office: Office, actor, topic: str, title: str, start: dt.date, end: dt.date, leader: Supervisor,
    team: Iterable[Supervisor], selection: str, kinds: Iterable[str] = (), schools: Iterable[School] = (),
    sample_size: int | None = None, seed: int | None = None,
) -> Campaign:
    """Launch a special inspection: topic, period, inspection team (督导组, one leader) of the office's
    supervisors, a checklist started from the topic's defaults, and its schools — every school of
    some kinds, schools chosen by hand, or a random sample whose seed is recorded so the draw can be
    reproduced and shown ("随机抽取 5 所,种子 839201")."""
    errors: dict[str, str] = {}
    if topic not in CampaignTopic.values:
        errors["topic"] = _("请选择专项。")
    title = (title or "").strip()
    if not title and topic == CampaignTopic.OTHER:
        errors["title"] = _("“其他”专项请填写名称。")
    if start and end and end < start:
        errors["end"] = _("结束日期不能早于开始日期。")
    team = list(dict.fromkeys([leader, *team])) if leader else list(dict.fromkeys(team))
    if leader is None:
        errors["leader"] = _("请指定督导组组长。")
    foreign = [s.name for s in team if s.office_id != office.pk or not s.is_active]
    if foreign:
        errors["team"] = _("以下督学不属于本督导室或已离任:%(n)s") % {"n": "、".join(foreign)}
    if errors:
        raise ValidationError(errors)
    chosen, kinds, sample_size, seed, population_size = _schools_for(
        office=office, selection=selection, kinds=kinds, schools=schools, sample_size=sample_size, seed=seed
    )
    if not title:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(year)d年“%(topic)s”专项督导") % {"year": start.year, "topic": CampaignTopic(topic).label}
    campaign = Campaign.objects.create(
        office=office, topic=topic, title=title[:200], start=start, end=end, leader=leader, selection=selection,
        kinds=kinds, sample_size=sample_size, seed=seed, population_size=population_size, created_by=actor,
    )
    campaign.team.set(team)
    CampaignSchool.objects.bulk_create(
        CampaignSchool(campaign=campaign, school=school, position=n) for n, school in enumerate(chosen, start=1)
    )
    with translation.override(settings.LANGUAGE_CODE):
        CampaignItem.objects.bulk_create(
            CampaignItem(campaign=campaign, code=code, title=str(t), guidance=str(g), position=n)
            for n, (code, t, g) in enumerate(DEFAULT_ITEMS.get(topic, []), start=1)
        )
    return campaign


def items_editable(campaign: Campaign) -> bool:
    """The checklist is editable until the first visit starts (every checklist then has the same items)."""
    return not campaign.campaign_visits.exists()


def _check_items_editable(campaign: Campaign) -> None:
    if not items_editable(campaign):
        raise ValidationError(_("督导组已开始入校督导,专项督导清单不能再修改。"))


@transaction.atomic
def campaign_item_save(
    *, campaign: Campaign, code: str, title: str, guidance: str = "", item: CampaignItem | None = None
) -> CampaignItem:
    """Add or edit an item of the campaign's checklist (until the first visit starts)."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    _check_items_editable(campaign)
    code, title = (code or "").strip().upper(), (title or "").strip()
    if not code or not title:
        raise ValidationError(_("事项编号和名称不能为空。"))
    clash = campaign.items.filter(code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": _("编号 %(code)s 已在清单中使用。") % {"code": code}})
    item = item or CampaignItem(campaign=campaign)
    if item.pk is None:
        item.position = (campaign.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item.code, item.title, item.guidance = code, title[:200], (guidance or "").strip()
    item.save()
    Campaign.objects.filter(pk=campaign.pk).update(items_version=F("items_version") + 1)
    return item


@transaction.atomic
def campaign_item_delete(*, item: CampaignItem) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=item.campaign_id)
    _check_items_editable(campaign)
    item.delete()
    Campaign.objects.filter(pk=campaign.pk).update(items_version=F("items_version") + 1)


@transaction.atomic
def campaign_visit_start(
    *, campaign: Campaign, user, school: School, date: dt.date, arrived_at: dt.time | None = None,
    methods: Iterable[str] = (), co_supervisors: Iterable[Supervisor] = (),
) -> Visit:
    """A team member starts a special visit (专项督导) at one of the campaign's schools, inside or
    outside their own zones (the campaign grants it), within the campaign's period; the checklist is
    the campaign's items. It counts for the campaign, never for routine coverage or 人次."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not access.campaigns_of_team(user).filter(pk=campaign.pk).exists():
        raise ValidationError(_("只有督导组成员可以开展本次专项督导。"))
    if not campaign.campaign_schools.filter(school=school).exists():
        raise ValidationError(_("“%(school)s”不在本次专项督导的学校名单中。") % {"school": school.name})
    if not campaign.start <= date <= campaign.end:
        raise ValidationError(
            {"date": _("督导日期应在专项督导期间(%(start)s 至 %(end)s)。") % {"start": campaign.start, "end": campaign.end}}
        )
    team = set(campaign.team.values_list("pk", flat=True))
    outsiders = [s.name for s in co_supervisors if s.pk not in team]
    if outsiders:
        raise ValidationError({"co_supervisors": _("以下督学不是督导组成员:%(n)s") % {"n": "、".join(outsiders)}})
    items = list(campaign.items.values_list("code", "title", "guidance"))
    if not items:
        raise ValidationError(_("专项督导清单没有督导事项,不能开始。"))
    visit = inspection_services.special_visit_start(
        user=user, school=school, date=date, items=items, version=campaign.items_version, arrived_at=arrived_at,
        methods=methods, co_supervisors=co_supervisors,
    )
    CampaignVisit.objects.create(campaign=campaign, visit=visit)
    return visit
