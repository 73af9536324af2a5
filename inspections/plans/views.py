"""Annual plan (工作计划) and checklist template pages.

Reading: everyone who oversees the office, and the office's own supervisors (they need the month's
focus). Editing: the office's admins and director. Scope comes from ``supervision.access`` (a
missing and a forbidden object both answer 404); writes go through ``inspections.plans.services``.
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision import access, clock
from supervision.forms import add_service_errors

from inspections.plans import services
from inspections.models.choices import Audience
from inspections.models import Checklist, ChecklistTemplate, Plan, PlanMonth, TemplateItem
from inspections.plans.forms import PlanCreateForm, PlanForm, PlanMonthForm, TemplateEnsureForm, TemplateItemForm

MONTHS = range(1, 13)


def _visible_offices_or_404(request):
    offices = access.plan_offices_visible_to(request.user)
    if not offices.exists():
        raise Http404
    return offices


def _planned_offices_or_404(request):
    offices = access.offices_planned_by(request.user)
    if not offices.exists():
        raise Http404
    return offices


def _can_edit(user, office_id: int) -> bool:
    return access.offices_planned_by(user).filter(pk=office_id).exists()


def _items_by_audience(*, office_id: int, year: int) -> dict[str, list[TemplateItem]]:
    """The standing items of the office's two templates for that year, in one query."""
    items: dict[str, list[TemplateItem]] = defaultdict(list)
    for item in TemplateItem.objects.filter(template__office=office_id, template__year=year).select_related("template"):
        items[item.template.audience].append(item)
    return items


# --- Plans ----------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    offices = _visible_offices_or_404(request).prefetch_related(
        Prefetch("plans", queryset=Plan.objects.order_by("-year"))
    )
    editable = set(access.offices_planned_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "inspections/plan_list.html",
        {"offices": offices, "editable": editable, "this_year": clock.today().year},
    )


@login_required
def plan_create(request):
    offices = _planned_offices_or_404(request)
    initial = {"office": request.GET.get("office"), "year": clock.today().year}
    form = PlanCreateForm(request.POST or None, offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                office=data["office"], year=data["year"], copy_from_previous=data["copy_from_previous"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建%(year)d年度工作计划,请逐月核对督导重点。") % {"year": plan.year})
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(
        request, "inspections/plan_create.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def _chips(codes: list[str], items: dict[str, TemplateItem]) -> list[tuple[str, str]]:
    # A code whose item was since deleted from the template still shows, without a title.
    return [(code, items[code].title if code in items else "") for code in codes]


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(access.plans_visible_to(request.user).select_related("office"), pk=pk)
    items = _items_by_audience(office_id=plan.office_id, year=plan.year)
    school_items = {i.code: i for i in items[Audience.SCHOOL]}
    kg_items = {i.code: i for i in items[Audience.KINDERGARTEN]}
    months = [
        {
            "entry": m,
            "school_chips": _chips(m.school_item_codes, school_items),
            "kindergarten_chips": _chips(m.kindergarten_item_codes, kg_items),
        }
        for m in plan.months.all()
    ]
    today = clock.today()
    templates = {
        t.audience: t
        for t in ChecklistTemplate.objects.filter(office=plan.office_id, year=plan.year)
    }
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "months": months,
            "can_edit": _can_edit(request.user, plan.office_id),
            "current_month": today.month if today.year == plan.year else None,
            "years": access.plans_visible_to(request.user).filter(office=plan.office_id).order_by("year").values_list("pk", "year"),
            "school_template": templates.get(Audience.SCHOOL),
            "kindergarten_template": templates.get(Audience.KINDERGARTEN),
        },
    )


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(access.plans_editable_by(request.user).select_related("office"), pk=pk)
    form = PlanForm(request.POST or None, initial={"title": plan.title, "monthly_topics": plan.monthly_topics})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("计划标题和每月必查事项已保存。"))
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(
        request, "inspections/plan_edit.html", {"plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_month_edit(request, pk, month):
    plan = get_object_or_404(access.plans_editable_by(request.user).select_related("office"), pk=pk)
    entry = get_object_or_404(PlanMonth, plan=plan, month=month)
    items = _items_by_audience(office_id=plan.office_id, year=plan.year)
    initial = {
        "school_focus": entry.school_focus,
        "kindergarten_focus": entry.kindergarten_focus,
        "other_tasks": entry.other_tasks,
        "school_item_codes": entry.school_item_codes,
        "kindergarten_item_codes": entry.kindergarten_item_codes,
    }
    form = PlanMonthForm(request.POST or None, initial=initial, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_month_save(plan_month=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(month)d月的督导重点已保存。") % {"month": month})
            return redirect(reverse("inspections:plan_detail", args=[plan.pk]) + f"#m{month}")
    return render(
        request,
        "inspections/plan_month_edit.html",
        {
            "plan": plan,
            "entry": entry,
            "form": form,
            "missing_templates": not items[Audience.SCHOOL] or not items[Audience.KINDERGARTEN],
            "previous_month": month - 1 if month > 1 else None,
            "next_month": month + 1 if month < 12 else None,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Checklist templates --------------------------------------------------------------------------


@login_required
def template_list(request):
    """Per office and year, the school and kindergarten templates with their version."""
    offices = list(_visible_offices_or_404(request))
    editable = set(access.offices_planned_by(request.user).values_list("pk", flat=True))
    templates = access.checklist_templates_visible_to(request.user).annotate(
        item_count=Count("items", distinct=True)
    )
    plan_years = access.plans_visible_to(request.user).values_list("office_id", "year")
    years: dict[int, set[int]] = defaultdict(set)
    cells: dict[tuple[int, int, str], ChecklistTemplate] = {}
    for t in templates:
        years[t.office_id].add(t.year)
        cells[(t.office_id, t.year, t.audience)] = t
    for office_id, year in plan_years:
        years[office_id].add(year)
    this_year = clock.today().year
    for office_id in editable:
        years[office_id] |= {this_year, this_year + 1}
    groups = [
        {
            "office": office,
            "can_edit": office.pk in editable,
            "rows": [
                {
                    "year": year,
                    "cells": [(audience, cells.get((office.pk, year, audience))) for audience in Audience],
                }
                for year in sorted(years[office.pk], reverse=True)
            ],
        }
        for office in offices
    ]
    return render(request, "inspections/template_list.html", {"groups": groups, "audiences": list(Audience)})


@login_required
@require_POST
def template_ensure(request):
    offices = _planned_offices_or_404(request)
    form = TemplateEnsureForm(request.POST, offices=offices)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("inspections:template_list")
    template = services.template_ensure(**form.cleaned_data)
    return redirect("inspections:template_detail", pk=template.pk)


@login_required
def template_detail(request, pk):
    template = get_object_or_404(access.checklist_templates_visible_to(request.user).select_related("office"), pk=pk)
    can_edit = _can_edit(request.user, template.office_id)
    items = list(template.items.all())
    focus_months: dict[str, list[int]] = defaultdict(list)
    for entry in PlanMonth.objects.filter(plan__office=template.office_id, plan__year=template.year).order_by("month"):
        for code in entry.focus_codes(template.audience):
            focus_months[code].append(entry.month)
    for item in items:
        item.focus_months = focus_months.get(item.code, [])
    counts = Checklist.objects.filter(template=template).aggregate(
        total=Count("pk"), older=Count("pk", filter=Q(template_version__lt=template.version))
    )
    return render(
        request,
        "inspections/template_detail.html",
        {
            "template": template,
            "items": items,
            "can_edit": can_edit,
            "checklist_count": counts["total"],
            "older_count": counts["older"],
            "add_form": TemplateItemForm(auto_id="add_%s") if can_edit else None,
            "plan": access.plans_visible_to(request.user).filter(office=template.office_id, year=template.year).first(),
        },
    )


def _editable_template_or_404(request, pk) -> ChecklistTemplate:
    return get_object_or_404(access.checklist_templates_editable_by(request.user).select_related("office"), pk=pk)


@login_required
def template_item_edit(request, pk, item_pk=None):
    """Add an item (no item_pk) or edit one; each save is a new template version."""
    template = _editable_template_or_404(request, pk)
    item = get_object_or_404(template.items, pk=item_pk) if item_pk else None
    initial = {}
    if item:
        initial = {"code": item.code, "title": item.title, "guidance": item.guidance, "sub_points": item.sub_points}
    form = TemplateItemForm(request.POST or None, initial=initial, lock_code=item is not None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_item_save(template=template, item=item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已保存“%(title)s”,模板更新为第 %(v)d 版。") % {"title": saved.title, "v": template.version},
            )
            return redirect(reverse("inspections:template_detail", args=[template.pk]) + f"#item-{saved.pk}")
    return render(
        request,
        "inspections/template_item_edit.html",
        {"template": template, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def template_item_delete(request, pk, item_pk):
    template = _editable_template_or_404(request, pk)
    item = get_object_or_404(template.items, pk=item_pk)
    services.template_item_delete(item=item)
    messages.success(request, _("已删除“%(title)s”;已填写的清单不受影响。") % {"title": item.title})
    return redirect("inspections:template_detail", pk=template.pk)


@login_required
@require_POST
def template_item_move(request, pk, item_pk):
    template = _editable_template_or_404(request, pk)
    item = get_object_or_404(template.items, pk=item_pk)
    services.template_item_move(item=item, up=request.POST.get("direction") == "up")
    return redirect(reverse("inspections:template_detail", args=[template.pk]) + f"#item-{item.pk}")
