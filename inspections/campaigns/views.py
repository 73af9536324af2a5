"""Pages of special inspections (专项督导): list, launch, detail (schools × progress), the
campaign's checklist, a team member's start of a special visit (phone first), and the report."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.visits.forms import VisitStartForm
from reports.services import job_may_start, job_start
from supervision import access, clock
from supervision.filters import whole_number
from supervision.forms import add_service_errors
from supervision.models import Supervisor

from . import selectors, services
from .choices import CampaignStatus, SchoolSelection
from .filters import CampaignFilter
from .forms import CampaignForm, CampaignItemForm
from .models import CampaignItem
from .report_files import REPORT_KINDS


def _visible_or_404(request, pk):
    return get_object_or_404(access.campaigns_visible_to(request.user).select_related("office", "leader"), pk=pk)


def _managed_or_404(request, pk):
    return get_object_or_404(access.campaigns_managed_by(request.user).select_related("office"), pk=pk)


@login_required
def campaign_list(request):
    campaigns = access.campaigns_visible_to(request.user)
    if not access.user_roles(request.user) and not request.user.is_superuser:
        raise Http404
    filterset = CampaignFilter(request.GET or None, queryset=campaigns)
    page = Paginator(selectors.campaign_list(filterset.qs), 20).get_page(request.GET.get("page"))
    today = clock.today()
    for c in page.object_list:
        c.status = CampaignStatus(c.status_on(today))
    managed = list(access.offices_managed_by(request.user).order_by("pk")[:2])
    return render(request, "campaigns/campaign_list.html", {
        "page": page, "filter": filterset, "can_create": bool(managed),
    })


def _office_for_create(request):
    """The office a new campaign belongs to: the admin's own (404 for anyone else)."""
    office = access.offices_managed_by(request.user).order_by("pk").first()
    if office is None:
        raise Http404
    return office


@login_required
def campaign_create(request):
    office = _office_for_create(request)
    form = CampaignForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                office=office, actor=request.user, topic=data["topic"], title=data["title"], start=data["start"],
                end=data["end"], leader=data["leader"], team=data["team"], selection=data["selection"],
                kinds=data["kinds"], schools=data["schools"], sample_size=data["sample_size"], seed=data["seed"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建专项督导,请核对督导清单。"))
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/campaign_form.html", {"form": form, "office": office}, status=status)


@login_required
def campaign_detail(request, pk):
    campaign = _visible_or_404(request, pk)
    rows = selectors.campaign_school_rows(campaign)
    figures = selectors.campaign_figures(campaign, rows)
    user = request.user
    on_team = access.campaigns_of_team(user).filter(pk=campaign.pk).exists()
    today = clock.today()
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign,
        "rows": rows,
        "figures": figures,
        "team": list(campaign.team.order_by("name")),
        "items": list(campaign.items.all()),
        "on_team": on_team,
        "can_start": on_team and campaign.start <= today <= campaign.end,
        "can_manage": access.campaigns_managed_by(user).filter(pk=campaign.pk).exists(),
        "items_editable": services.items_editable(campaign),
        "status": CampaignStatus(campaign.status_on(today)),
        "RANDOM": SchoolSelection.RANDOM,
        "ALL": SchoolSelection.ALL_OF_KINDS,
        "kind_labels": _kind_labels(campaign.kinds),
        "can_report": access.offices_overseen_by(user).filter(pk=campaign.office_id).exists(),
    })


def _kind_labels(kinds):
    from schools.choices import SchoolKind

    return "、".join(str(SchoolKind(k).label) for k in kinds if k in SchoolKind.values)


@login_required
def campaign_items(request, pk):
    """The campaign's checklist: add, edit and delete items until the first visit starts."""
    campaign = _managed_or_404(request, pk)
    editing = None
    if whole_number(request.GET.get("edit")) is not None:
        editing = get_object_or_404(campaign.items, pk=request.GET["edit"])
    initial = {"code": editing.code, "title": editing.title, "guidance": editing.guidance} if editing else None
    form = CampaignItemForm(request.POST or None, initial=initial)
    if request.method == "POST":
        item = None
        if whole_number(request.POST.get("item")) is not None:
            item = get_object_or_404(campaign.items, pk=request.POST["item"])
        if form.is_valid():
            try:
                services.campaign_item_save(campaign=campaign, item=item, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存督导事项。"))
                return redirect("campaigns:items", pk=campaign.pk)
    return render(request, "campaigns/campaign_items.html", {
        "campaign": campaign, "items": list(campaign.items.all()), "form": form, "editing": editing,
        "editable": services.items_editable(campaign),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def campaign_item_delete(request, pk, item_pk):
    campaign = _managed_or_404(request, pk)
    item = get_object_or_404(CampaignItem.objects.filter(campaign=campaign), pk=item_pk)
    try:
        services.campaign_item_delete(item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除督导事项。"))
    return redirect("campaigns:items", pk=campaign.pk)


@login_required
def campaign_visit_start(request, pk):
    """A team member starts a special visit at one of the campaign's schools (phone first)."""
    campaign = get_object_or_404(access.campaigns_of_team(request.user), pk=pk)
    supervisor = getattr(request.user, "supervisor", None)
    if supervisor is None:
        raise Http404
    schools = campaign.office.schools.filter(campaign_links__campaign=campaign).order_by("name")
    colleagues = Supervisor.objects.filter(campaigns=campaign, is_active=True).exclude(pk=supervisor.pk).order_by("name")
    form = VisitStartForm(request.POST or None, schools=schools, colleagues=colleagues)
    form.fields["school"].error_messages["invalid_choice"] = _("所选学校不在本次专项督导的学校名单中。")
    form.fields["co_supervisors"].help_text = _("同行的督导组成员;他们也可以填写本清单。")
    picked = request.GET.get("school", "")
    if request.method != "POST" and whole_number(picked) is not None:
        form.initial["school"] = int(picked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.campaign_visit_start(
                campaign=campaign, user=request.user, school=data["school"], date=data["date"],
                arrived_at=data["arrived_at"], methods=data["methods"], co_supervisors=data["co_supervisors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已开始专项督导,请逐项填写清单;每次修改都会自动保存。"))
            return redirect("inspections:visit_detail", pk=visit.pk)
    return render(request, "campaigns/visit_start.html", {"form": form, "campaign": campaign},
                  status=400 if request.method == "POST" else 200)


@login_required
def campaign_report(request, pk):
    """The campaign report page: figures, and the Excel and PDF files (report jobs)."""
    campaign = get_object_or_404(
        access.campaigns_visible_to(request.user).filter(office__in=access.offices_overseen_by(request.user).values("pk")),
        pk=pk,
    )
    rows = selectors.campaign_school_rows(campaign)
    figures = selectors.campaign_figures(campaign, rows)
    params = {"campaign": campaign.pk}
    may_start = {kind: job_may_start(user=request.user, kind=kind, office=campaign.office, params=params) for kind in REPORT_KINDS}
    return render(request, "campaigns/campaign_report.html", {
        "campaign": campaign, "rows": rows, "figures": figures, "may_start": may_start,
        "tickets": selectors.campaign_tickets(campaign),
    })


@login_required
@require_POST
def campaign_report_start(request, pk, kind):
    campaign = get_object_or_404(access.campaigns_visible_to(request.user), pk=pk)
    if kind not in REPORT_KINDS:
        raise Http404
    params = {"campaign": campaign.pk}
    if not job_may_start(user=request.user, kind=kind, office=campaign.office, params=params):
        raise Http404
    try:
        job = job_start(kind=kind, office=campaign.office, params=params, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:report", pk=campaign.pk)
    return redirect("reports:job_detail", pk=job.pk)
