"""Coverage (全覆盖) of a month and supervisors' monthly summaries (月总结报告).

Views stay thin: scope comes from ``supervision.access``, reads from ``inspections.coverage.selectors``,
writes from ``inspections.coverage.services``.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from schools.choices import SchoolKind
from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.filters import whole_number
from supervision.forms import add_service_errors
from supervision.models import Office, Supervisor, Zone, ZoneAssignment
from supervision.roster import workbook_bytes

from supervision import calendar
from inspections.coverage import selectors as coverage_selectors, services
from inspections.models import MonthlySummary
from inspections.templatetags.coverage_tags import school_state
from inspections.visits import selectors as visit_selectors

YEARS_BACK = 4  # the month picker reaches back this many years

# --- Month picker -------------------------------------------------------------------------------


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


class MonthForm(forms.Form):
    """Year and month of a monthly page; today's month by default, never a future month."""

    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)
    month = forms.TypedChoiceField(label=gettext_lazy("月份"), coerce=int)

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        data = data.copy() if data is not None else {}
        data.setdefault("year", today.year)
        data.setdefault("month", today.month)
        super().__init__(data, **kwargs)
        years = range(today.year, today.year - YEARS_BACK - 1, -1)
        self.fields["year"].choices = [(y, _("%(y)d年") % {"y": y}) for y in years]
        self.fields["month"].choices = [(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)]

    def clean(self):
        cleaned = super().clean()
        year, month = cleaned.get("year"), cleaned.get("month")
        if year and month and (year, month) > (self.today.year, self.today.month):
            raise ValidationError(_("不能选择未来的月份。"))
        return cleaned

    @property
    def period(self) -> tuple[int, int]:
        """The chosen month, or today's when the input was wrong (the error is shown)."""
        if self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data["month"]
        return self.today.year, self.today.month


def month_links(request, year: int, month: int, today: dt.date) -> dict:
    """Previous/next month links that keep the other filters; no link into the future."""

    def link(y, m):
        query = request.GET.copy()
        query["year"], query["month"] = y, m
        return "?" + query.urlencode()

    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    return {
        "prev_url": link(prev_y, prev_m) if prev_y >= today.year - YEARS_BACK else "",
        "next_url": link(next_y, next_m) if (next_y, next_m) <= (today.year, today.month) else "",
    }


def deadline_state(*, year: int, month: int, today: dt.date) -> dict:
    """Days left before the 27th of that month (negative once passed)."""
    due = dt.date(year, month, calendar.REPORT_DAY)
    days_left = (due - today).days
    return {"due": due, "days_left": days_left, "overdue": days_left < 0, "soon": 0 <= days_left <= coverage_selectors.WARNING_DAYS}


# --- Coverage -----------------------------------------------------------------------------------


class CoverageForm(MonthForm):
    office = forms.ChoiceField(label=gettext_lazy("督导室"), required=False)
    zone = forms.ChoiceField(label=gettext_lazy("责任区"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=[("", gettext_lazy("全部类型")), *SchoolKind.choices], required=False
    )

    def __init__(self, data=None, *, today: dt.date, offices: list[Office], zones: list[Zone], **kwargs):
        super().__init__(data, today=today, **kwargs)
        # Choices come from lists already fetched in scope, so validating costs no query.
        self.fields["office"].choices = [("", _("全部督导室")), *((o.pk, o.name) for o in offices)]
        self.fields["zone"].choices = [("", _("全部责任区")), *((z.pk, self._zone_label(z, offices)) for z in zones)]
        self._offices = {str(o.pk): o for o in offices}
        self._zones = {str(z.pk): z for z in zones}
        if len(offices) <= 1:
            del self.fields["office"]

    @staticmethod
    def _zone_label(zone: Zone, offices: list[Office]) -> str:
        return f"{zone.office.name.replace('人民政府教育督导室', '')} · {zone.name}" if len(offices) > 1 else zone.name

    def clean_office(self):
        return self._offices.get(self.cleaned_data["office"])

    def clean_zone(self):
        return self._zones.get(self.cleaned_data["zone"])


def _coverage_scope_or_404(request) -> coverage_selectors.RosterScope:
    """Office roles see their offices, supervisors their zones; school users have no coverage page."""
    scope = coverage_selectors.RosterScope.of(request.user)
    if scope is None:
        raise Http404
    return scope


def _coverage_context(request) -> dict:
    today = clock.today()
    scope = _coverage_scope_or_404(request)
    # The offices and zones in scope, for the filter's choices.
    if scope.offices is None:
        offices = list(Office.objects.order_by("division_code"))
        zones = list(Zone.objects.select_related("office").order_by("office__division_code", "name"))
    else:
        zones = list(
            Zone.objects.filter(Q(office__in=scope.offices) | Q(pk__in=scope.zones))
            .select_related("office").order_by("office__division_code", "name")
        )
        offices = list(
            Office.objects.filter(Q(pk__in=scope.offices) | Q(pk__in={z.office_id for z in zones})).order_by(
                "division_code"
            )
        )
    form = CoverageForm(request.GET or None, today=today, offices=offices, zones=zones)
    year, month = form.period
    if form.is_valid():
        data = form.cleaned_data
        scope = scope.narrowed(
            office=data["office"].pk if data.get("office") else None,
            zone=data["zone"].pk if data.get("zone") else None,
            kind=data.get("kind") or None,
        )
    coverage = coverage_selectors.coverage_for_month(scope=scope, year=year, month=month, today=today)
    # Each zone's supervisors as they were on the day the month is counted as at.
    leads: dict[int, list[str]] = {}
    for a in (
        ZoneAssignment.objects.on(calendar.as_at(year, month, today)).filter(zone__in=[z.pk for z in zones])
        .select_related("supervisor").order_by("-is_lead", "supervisor__name")
    ):
        leads.setdefault(a.zone_id, []).append(a.supervisor.name)
    for group in coverage.zones:
        group.supervisor_names = leads.get(group.zone.pk, []) if group.zone else []
    return {
        "form": form,
        "coverage": coverage,
        "year": year,
        "month": month,
        "today": today,
        "is_current_month": (year, month) == (today.year, today.month),
        "multi_office": len(offices) > 1,
        "deadline": deadline_state(year=year, month=month, today=today),
        "late_zones": sum(1 for z in coverage.zones if z.late),
        "export_query": request.GET.urlencode(),
        **month_links(request, year, month, today),
    }


@login_required
@require_GET
def coverage(request):
    return render(request, "inspections/coverage.html", _coverage_context(request))


COVERAGE_HEADERS = [
    gettext_lazy("督导室"), gettext_lazy("责任区"), gettext_lazy("责任督学"), gettext_lazy("学校标识码"),
    gettext_lazy("学校名称"), gettext_lazy("类型"), gettext_lazy("督导情况"), gettext_lazy("本月督导次数"),
    gettext_lazy("最近督导日期"),
]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GAP_FILL = PatternFill("solid", fgColor="F8D7DA")


def school_status(school) -> str:
    return {"visited": _("已督导"), "draft": _("草稿中"), "gap": _("未督导")}[school_state(school)]


def coverage_workbook(coverage: coverage_selectors.Coverage) -> Workbook:
    """The coverage table as it appears on the page, one row a school, gaps shaded."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("全覆盖情况")
    title = _("%(y)d年%(m)d月责任督学入校督导全覆盖情况") % {"y": coverage.year, "m": coverage.month}
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([
        _("已督导 %(v)d/%(t)d 所(%(r)d%%)") % {"v": coverage.visited, "t": coverage.total, "r": coverage.rate}
    ])
    sheet.append([str(h) for h in COVERAGE_HEADERS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for group in coverage.zones:
        zone_name = group.zone.name if group.zone else _("未划入责任区")
        names = "、".join(getattr(group, "supervisor_names", []))
        for school in group.schools:
            sheet.append([
                group.office.name, zone_name, names, school.code, school.name, school.get_kind_display(),
                school_status(school), school.visit_count, school.last_visit,
            ])
            if not school.visit_count:
                for cell in sheet[sheet.max_row]:
                    cell.fill = GAP_FILL
            sheet.cell(row=sheet.max_row, column=9).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHI", [26, 20, 16, 14, 26, 12, 10, 12, 14]):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    return workbook


@login_or_token_required
@require_GET
def coverage_export(request):
    context = _coverage_context(request)
    with translation.override("zh-hans"):
        workbook = coverage_workbook(context["coverage"])
        filename = _("全覆盖情况-%(y)d年%(m)02d月.xlsx") % {"y": context["year"], "m": context["month"]}
    return FileResponse(
        workbook_bytes(workbook),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- Monthly summaries (月总结报告) ---------------------------------------------------------------

FIGURE_LABELS = [
    ("visits", gettext_lazy("入校督导"), gettext_lazy("人次")),
    ("schools_covered", gettext_lazy("督导学校"), gettext_lazy("所")),
    ("problems_found", gettext_lazy("发现问题"), gettext_lazy("个")),
    ("rechecks_done", gettext_lazy("复查问题"), gettext_lazy("次")),
]


def figure_rows(figures: dict) -> list[tuple]:
    return [(key, label, figures.get(key, 0), unit) for key, label, unit in FIGURE_LABELS]


def _active_supervisor(user) -> Supervisor | None:
    supervisor = getattr(user, "supervisor", None) if user.is_authenticated else None
    return supervisor if supervisor is not None and supervisor.is_active else None


class SummaryForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("总结"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                "placeholder": gettext_lazy("本月督导工作开展情况、发现的主要问题及整改情况、经验与不足、下月工作打算……"),
            }
        ),
    )
    submitted_on = forms.DateField(
        label=gettext_lazy("提交日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("默认今天;补填以前已报送的总结时填写实际报送的日期。"),
    )


@login_required
@require_GET
def summary_list(request):
    """A supervisor's own summaries by month; an office's roles see every supervisor's for a month."""
    user = request.user
    today = clock.today()
    supervisor = _active_supervisor(user)
    overseen = access.offices_overseen_by(user)
    office_view = user.is_superuser or overseen.exists()
    if supervisor is None and not office_view:
        raise Http404
    context: dict = {"supervisor": supervisor, "office_view": office_view, "today": today}
    if supervisor is not None:
        own_year = whole_number(request.GET.get("own_year")) or today.year
        own_year = min(max(own_year, today.year - YEARS_BACK), today.year)
        filed = {s.month: s for s in MonthlySummary.objects.filter(supervisor=supervisor, year=own_year)}
        last = today.month if own_year == today.year else 12
        context.update(
            own_year=own_year,
            own_rows=[(m, filed.get(m)) for m in range(last, 0, -1)],
            own_years=list(range(today.year, today.year - YEARS_BACK - 1, -1)),
        )
    if office_view:
        form = MonthForm(request.GET or None, today=today)
        year, month = form.period
        supervisors = list(
            Supervisor.objects.filter(office__in=overseen.values("pk"), is_active=True)
            .select_related("office")
            .prefetch_related(
                Prefetch(
                    "monthly_summaries", queryset=MonthlySummary.objects.filter(year=year, month=month), to_attr="this_month"
                )
            )
            .order_by("office__division_code", "name")
        )
        for s in supervisors:
            s.summary = s.this_month[0] if s.this_month else None
        context.update(
            form=form,
            year=year,
            month=month,
            supervisors=supervisors,
            filed=sum(1 for s in supervisors if s.summary and s.summary.submitted_at),
            multi_office=len({s.office_id for s in supervisors}) > 1,
            **month_links(request, year, month, today),
        )
    return render(request, "inspections/summary_list.html", context)


@login_required
def summary_edit(request, year: int, month: int):
    """The supervisor's own 月总结报告: live figures plus free text; submitting freezes the figures."""
    supervisor = _active_supervisor(request.user)
    if supervisor is None or not 1 <= month <= 12:
        raise Http404
    today = clock.today()
    if (year, month) > (today.year, today.month) or year < today.year - YEARS_BACK:
        messages.error(request, _("只能填写本月及以前月份的总结。"))
        return redirect("inspections:summary_list")
    summary = MonthlySummary.objects.filter(supervisor=supervisor, year=year, month=month).first()
    if request.method == "POST" and summary and summary.submitted_at:
        messages.error(request, _("月总结已提交,不能再修改。"))
        return redirect("inspections:summary_edit", year=year, month=month)
    form = SummaryForm(request.POST or None, initial={"text": summary.text if summary else "", "submitted_on": today})
    status = 200
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.monthly_summary_save(
                supervisor=supervisor, year=year, month=month, text=form.cleaned_data["text"], submit=submit,
                by=request.user, submitted_on=form.cleaned_data.get("submitted_on"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("月总结已提交,数据已固定。") if submit else _("草稿已保存。"))
            return redirect("inspections:summary_edit", year=year, month=month)
    return render(
        request,
        "inspections/summary_edit.html",
        _summary_context(summary, supervisor=supervisor, year=year, month=month, form=form, today=today),
        status=status,
    )


@login_required
@require_GET
def summary_detail(request, pk: int):
    """Read a summary: its author (drafts too) and the offices overseeing the author (submitted only)."""
    summary = get_object_or_404(
        access.monthly_summaries_visible_to(request.user).select_related("supervisor__office"), pk=pk
    )
    if summary.supervisor.user_id == request.user.pk and not summary.submitted_at:
        return redirect("inspections:summary_edit", year=summary.year, month=summary.month)
    context = _summary_context(
        summary, supervisor=summary.supervisor, year=summary.year, month=summary.month, form=None,
        today=clock.today(),
    )
    return render(request, "inspections/summary_edit.html", context)


def _summary_context(summary, *, supervisor, year, month, form, today) -> dict:
    submitted = bool(summary and summary.submitted_at)
    figures = summary.figures if submitted else coverage_selectors.monthly_summary_figures(
        supervisor=supervisor, year=year, month=month
    )
    start, end = calendar.month_bounds(year, month)
    visits = list(
        visit_selectors.counted_visits()
        .filter(supervisors=supervisor, date__range=(start, end))
        .select_related("school")
        .order_by("date", "school__name")
    )
    return {
        "summary": summary,
        "supervisor": supervisor,
        "year": year,
        "month": month,
        "form": form if not submitted else None,
        "submitted": submitted,
        "figures": figure_rows(figures),
        "visits": visits,
        "deadline": deadline_state(year=year, month=month, today=today),
        "list_url": reverse("inspections:summary_list") + "?" + urlencode({"year": year, "month": month, "own_year": year}),
    }
