"""Writes of the year's plan (督导计划) and the checklist templates (督导清单) a visit's checklist is built from."""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from schools.choices import SchoolKind
from schools.models import School
from supervision.models import Office

from inspections.models.choices import Audience
from inspections.models import ChecklistTemplate, Plan, PlanMonth, TemplateItem
from inspections.plans.defaults import KINDERGARTEN_ITEMS, SCHOOL_ITEMS, TUTORING_ITEMS


def audience_of(school: School) -> str:
    if school.is_kindergarten:
        return Audience.KINDERGARTEN
    if school.kind == SchoolKind.TUTORING:
        return Audience.TUTORING
    return Audience.SCHOOL


@transaction.atomic
def template_ensure(*, office: Office, year: int, audience: str) -> ChecklistTemplate:
    """The office's template for that year: existing, else copied from the latest earlier year,
    else built from the national defaults (八项 / 六项)."""
    template = ChecklistTemplate.objects.filter(office=office, year=year, audience=audience).first()
    if template:
        return template
    previous = (
        ChecklistTemplate.objects.filter(office=office, audience=audience, year__lt=year).order_by("-year").first()
    )
    # Office documents are Chinese whatever language the person clicking works in.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(year)d年%(who)s经常性督导清单") % {"year": year, "who": Audience(audience).label}
    template = ChecklistTemplate.objects.create(office=office, year=year, audience=audience, title=title)
    if previous:
        rows = [(i.code, i.title, i.guidance, i.sub_points) for i in previous.items.all()]
    else:
        rows = {Audience.KINDERGARTEN: KINDERGARTEN_ITEMS, Audience.TUTORING: TUTORING_ITEMS}.get(audience, SCHOOL_ITEMS)
    with translation.override(settings.LANGUAGE_CODE):
        TemplateItem.objects.bulk_create(
            TemplateItem(template=template, code=code, title=str(title), guidance=str(guidance), sub_points=sub, position=n)
            for n, (code, title, guidance, sub) in enumerate(rows, start=1)
        )
    return template


@transaction.atomic
def template_item_save(
    *, template: ChecklistTemplate, code: str, title: str, guidance: str = "", sub_points: str = "",
    position: int | None = None, item: TemplateItem | None = None,
) -> TemplateItem:
    """Add or edit an item; the template's version goes up so later checklists show the new wording
    while submitted ones keep theirs."""
    code, title = code.strip().upper(), title.strip()
    if not code or not title:
        raise ValidationError(_("事项编号和名称不能为空。"))
    clash = template.items.filter(code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError(_("编号 %(code)s 已在模板中使用。") % {"code": code})
    item = item or TemplateItem(template=template)
    item.code, item.title, item.guidance, item.sub_points = code, title, guidance.strip(), sub_points.strip()
    if position is not None:
        item.position = position
    elif item.pk is None:
        item.position = (template.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item.save()
    ChecklistTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)
    template.version += 1
    return item


@transaction.atomic
def template_item_delete(*, item: TemplateItem) -> None:
    template = item.template
    item.delete()
    ChecklistTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)


@transaction.atomic
def template_item_move(*, item: TemplateItem, up: bool) -> None:
    """Move an item one place up or down; positions are renumbered 1..n and the version goes up."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=item.template_id)
    items = list(template.items.order_by("position", "code"))
    index = next(n for n, i in enumerate(items) if i.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for n, i in enumerate(items, start=1):
        i.position = n
    TemplateItem.objects.bulk_update(items, ["position"])
    ChecklistTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)


@transaction.atomic
def plan_create(*, office: Office, year: int, copy_from_previous: bool = True) -> Plan:
    """A new annual plan; by default a copy of the latest earlier year's plan, to be edited."""
    if Plan.objects.filter(office=office, year=year).exists():
        raise ValidationError(_("%(year)d年度的工作计划已存在。") % {"year": year})
    previous = Plan.objects.filter(office=office, year__lt=year).order_by("-year").first() if copy_from_previous else None
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(office)s%(year)d年责任督学挂牌督导工作计划") % {
            "office": office.name.replace("人民政府教育督导室", ""), "year": year
        }
    plan = Plan.objects.create(
        office=office,
        year=year,
        title=title,
        monthly_topics=previous.monthly_topics if previous else "",
    )
    old = {m.month: m for m in previous.months.all()} if previous else {}
    PlanMonth.objects.bulk_create(
        PlanMonth(
            plan=plan,
            month=month,
            school_focus=old[month].school_focus if month in old else "",
            kindergarten_focus=old[month].kindergarten_focus if month in old else "",
            other_tasks=old[month].other_tasks if month in old else "",
            school_item_codes=old[month].school_item_codes if month in old else [],
            kindergarten_item_codes=old[month].kindergarten_item_codes if month in old else [],
        )
        for month in range(1, 13)
    )
    for audience in Audience.values:
        template_ensure(office=office, year=year, audience=audience)
    return plan


@transaction.atomic
def plan_save(*, plan: Plan, title: str, monthly_topics: str) -> Plan:
    """Edit the plan's title and the topics checked every month (one a line, blanks and repeats dropped)."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("请填写计划标题。")})
    topics = dict.fromkeys(line.strip() for line in monthly_topics.splitlines() if line.strip())
    too_long = [t for t in topics if len(t) > 200]
    if too_long:
        raise ValidationError({"monthly_topics": _("每项不超过200字:%(t)s") % {"t": too_long[0][:20]}})
    plan.title = title
    plan.monthly_topics = "\n".join(topics)
    plan.save()
    return plan


@transaction.atomic
def plan_month_save(
    *, plan_month: PlanMonth, school_focus: str, kindergarten_focus: str, other_tasks: str,
    school_item_codes: Iterable[str], kindergarten_item_codes: Iterable[str],
) -> PlanMonth:
    plan = plan_month.plan
    valid = {
        audience: set(
            TemplateItem.objects.filter(
                template__office=plan.office_id, template__year=plan.year, template__audience=audience
            ).values_list("code", flat=True)
        )
        for audience in Audience.values
    }
    for audience, codes in ((Audience.SCHOOL, school_item_codes), (Audience.KINDERGARTEN, kindergarten_item_codes)):
        unknown = set(codes) - valid[audience]
        if unknown:
            raise ValidationError(_("未知的督导事项编号:%(codes)s") % {"codes": "、".join(sorted(unknown))})
    plan_month.school_focus = school_focus.strip()
    plan_month.kindergarten_focus = kindergarten_focus.strip()
    plan_month.other_tasks = other_tasks.strip()
    plan_month.school_item_codes = sorted(set(school_item_codes))
    plan_month.kindergarten_item_codes = sorted(set(kindergarten_item_codes))
    plan_month.save()
    return plan_month
