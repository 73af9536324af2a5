"""Organisation pages: home routing, office overview, zones, supervisors, users.

Views stay thin: scope comes from ``supervision.access``, writes from ``supervision.services``.
"""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.coverage import selectors as inspection_selectors
from reports import selectors as report_selectors

from . import access, clock, selectors, services
from .choices import Role
from .filters import SupervisorFilter, ZoneFilter
from .forms import (
    OfficeForm, OfficeUserForm, SupervisorForm, ZoneForm, ZoneSchoolsForm, ZoneSupervisorsForm, add_service_errors,
)
from .models import OfficeUserObjectPermission, Supervisor, Zone, ZoneAssignment

User = get_user_model()
PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _managed_offices_or_404(request):
    offices = access.offices_managed_by(request.user)
    if not offices.exists():
        raise Http404
    return offices


@login_required
def home(request):
    """Send each role to its workspace."""
    roles = access.user_roles(request.user)
    if request.user.is_superuser or roles & {Role.OFFICE_ADMIN, Role.DIRECTOR, Role.VIEWER}:
        return redirect("office_overview")
    if Role.SUPERVISOR in roles:
        return redirect("supervisor_home")
    if Role.SCHOOL_USER in roles:
        return redirect("schools:my_school")
    return render(request, "supervision/no_role.html")


@login_required
def supervisor_home(request):
    """This month's to-do: schools not visited yet, days left before the 27th, drafts in progress."""
    supervisor = getattr(request.user, "supervisor", None)
    if supervisor is None:
        raise Http404
    todo = inspection_selectors.supervisor_todo(user=request.user, today=clock.today())
    # A school with my draft dated this month is continued, not started twice.
    this_month = {d.school_id: d for d in todo.drafts if (d.date.year, d.date.month) == (todo.year, todo.month)}
    for school in todo.not_visited:
        school.my_draft = this_month.get(school.pk)
    # Show the plan's school focus and/or kindergarten focus, whichever this supervisor's schools need.
    kinds = {school.is_kindergarten for school in todo.not_visited + todo.visited} or {True, False}
    zones = selectors.zones_of_supervisor(user=request.user)
    return render(
        request,
        "supervision/supervisor_home.html",
        {
            "supervisor": supervisor, "zones": zones, "todo": todo,
            "show_school_focus": False in kinds, "show_kindergarten_focus": True in kinds,
        },
    )


@login_required
def office_overview(request):
    offices = selectors.office_overview_for(user=request.user)
    if not offices and not request.user.is_superuser:
        raise Http404
    printable = set(report_selectors.offices_starting_jobs_for(request.user).values_list("pk", flat=True))
    managed = set(access.offices_managed_by(request.user).values_list("pk", flat=True))
    return render(request, "supervision/office_overview.html",
                  {"offices": offices, "printable": printable, "managed": managed})


@login_required
def office_settings(request, pk):
    """An office's own admin: its name, contact details and late-entry window (补填期限)."""
    office = get_object_or_404(access.offices_managed_by(request.user), pk=pk)
    form = OfficeForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.office_update(office=office, **{k: form.cleaned_data[k] for k in services.OFFICE_SETTING_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督导室设置已保存。"))
            return redirect("office_overview")
    return render(request, "supervision/office_settings.html", {"form": form, "office": office},
                  status=400 if request.method == "POST" else 200)


# --- Zones ---------------------------------------------------------------------------------------


@login_required
def zone_list(request):
    zones = (
        access.zones_visible_to(request.user)
        .select_related("office")
        .annotate(school_count=selectors.schools_today_count("zone"))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ZoneAssignment.objects.current().select_related("supervisor").order_by("-is_lead"),
            )
        )
        .order_by("office__division_code", "name")
    )
    filterset = ZoneFilter(request.GET, queryset=zones)
    can_manage = access.offices_managed_by(request.user).exists()
    form = ZoneForm(offices=access.offices_managed_by(request.user)) if can_manage else None
    return render(
        request,
        "supervision/zone_list.html",
        {"filter": filterset, "zones": filterset.qs, "can_manage": can_manage, "form": form},
    )


@login_required
@require_POST
def zone_create(request):
    offices = _managed_offices_or_404(request)
    form = ZoneForm(request.POST, offices=offices)
    if form.is_valid():
        try:
            zone = services.zone_save(
                office=form.cleaned_data["office"],
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建责任区“%(name)s”。") % {"name": zone.name})
            return redirect("zone_detail", pk=zone.pk)
    zones = access.zones_visible_to(request.user).none()
    return render(
        request,
        "supervision/zone_list.html",
        {"filter": ZoneFilter(queryset=zones), "zones": zones, "can_manage": True, "form": form},
        status=400,
    )


@login_required
def zone_detail(request, pk):
    zone = get_object_or_404(access.zones_visible_to(request.user).select_related("office"), pk=pk)
    can_manage = access.can_manage_office(request.user, zone.office)
    can_print = report_selectors.offices_starting_jobs_for(request.user).filter(pk=zone.office_id).exists()
    context = {"zone": zone, "can_manage": can_manage, "can_print": can_print, "today": clock.today()}
    context.update(selectors.zone_detail_context(zone=zone, with_candidates=can_manage))
    if can_manage:
        context["edit_form"] = ZoneForm(
            offices=access.offices_managed_by(request.user).filter(pk=zone.office_id),
            initial={"name": zone.name, "category": zone.category, "description": zone.description, "office": zone.office},
        )
    return render(request, "supervision/zone_detail.html", context)


def _managed_zone_or_404(request, pk) -> Zone:
    return get_object_or_404(access.zones_managed_by(request.user).select_related("office"), pk=pk)


@login_required
@require_POST
def zone_edit(request, pk):
    zone = _managed_zone_or_404(request, pk)
    form = ZoneForm(request.POST, offices=access.offices_managed_by(request.user).filter(pk=zone.office_id))
    if form.is_valid():
        try:
            services.zone_save(
                office=zone.office,
                zone=zone,
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("责任区已保存。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请检查责任区名称和类别。"))
    return redirect("zone_detail", pk=zone.pk)


@login_required
@require_POST
def zone_assign_schools(request, pk):
    zone = _managed_zone_or_404(request, pk)
    form = ZoneSchoolsForm(request.POST, zone=zone)
    if not form.is_valid():
        if "on" in form.errors:
            messages.error(request, " ".join(form.errors["on"]))
        else:
            messages.error(request, _("所选学校无效:只能划入本督导室在办的学校。"))
        return redirect("zone_detail", pk=zone.pk)
    action = request.POST.get("action", "add")
    schools, on = form.cleaned_data["schools"], form.cleaned_data["on"]
    try:
        if not schools:
            messages.warning(request, _("请先勾选学校。"))
        elif action == "remove":
            n = services.zone_remove_schools(zone=zone, schools=schools, on=on, by=request.user)
            messages.success(request, _("已从责任区移出 %(n)d 所学校(自 %(d)s 起)。") % {"n": n, "d": on.isoformat()})
        else:
            n = services.zone_assign_schools(zone=zone, schools=schools, on=on, by=request.user)
            messages.success(request, _("已将 %(n)d 所学校划入责任区(自 %(d)s 起)。") % {"n": n, "d": on.isoformat()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("zone_detail", pk=zone.pk)


@login_required
@require_POST
def zone_assign_supervisors(request, pk):
    zone = _managed_zone_or_404(request, pk)
    form = ZoneSupervisorsForm(request.POST, zone=zone)
    if form.is_valid():
        try:
            services.zone_set_supervisors(
                zone=zone, supervisors=form.cleaned_data["supervisors"], lead=form.cleaned_data["lead"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("责任督学已更新。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("zone_detail", pk=zone.pk)


# --- Supervisors ---------------------------------------------------------------------------------


@login_required
def supervisor_list(request):
    supervisors = (
        access.supervisors_visible_to(request.user)
        .select_related("office", "user")
        .prefetch_related(
            Prefetch("assignments", queryset=ZoneAssignment.objects.current().select_related("zone"))
        )
        .order_by("office__division_code", "name")
    )
    filterset = SupervisorFilter(request.GET, queryset=supervisors)
    return render(
        request,
        "supervision/supervisor_list.html",
        {
            "filter": filterset,
            "page": _page(request, filterset.qs),
            "can_manage": access.offices_managed_by(request.user).exists(),
        },
    )


@login_required
def supervisor_edit(request, pk=None):
    offices = _managed_offices_or_404(request)
    supervisor = None
    if pk is not None:
        supervisor = get_object_or_404(access.supervisors_managed_by(request.user), pk=pk)
    form = SupervisorForm(request.POST or None, request.FILES or None, instance=supervisor, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.supervisor_save(
                supervisor=supervisor,
                office=data["office"],
                name=data["name"],
                phone=data["phone"],
                kind=data["kind"],
                employer=data["employer"],
                title=data["title"],
                duties=data["duties"],
                is_active=data["is_active"],
                photo=data.get("photo"),
                username=data.get("username", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督学“%(name)s”已保存。") % {"name": saved.name})
            return redirect("supervisor_list")
    return render(
        request,
        "supervision/supervisor_form.html",
        {"form": form, "supervisor": supervisor},
        status=400 if request.method == "POST" else 200,
    )


def supervisor_photo(request, pk):
    """Supervisor photos are public on the school plaque, so any active supervisor's photo is served."""
    supervisor = get_object_or_404(Supervisor.objects.filter(is_active=True).exclude(photo=""), pk=pk)
    if not services.supervisor_photo_is_reencoded(supervisor):  # only the re-encoded copy is public
        raise Http404
    return FileResponse(supervisor.photo.open("rb"), content_type="image/jpeg")


# --- Users ---------------------------------------------------------------------------------------


@login_required
def user_list(request):
    offices = _managed_offices_or_404(request)
    users = selectors.users_of_offices(offices=offices)
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(groups__name=role)
    # Who holds 补录 on which of the offices this admin manages (one query for the page).
    users = users.prefetch_related(
        Prefetch(
            "officeuserobjectpermission_set",
            queryset=OfficeUserObjectPermission.objects.filter(
                content_object__in=offices.values("pk"), permission__codename=access.BACKFILL
            ),
            to_attr="backfill_perms",
        )
    )
    page = _page(request, users)
    for user in page:
        user.backfill_office_ids = {p.content_object_id for p in user.backfill_perms}
    return render(
        request,
        "supervision/user_list.html",
        {"page": page, "form": OfficeUserForm(offices=offices), "q": q, "role": role, "Role": Role,
         "managed_offices": list(offices.order_by("division_code"))},
    )


@login_required
@require_POST
def user_backfill(request, pk):
    """Give or take back 补录 on one of the admin's offices (entering the office's past records)."""
    offices = _managed_offices_or_404(request)
    target = get_object_or_404(selectors.users_of_offices(offices=offices).exclude(is_superuser=True), pk=pk)
    office = get_object_or_404(offices, pk=request.POST.get("office") or 0)
    granted = request.POST.get("granted") == "1"
    services.backfill_grant(user=target, office=office, granted=granted)
    messages.success(request, (_("已授予%(name)s“补录”权限。") if granted else _("已收回%(name)s的“补录”权限。"))
                     % {"name": target.get_full_name() or target.username})
    return redirect("user_list")


@login_required
@require_POST
def user_password_reset(request, pk):
    offices = _managed_offices_or_404(request)
    target = get_object_or_404(selectors.users_of_offices(offices=offices).exclude(is_superuser=True), pk=pk)
    password = services.user_password_reset(user=target)
    return render(request, "supervision/password_reset_done.html", {"target": target, "password": password})


@login_required
@require_POST
def user_create(request):
    offices = _managed_offices_or_404(request)
    form = OfficeUserForm(request.POST, offices=offices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.office_user_create(
                username=data["username"],
                name=data["name"],
                password=data["password"],
                role=data["role"],
                office=data["office"],
                school=data.get("school"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建用户“%(name)s”。") % {"name": data["name"]})
            return redirect("user_list")
    users = selectors.users_of_offices(offices=offices)
    return render(
        request,
        "supervision/user_list.html",
        {"page": _page(request, users), "form": form, "q": "", "role": "", "Role": Role, "show_form": True},
        status=400,
    )
