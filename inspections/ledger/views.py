"""The ledger (台账) of rectification tickets, its Excel export, and 回头看.

Views stay thin: scope comes from ``supervision.access``, filters from ``TicketFilter`` (shared with
the API), reads from ``inspections.ledger.selectors``. Office roles keep the ledger of their offices,
supervisors that of their zones; school users have their own workspace (404 here).
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.models import Office, Zone

from inspections.visits import selectors
from inspections.ledger import selectors as ledger
from inspections.ledger import importer as ledger_import
from inspections.tickets import rules as rectification
from inspections.models.choices import TicketStatus
from inspections.tickets.filters import TicketFilter
from inspections.models import TemplateItem, Ticket

PAGE_SIZE = 50
YEARS_BACK = 5


class FastSelect(forms.Select):
    """A <select> drawn by string formatting: Django's widget templates cost ~0.2 ms an option and a
    county has ~1,000 schools (benchmarks/README.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        current = "" if value is None else str(value[0] if isinstance(value, (list, tuple)) and value else value)
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) == current else ""}>{escape(label)}</option>'
            for choice, label in ((("" if v is None else v), l) for v, l in self.choices)
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # all escaped


def _ledger_or_404(reach: access.Scope) -> QuerySet[Ticket]:
    """Office roles see their offices' ledger, supervisors their zones'; school users have none. Only
    tickets that count: a reopened checklist's wait until it is submitted again."""
    if reach.keeps_ledger:
        return access.tickets_in_ledger(reach).filter(selectors.counted_q("problem__"))
    raise Http404


class Scope:
    """The offices, zones and schools of a user's ledger, for the filter's choices (lazy querysets):
    every office and zone its tickets count for, every school in the user's scope.

    The offices the user oversees and their zones are choices anyway; only the tickets reached
    otherwise (a supervisor's zones, their own work: ``access.tickets_in_ledger_beyond_offices``)
    can add one, so those are the only tickets read — not the whole ledger, which is a scan of every
    ticket (benchmarks/README.md: 50 ms for 20,000 tickets, on every page)."""

    def __init__(self, reach: access.Scope):
        # Not narrowed to the tickets that count: joining each ticket's checklist makes PostgreSQL read
        # every ticket; a reopened checklist's ticket may add a choice that lists nothing until then.
        if reach.everything:
            offices, zones = Q(), Q()
        else:
            offices, zones = Q(pk__in=reach.overseen), Q(pk__in=access.zones_in_scope(reach).values("pk"))
            for part in access.tickets_in_ledger_beyond_offices(reach):
                offices |= Q(pk__in=part.values("office_id"))
                zones |= Q(pk__in=part.values("problem__zone"))
        self.schools = access.schools_in_coverage(reach).only("pk", "name").order_by("office__division_code", "name")
        self.offices = Office.objects.filter(offices).order_by("division_code")
        self.zones = Zone.objects.filter(zones).order_by("office__division_code", "name")


def _years(today: dt.date) -> list[tuple[int, str]]:
    return [(y, _("%(y)d年") % {"y": y}) for y in range(today.year, today.year - YEARS_BACK - 1, -1)]


def _item_choices(user) -> list[tuple[str, str]]:
    """The checklist items of the user's offices, one entry a code (the newest wording)."""
    items: dict[str, str] = {}
    rows = (
        TemplateItem.objects.filter(template__in=access.checklist_templates_visible_to(user).values("pk"))
        .order_by("code", "-template__year")
        .values_list("code", "title")
    )
    for code, title in rows:
        items.setdefault(code, f"{code} {title}")
    return [("", _("全部事项")), *items.items()]


def _ledger_filter(request, reach: access.Scope) -> tuple[TicketFilter, Scope]:
    """The user's ledger (404 for school users) under the filters of the request."""
    tickets = _ledger_or_404(reach)
    scope = Scope(reach)
    filterset = TicketFilter(
        request.GET, queryset=tickets, request=request, offices=scope.offices, zones=scope.zones, schools=scope.schools
    )
    return filterset, scope


def _page_widgets(filterset: TicketFilter, *, user, today: dt.date) -> int:
    """Selects instead of free text where the page can offer the choices (the API takes the values).
    Returns how many offices the user's ledger spans (the office filter shows only when several)."""
    fields = filterset.form.fields
    for name in ("office", "zone", "school"):
        # Plain (id, name) pairs: a county's 1,000 schools without building a model instance each.
        field = fields[name]
        field.widget = FastSelect(choices=[("", field.empty_label), *field.queryset.values_list("pk", "name")])
    for name in ("kind", "severity", "status"):
        fields[name].widget = FastSelect(choices=fields[name].choices)
    fields["item"].widget = FastSelect(choices=_item_choices(user))
    fields["year"].widget = FastSelect(choices=[("", _("全部年度")), *_years(today)])
    fields["month"].widget = FastSelect(choices=[("", _("全部月份")), *((m, _("%(m)d月") % {"m": m}) for m in range(1, 13))])
    fields["overdue"].widget = FastSelect(choices=[("", _("全部")), ("true", _("已逾期")), ("false", _("未逾期"))])
    fields["q"].widget.attrs["placeholder"] = _("问题、意见、学校")
    return len(fields["office"].widget.choices) - 1


PK_SLOT = 2147483647  # reversed once, then replaced by each ticket's pk


def _detail_url_pattern() -> str:
    """The ticket page's address with a placeholder for the id."""
    return reverse("inspections:ticket_detail", args=[PK_SLOT]).replace(str(PK_SLOT), "{pk}")


def _decorate(page, *, today: dt.date) -> None:
    """Each row's derived days overdue and the link to its ticket."""
    detail = _detail_url_pattern()
    for ticket in page:
        ticket.days_overdue = rectification.days_overdue(
            status=ticket.status, deadline=ticket.deadline, closed_on=ticket.closed_on, day=today
        )
        ticket.detail_url = detail.format(pk=ticket.pk)


@login_required
@require_GET
def ledger_page(request):
    """台账: one row per ticket, filtered, with totals by status and overdue on top."""
    today = clock.today()
    reach = access.scope_of(request.user)
    filterset, _scope = _ledger_filter(request, reach)
    filtered = filterset.qs
    totals = ledger.ledger_totals(filtered, today=today)
    page = ledger.ledger_page(filtered, number=request.GET.get("page"), count=totals["total"], per_page=PAGE_SIZE)
    _decorate(page, today=today)
    offices = _page_widgets(filterset, user=request.user, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/ledger.html",
        {
            "filter": filterset,
            "page": page,
            "totals": totals,
            "statuses": [(s, label, totals[s]) for s, label in TicketStatus.choices],
            "show_office": offices > 1,
            "export_query": query.urlencode(),
            "today": today,
            "may_import": reach.everything or bool(reach.backfilled),
        },
    )


def describe_filters(filterset: TicketFilter) -> str:
    """The filters in words, for the export's second row (筛选条件:责任区:…;状态:…)."""
    if not filterset.form.is_valid():
        return _("筛选条件无效")
    data = filterset.form.cleaned_data
    parts = []
    if data.get("year") or data.get("month"):
        year = _("%(y)d年") % {"y": data["year"]} if data.get("year") else ""
        month = _("%(m)d月") % {"m": data["month"]} if data.get("month") else ""
        parts.append(_("发现时间:%(when)s") % {"when": year + month})
    for name in ("office", "zone", "school", "kind", "item", "severity", "status", "overdue", "q"):
        value = data.get(name)
        if value in (None, ""):
            continue
        field = filterset.form.fields[name]
        if name == "overdue":
            text = _("已逾期") if value else _("未逾期")
        elif name in ("kind", "severity", "status"):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        parts.append(f"{field.label}:{text}")
    return _("筛选条件:%(filters)s") % {"filters": ";".join(parts) if parts else _("全部")}


def _office_label(filterset: TicketFilter, offices: list[Office]) -> str:
    chosen = filterset.form.cleaned_data.get("office") if filterset.form.is_valid() else None
    if chosen:
        return chosen.name
    if len(offices) <= 3:
        return "、".join(o.name for o in offices)
    return _("%(first)s等%(n)d个督导室") % {"first": offices[0].name, "n": len(offices)}


@login_or_token_required
@require_GET
def ledger_export(request):
    """The ledger as Excel with the page's filters, streamed from a temporary file."""
    today = clock.today()
    filterset, scope = _ledger_filter(request, access.scope_of(request.user))
    filtered = filterset.qs
    with translation.override("zh-hans"):
        subtitle = "  ".join([
            _("督导室:%(office)s") % {"office": _office_label(filterset, list(scope.offices))},
            describe_filters(filterset),
            _("共%(n)d条") % {"n": filtered.count()},
            _("导出时间:%(at)s") % {"at": clock.local_now().strftime("%Y-%m-%d %H:%M")},
        ])
        out = ledger.ledger_workbook(
            rows=ledger.ledger_rows(filtered, today=today), title=_("《问题整改台账》"), subtitle=subtitle
        )
        filename = _("问题整改台账-%(d)s.xlsx") % {"d": today.isoformat()}
    return FileResponse(out, as_attachment=True, filename=filename, content_type=ledger.XLSX)


class LookbackForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, widget=FastSelect)

    def __init__(self, data, *, today: dt.date):
        data = data.copy()
        data.setdefault("year", today.year - 1)
        super().__init__(data)
        self.fields["year"].choices = _years(today)

    @property
    def chosen_year(self) -> int:
        return self.cleaned_data["year"] if self.is_valid() else int(self.fields["year"].choices[1][0])


@login_required
@require_GET
def lookback(request):
    """回头看 (seed 003 §三(四)): a year's tickets still open or closed late, by zone and school, and
    the list (narrowed to one zone or school from the table) to plan the follow-up visits."""
    today = clock.today()
    reach = access.scope_of(request.user)
    tickets = _ledger_or_404(reach)
    form = LookbackForm(request.GET, today=today)
    year = form.chosen_year
    base = ledger.lookback_tickets(tickets, year=year)
    zones = ledger.lookback_by_zone(base)
    scope = Scope(reach)
    narrow = TicketFilter(
        {k: v for k, v in request.GET.items() if k in ("zone", "school")},
        queryset=base, offices=scope.offices, zones=scope.zones, schools=scope.schools,
    )
    listed = narrow.qs
    page = ledger.ledger_page(listed, number=request.GET.get("page"), count=listed.count(), per_page=PAGE_SIZE)
    _decorate(page, today=today)
    narrowed = narrow.form.cleaned_data if narrow.form.is_valid() else {}
    return render(
        request,
        "inspections/lookback.html",
        {
            "form": form,
            "year": year,
            "zones": zones,
            "still_open": sum(z.still_open for z in zones),
            "closed_late": sum(z.closed_late for z in zones),
            "schools": sum(len(z.schools) for z in zones),
            "page": page,
            "narrowed_to": narrowed.get("school") or narrowed.get("zone"),
            "today": today,
        },
    )


# --- 台账导入 (补录 of past years from the ledger's own Excel) -----------------------------------------


def _import_offices_or_404(user) -> list[Office]:
    """The offices whose past the user enters (补录); everyone else gets 404."""
    offices = list(access.offices_backfilled_by(user).order_by("division_code"))
    if not offices:
        raise Http404
    return offices


def chosen_office(offices: list[Office], pk) -> Office | None:
    """The office named by ``office`` (404 unless the user holds 补录 there); the only one when one."""
    if pk not in (None, ""):
        office = {str(o.pk): o for o in offices}.get(str(pk).strip())
        if office is None:
            raise Http404
        return office
    return offices[0] if len(offices) == 1 else None


def _import_page(request, offices, office, *, issues=(), summary=None, dry_run=False, status=200):
    return render(
        request,
        "inspections/ledger_import.html",
        {
            "offices": offices,
            "office": office,
            "issues": issues,
            "summary": summary,
            "dry_run": dry_run,
            "max_bytes": settings.ROSTER_MAX_UPLOAD_BYTES,
            "columns": list(ledger_import.headers().values()),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import_page(request):
    """台账导入: a 补录 holder uploads the ledger's Excel of past years; a check (nothing written) or the
    import, with its counts, or every problem of the file in Chinese and the form kept."""
    offices = _import_offices_or_404(request.user)
    source = request.POST if request.method == "POST" else request.GET
    office = chosen_office(offices, source.get("office"))
    if request.method == "GET":
        return _import_page(request, offices, office)
    dry_run = request.POST.get("dry_run") == "1"
    upload = request.FILES.get("file")
    problem = None
    if office is None:
        problem = _("请选择要导入的督导室。")
    elif upload is None:
        problem = _("请选择要上传的台账文件(.xlsx)。")
    if problem:
        issue = ledger_import.LedgerIssue(None, "", "", problem)
        return _import_page(request, offices, office, issues=[issue], dry_run=dry_run, status=400)
    try:
        summary = ledger_import.ledger_import(office=office, file=upload, user=request.user, dry_run=dry_run)
    except ledger_import.LedgerImportError as exc:
        return _import_page(request, offices, office, issues=exc.issues, dry_run=dry_run, status=400)
    except ValidationError as exc:
        issues = [ledger_import.LedgerIssue(None, "", "", message) for message in exc.messages]
        return _import_page(request, offices, office, issues=issues, dry_run=dry_run, status=400)
    return _import_page(request, offices, office, summary=summary, dry_run=dry_run)
