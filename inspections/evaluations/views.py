"""Pages of the evaluations (督导评估): schemes, rounds, side-by-side scores, results, export.

Scope comes from ``supervision.access`` (a missing and a forbidden object both answer 404); writes
go through ``services``; the scoring form keeps what was typed when a score is refused.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision import access, clock
from supervision.choices import Role
from supervision.downloads import login_or_token_required
from supervision.forms import add_service_errors
from supervision.roster import workbook_bytes

from . import selectors, services
from .choices import Stage
from .export import results_workbook
from .forms import ImportForm, IndicatorForm, RaiseForm, RoundForm, SchemeCreateForm, SchemeForm, ScoreForm
from .models import Entry, Indicator, Round, Scheme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@login_required
def home(request):
    """Schemes and rounds of the offices the user reads; a school user goes to its own evaluations."""
    user = request.user
    if not access.evaluation_offices_visible_to(user).exists():
        if access.schools_acted_for_by(user).exists():
            return redirect("evaluations:mine")
        raise Http404
    managed = set(access.offices_managed_by(user).values_list("pk", flat=True))
    schemes = (access.evaluation_schemes_visible_to(user).select_related("office")
               .annotate(indicator_count=Count("indicators", distinct=True), round_count=Count("rounds", distinct=True))
               .order_by("-year", "kind", "pk"))
    rounds = selectors.rounds_with_counts(access.evaluation_rounds_visible_to(user))
    return render(request, "evaluations/home.html", {
        "schemes": schemes, "rounds": rounds, "managed": managed,
        "create_form": SchemeCreateForm(offices=access.offices_managed_by(user)) if managed else None,
        "is_supervisor": Role.SUPERVISOR in access.user_roles(user),
    })


@login_required
@require_POST
def scheme_create(request):
    offices = access.offices_managed_by(request.user)
    if not offices.exists():
        raise Http404
    form = SchemeCreateForm(request.POST, offices=offices)
    if form.is_valid():
        d = form.cleaned_data
        try:
            scheme = services.scheme_create(office=d["office"], year=d["year"], kind=d["kind"], name=d["name"],
                                            load_default=d["load_default"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建指标体系,请核对指标和分数线。"))
            return redirect("evaluations:scheme_detail", pk=scheme.pk)
    return render(request, "evaluations/scheme_create.html", {"form": form}, status=400)


def _scheme_page(request, scheme, *, scheme_form=None, indicator_form=None, import_form=None, import_errors=(),
                 status=200):
    editable = access.evaluation_schemes_editable_by(request.user).filter(pk=scheme.pk).exists()
    indicators = list(scheme.indicators.order_by("order", "code"))
    areas: dict = {}
    for i in indicators:
        areas.setdefault(i.area, []).append(i)
    return render(request, "evaluations/scheme_detail.html", {
        "scheme": scheme, "areas": [(a, rows, sum(r.max_points for r in rows)) for a, rows in areas.items()],
        "total": sum((i.max_points for i in indicators), 0), "count": len(indicators),
        "locked": services.scheme_is_locked(scheme), "editable": editable,
        "scheme_form": scheme_form or SchemeForm(instance=scheme),
        "indicator_form": indicator_form or IndicatorForm(),
        "import_form": import_form or ImportForm(), "import_errors": import_errors,
        "rounds": scheme.rounds.order_by("-pk"),
    }, status=status)


@login_required
def scheme_detail(request, pk):
    scheme = get_object_or_404(access.evaluation_schemes_visible_to(request.user).select_related("office"), pk=pk)
    return _scheme_page(request, scheme)


def _editable_scheme(request, pk) -> Scheme:
    return get_object_or_404(access.evaluation_schemes_editable_by(request.user).select_related("office"), pk=pk)


@login_required
@require_POST
def scheme_edit(request, pk):
    scheme = _editable_scheme(request, pk)
    form = SchemeForm(request.POST, instance=Scheme.objects.get(pk=scheme.pk))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.scheme_update(scheme=scheme, name=d["name"], excellent_min=d["excellent_min"],
                                   good_min=d["good_min"], pass_min=d["pass_min"], weak_share=d["weak_share"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evaluations:scheme_detail", pk=scheme.pk)
    return _scheme_page(request, scheme, scheme_form=form, status=400)


@login_required
def indicator_edit(request, pk, indicator_id=None):
    scheme = _editable_scheme(request, pk)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_id) if indicator_id else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.indicator_save(scheme=scheme, indicator=indicator, area=d["area"], code=d["code"], title=d["title"],
                                    max_points=d["max_points"], guidance=d["guidance"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("evaluations:scheme_detail", pk=scheme.pk)
    if indicator is None and request.method == "POST":
        return _scheme_page(request, scheme, indicator_form=form, status=400)
    return render(request, "evaluations/indicator_form.html", {
        "scheme": scheme, "form": form, "indicator": indicator, "locked": services.scheme_is_locked(scheme),
    }, status=_status(request, form))


@login_required
@require_POST
def indicator_delete(request, pk, indicator_id):
    scheme = _editable_scheme(request, pk)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_id)
    try:
        services.indicator_delete(indicator=indicator)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("指标已删除。"))
    return redirect("evaluations:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def scheme_import(request, pk):
    scheme = _editable_scheme(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = services.indicators_import(scheme=scheme, file=form.cleaned_data["file"])
        except services.IndicatorImportError as exc:
            return _scheme_page(request, scheme, import_form=form, import_errors=exc.errors, status=400)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已导入%(n)d项指标。") % {"n": count})
            return redirect("evaluations:scheme_detail", pk=scheme.pk)
    return _scheme_page(request, scheme, import_form=form, status=400)


@login_or_token_required
@require_GET
def scheme_sheet(request, pk):
    """The scheme's indicators as an Excel sheet in the import layout (a template to fill in)."""
    from openpyxl import Workbook

    scheme = get_object_or_404(access.evaluation_schemes_visible_to(request.user), pk=pk)
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(list(services.IMPORT_HEADERS))
    for i in scheme.indicators.order_by("order", "code"):
        ws.append([i.area, i.code, i.title, float(i.max_points), i.guidance])
    for col, width in zip("ABCDE", (14, 8, 30, 8, 60)):
        ws.column_dimensions[col].width = width
    return FileResponse(workbook_bytes(wb), as_attachment=True, filename=f"{scheme.year}{scheme.name}指标.xlsx",
                        content_type=XLSX)


@login_required
def round_create(request, pk):
    scheme = _editable_scheme(request, pk)
    form = RoundForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rnd = services.round_create(scheme=scheme, name=d["name"], schools=d["schools"],
                                        self_evaluation=d.get("self_evaluation", False), notes=d["notes"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建评估,参评学校%(n)d所。") % {"n": rnd.entries.count()})
            return redirect("evaluations:round_detail", pk=rnd.pk)
    return render(request, "evaluations/round_create.html", {"scheme": scheme, "form": form}, status=_status(request, form))


def _visible_round(request, pk) -> Round:
    user = request.user
    rnd = get_object_or_404(access.evaluation_rounds_visible_to(user).select_related("scheme", "office"), pk=pk)
    if not access.evaluation_offices_visible_to(user).filter(pk=rnd.office_id).exists():
        raise Http404  # a school user reads only its own entry, not the round's results
    return rnd


@login_required
def round_detail(request, pk):
    rnd = _visible_round(request, pk)
    results = selectors.round_results(rnd)
    user = request.user
    can_score = {s: access.evaluation_entries_scorable_by(user, s).filter(round=rnd).exists() for s in rnd.stages}
    return render(request, "evaluations/round_detail.html", {
        "round": rnd, "results": results, "can_score": can_score,
        "managed": access.evaluation_rounds_managed_by(user).filter(pk=rnd.pk).exists(),
    })


@login_or_token_required
@require_GET
def round_export(request, pk):
    rnd = _visible_round(request, pk)
    wb = results_workbook(selectors.round_results(rnd))
    return FileResponse(workbook_bytes(wb), as_attachment=True, filename=f"{rnd.name}结果.xlsx", content_type=XLSX)


def _visible_entry(request, pk) -> Entry:
    return get_object_or_404(
        access.evaluation_entries_visible_to(request.user).select_related("round", "round__scheme", "round__office", "school"),
        pk=pk,
    )


def _entry_page(request, entry: Entry, *, raise_form=None, status=200):
    user = request.user
    sheet = selectors.entry_sheet(entry)
    scheme = entry.round.scheme
    can_score = [s for s in entry.round.stages if access.evaluation_entries_scorable_by(user, s).filter(pk=entry.pk).exists()]
    managed = access.evaluation_rounds_managed_by(user).filter(pk=entry.round_id).exists()
    is_school = access.schools_acted_for_by(user).filter(pk=entry.school_id).exists()
    follow = Entry.objects.filter(pk=entry.pk).annotate(on=selectors.followed_up_on()).values_list("on", flat=True).first()
    totals = sheet.totals()
    if managed and raise_form is None:
        raise_form = RaiseForm(sheet=sheet, share=scheme.weak_share)
    return render(request, "evaluations/entry_detail.html", {
        "entry": entry, "sheet": sheet, "scheme": scheme, "can_score": can_score, "managed": managed,
        "totals": [(s, totals[s], selectors.level_of(scheme, totals[s]) if totals[s] is not None else None) for s in sheet.stages],
        "weak_ids": {r.indicator.pk for r in sheet.weak_rows(scheme.weak_share)},
        "raise_form": raise_form if managed else None,
        "problems": entry.problems.select_related("ticket").order_by("pk"), "followed_up_on": follow,
        "show_round_link": not is_school or access.evaluation_offices_visible_to(user).exists(),
    }, status=status)


@login_required
def entry_detail(request, pk):
    return _entry_page(request, _visible_entry(request, pk))


@login_required
def entry_score(request, pk, stage):
    """Scoring form for one stage (phone first): 自评 by the kindergarten, 县评 by the county's
    supervisors/admin, 市评 by an admin recording the city's results."""
    if stage not in Stage.values:
        raise Http404
    entry = get_object_or_404(
        access.evaluation_entries_scorable_by(request.user, stage).select_related("round", "round__scheme", "school"), pk=pk
    )
    if stage not in entry.round.stages:
        raise Http404
    sheet = selectors.entry_sheet(entry)
    form = ScoreForm(request.POST or None, sheet=sheet, stage=stage, with_notes=stage == Stage.COUNTY)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(entry=entry, stage=stage, points=form.points(), actor=request.user,
                                 notes=form.cleaned_data.get("notes"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(stage)s得分已保存。") % {"stage": Stage(stage).label})
            return redirect("evaluations:entry_detail", pk=entry.pk)
    return render(request, "evaluations/entry_score.html", {
        "entry": entry, "stage": stage, "stage_label": Stage(stage).label, "form": form, "sheet": sheet,
    }, status=_status(request, form))


@login_required
@require_POST
def entry_raise(request, pk):
    """The admin turns weak indicators into rectification tickets; a refused form comes back as typed."""
    entry = get_object_or_404(
        Entry.objects.filter(round__in=access.evaluation_rounds_managed_by(request.user).values("pk"))
        .select_related("round", "round__scheme", "round__office", "school"), pk=pk,
    )
    sheet = selectors.entry_sheet(entry)
    form = RaiseForm(request.POST, sheet=sheet, share=entry.round.scheme.weak_share)
    if form.is_valid():
        d = form.cleaned_data
        try:
            raised = services.weak_indicators_raise(entry=entry, indicator_ids=d["indicators"], opinion=d["opinion"],
                                                    actor=request.user, found_on=clock.today(), deadline=d["deadline"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已下达%(n)d项整改,回访待完成。") % {"n": len(raised)})
            return redirect("evaluations:entry_detail", pk=entry.pk)
    return _entry_page(request, entry, raise_form=form, status=400)


@login_required
def mine(request):
    """A school user's evaluations: its own entries, with the self-evaluation to fill in."""
    schools = access.schools_acted_for_by(request.user)
    if not schools.exists():
        raise Http404
    entries = (Entry.objects.filter(school__in=schools.values("pk")).select_related("round", "round__scheme", "school")
               .annotate(self_scored=Count("scores", filter=Q(scores__stage=Stage.SELF), distinct=True),
                         indicators=Count("round__scheme__indicators", distinct=True))
               .order_by("-round__year", "-round__pk"))
    return render(request, "evaluations/mine.html", {"entries": entries})
