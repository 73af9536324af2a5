"""School pages. Scope comes from ``supervision.access``; writes from ``schools.services``."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from supervision import access
from supervision.models import ZoneAssignment

from .filters import SchoolFilter
from .forms import SchoolForm
from .selectors import school_history
from .services import SCHOOL_FIELDS, school_save

PAGE_SIZE = 50


@login_required
def school_list(request):
    schools = (
        access.schools_visible_to(request.user)
        .select_related("office")
        .with_current_zone()
        .order_by("office__division_code", "kind", "name")
    )
    filterset = SchoolFilter(request.GET, queryset=schools, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_manage": access.offices_managed_by(request.user).exists(),
        },
    )


@login_required
def school_detail(request, pk):
    school = get_object_or_404(access.schools_visible_to(request.user).select_related("office", "merged_into"), pk=pk)
    zone = school.current_zone
    assignments = (
        ZoneAssignment.objects.current().filter(zone=zone).select_related("supervisor").order_by("-is_lead")
        if zone else []
    )
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school, "zone": zone, "assignments": assignments, "history": school_history(school),
            "can_manage": access.can_manage_office(request.user, school.office),
        },
    )


@login_required
def my_school(request):
    """A school user's workspace: their own school (the first, if they answer for several)."""
    school = access.schools_acted_for_by(request.user).order_by("name").first()
    if school is None:
        raise Http404
    return redirect("schools:detail", pk=school.pk)


@login_required
def school_edit(request, pk=None):
    offices = access.offices_managed_by(request.user)
    if not offices.exists():
        raise Http404
    school = get_object_or_404(access.schools_managed_by(request.user), pk=pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = school_save(
                school=school,
                office=data["office"],
                code=school.code if school else data["code"],
                zone=data["zone"],
                active=data.get("is_active", True),
                merged_into=data.get("merged_into"),
                on=data["on"],
                by=request.user,
                **{k: data[k] for k in SCHOOL_FIELDS},
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("学校“%(name)s”已保存。") % {"name": saved.name})
            return redirect("schools:detail", pk=saved.pk)
    return render(
        request,
        "schools/school_form.html",
        {"form": form, "school": school},
        status=400 if request.method == "POST" else 200,
    )
