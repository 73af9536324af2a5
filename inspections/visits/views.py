"""The phone-first visit and checklist pages (入校督导 / 经常性督导清单).

Every change on the checklist page autosaves through a small endpoint (static/js/checklist.js);
each endpoint also accepts a plain form post and redirects back to the item, so the page works
without JavaScript. Scope comes from ``supervision.access``, every write from ``inspections.visits.services``.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.filters import whole_number
from supervision.models import Supervisor
from supervision.throttle import request_ip

from supervision import calendar
from inspections.models.choices import Conclusion, ItemSource, RecheckResult, VisitKind, VisitMethod
from inspections.models import ChecklistAnswer, Photo, Problem, Visit
from inspections.plans import services as plan_services
from inspections.tickets import rules as ticket_rules, services as ticket_services
from inspections.visits import selectors, services as visit_services
from inspections.visits.forms import AnswerForm, ProblemForm, RecheckForm, ReopenForm, VisitHeaderForm, VisitStartForm

CONCLUSION_STYLES = {Conclusion.OK: "success", Conclusion.PROBLEM: "danger", Conclusion.UNCHECKED: "secondary"}
RESULT_STYLES = {RecheckResult.RECTIFIED: "success", RecheckResult.NOT_RECTIFIED: "danger"}


def _ms(moment) -> int:
    """A row's version for the offline queue: its ``updated_at`` in epoch milliseconds."""
    return int(moment.timestamp() * 1000) if moment else 0


def _colleagues(office_id):
    return Supervisor.objects.filter(office_id=office_id, is_active=True).order_by("name")


def _editable_visit_or_404(request, pk) -> Visit:
    return get_object_or_404(access.visits_editable_by(request.user).select_related("checklist", "school"), pk=pk)


def _editable_answer_or_404(request, pk, answer_pk) -> tuple[Visit, ChecklistAnswer, str]:
    """An item of a visit the user may fill in, with the page anchor a plain post returns to."""
    visit = _editable_visit_or_404(request, pk)
    answer = get_object_or_404(ChecklistAnswer.objects.filter(checklist__visit=visit).select_related("checklist__visit"), pk=answer_pk)
    return visit, answer, f"item-{answer.pk}"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(visit: Visit, anchor: str = ""):
    return redirect(reverse("inspections:visit_detail", args=[visit.pk]) + (f"#{anchor}" if anchor else ""))


def _saved(request, visit: Visit, *, version=None, anchor: str = "", html: str | None = None, **extra):
    """The tiny answer of an autosave: when it was saved and the row's new version."""
    if not _wants_json(request):
        return _back(visit, anchor)
    payload = {"ok": True, "saved_at": clock.local_now().strftime("%H:%M:%S"), **extra}
    if version is not None:
        payload["version"] = _ms(version)
    if html is not None:
        payload["html"] = html
    return JsonResponse(payload)


def _refused(request, visit: Visit, error, *, anchor: str = "", current: dict | None = None):
    """A refused change: 409 when the checklist is locked (the phone keeps the change for after a
    reopening), 400 for bad input; a plain post gets the message on the page."""
    if isinstance(error, ValidationError):
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    else:  # a form's errors
        errors = {field: list(msgs) for field, msgs in error.items()}
    text = " ".join(m for msgs in errors.values() for m in msgs)
    if not _wants_json(request):
        messages.error(request, text)
        return _back(visit, anchor)
    status = 409 if visit.checklist.is_locked else 400
    return JsonResponse({"ok": False, "error": text, "errors": errors, "current": current or {}}, status=status)


# --- Start a visit ----------------------------------------------------------------------------------


@login_required
def visit_start(request):
    supervisor = getattr(request.user, "supervisor", None)
    if supervisor is None or not supervisor.is_active:
        raise Http404
    # The schools of my zones today, and those of the days I may still enter a visit for (补填).
    today = clock.today()
    earliest = calendar.earliest_entry(today, supervisor.office.late_entry_months)
    schools = access.schools_of_supervisor_between(request.user, earliest, today).order_by("kind", "name")
    colleagues = _colleagues(supervisor.office_id).exclude(pk=supervisor.pk)
    if request.method != "POST":
        form = VisitStartForm(schools=schools, colleagues=colleagues)
        picked = request.GET.get("school", "")
        if whole_number(picked) is not None and schools.filter(pk=picked).exists():
            form.initial["school"] = int(picked)
        return render(request, "inspections/visit_start.html", {"form": form})
    form = VisitStartForm(request.POST, schools=schools, colleagues=colleagues)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_services.visit_start(
                user=request.user, school=data["school"], date=data["date"], arrived_at=data["arrived_at"],
                methods=data["methods"], co_supervisors=data["co_supervisors"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已开始入校督导,请逐项填写清单;每次修改都会自动保存。"))
            return redirect("inspections:visit_detail", pk=visit.pk)
    return render(request, "inspections/visit_start.html", {"form": form}, status=400)


# --- The checklist page -----------------------------------------------------------------------------


def _sections(answers: list[ChecklistAnswer]) -> list[tuple[str, str, list[ChecklistAnswer]]]:
    """Items in the order the page shows them: this month's focus, the every-month topics, the rest."""
    campaign = [a for a in answers if a.source == ItemSource.CAMPAIGN]
    if campaign:  # a special inspection (专项督导) has only its campaign's items
        return [("campaign", _("专项督导事项"), campaign)]
    focus = [a for a in answers if a.is_focus and a.source == ItemSource.STANDING]
    monthly = [a for a in answers if a.source == ItemSource.MONTHLY]
    rest = [a for a in answers if not a.is_focus and a.source == ItemSource.STANDING]
    return [
        (key, title, items)
        for key, title, items in (
            ("focus", _("本月重点"), focus),
            ("monthly", _("每月必查"), monthly),
            ("standing", _("其他经常性督导事项") if focus or monthly else _("经常性督导事项"), rest),
        )
        if items
    ]


def _js_strings() -> dict:
    return {
        "saving": _("保存中…"),
        "saved": _("已保存 %s"),
        "pending": _("未保存,稍后自动重试"),
        "offline": _("离线,恢复网络后自动保存"),
        "login": _("登录已失效:请在新标签页重新登录,修改已保留在本机"),
        "locked": _("(修改已保留在本机)"),
        "choose_first": _("请先选择复查结果,填写内容已保留在本机。"),
        "uploading": _("上传中… 已完成 %s"),
        "upload_offline": _("离线,照片未上传;恢复网络后请重新选择"),
        "too_big": _("图片过大,上限为 %s MB。"),
        "too_many": _("每个事项最多上传 %(n)d 张照片。") % {"n": visit_services.MAX_PHOTOS_PER_ITEM},
        "progress": _("已填 %s/%s 项"),
        "submit_offline": _("离线:恢复网络、修改全部保存后才能提交。"),
        "post_offline": _("离线,未提交;内容已保留,恢复网络后请再点一次。"),
        "local_left": _("本机还有 %s 项修改未保存到服务器(清单已提交);重新打开清单后会自动保存。"),
    }


def _render_detail(request, visit: Visit, *, status: int = 200, **extra):
    checklist = selectors.checklist_for_form(visit_id=visit.pk)
    visit = checklist.visit
    user = request.user
    supervisors = list(visit.supervisors.all())
    attended = access.visits_editable_by(user).filter(pk=visit.pk).exists()
    editable = attended and not checklist.is_locked
    answers = list(checklist.answers.all())
    for answer in answers:
        answer.version = _ms(answer.updated_at)
    plan_month = checklist.plan_month
    focus_text = ""
    if plan_month:
        focus_text = plan_month.focus_text(plan_services.audience_of(visit.school))
    context = {
        "visit": visit,
        "checklist": checklist,
        "supervisors": supervisors,
        "editable": editable,
        "sections": _sections(answers),
        "answered": sum(1 for a in answers if a.conclusion),
        "total": len(answers),
        "focus_text": focus_text,
        "conclusions": [(value, label, CONCLUSION_STYLES[value]) for value, label in Conclusion.choices],
        "results": [(value, label, RESULT_STYLES[value]) for value, label in RecheckResult.choices],
        "max_photos": visit_services.MAX_PHOTOS_PER_ITEM,
        "is_creator": visit.created_by.user_id == user.pk,
        "server_now": _ms(clock.now()),
        "photo_max_bytes": settings.PHOTO_MAX_UPLOAD_BYTES,
        "method_labels": [VisitMethod(m).label for m in visit.methods if m in VisitMethod.values],
        "PROBLEM": Conclusion.PROBLEM,
        "MONTHLY": ItemSource.MONTHLY,
        "visit_version": _ms(visit.updated_at),
        "js_strings": _js_strings(),
        **extra,
    }
    if editable:
        colleagues = _colleagues(visit.office_id).exclude(pk=visit.created_by_id)
        context["header_form"] = VisitHeaderForm(
            colleagues=colleagues,
            initial={
                "date": visit.date, "arrived_at": visit.arrived_at, "left_at": visit.left_at, "methods": visit.methods,
                "co_supervisors": [s.pk for s in supervisors if s.pk != visit.created_by_id], "summary": visit.summary,
            },
        )
        bound = extra.get("problem_form")  # (answer id, bound form) after a refused plain post
        for answer in answers:
            if bound and bound[0] == answer.pk:
                answer.problem_form = bound[1]
            else:
                answer.problem_form = ProblemForm(initial={"deadline": ticket_rules.default_deadline(visit.date)})
        # Re-checks of earlier problems belong to the school's routine visits, not to a special inspection.
        is_special = visit.kind == VisitKind.SPECIAL
        context["rechecks"] = [] if is_special else selectors.problems_to_recheck(visit=visit, include_rechecked_here=True)
        for problem in context["rechecks"]:
            problem.recheck = problem.this_visit[0] if problem.this_visit else None
            problem.version = _ms(problem.recheck.created_at if problem.recheck else None)
    else:
        context["rechecks_done"] = list(visit.rechecks.select_related("problem").order_by("problem__found_on"))
        # The button only; checklist_reopen decides (supervisors present, or the office's admins).
        context["can_reopen"] = checklist.is_locked and (attended or access.can_manage_office(user, visit.office))
        context.setdefault("reopen_form", ReopenForm())
    return render(request, "inspections/visit_detail.html", context, status=status)


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(access.visits_readable_by(request.user), pk=pk)
    return _render_detail(request, visit)


# --- Autosave endpoints -------------------------------------------------------------------------


@login_required
@require_POST
def visit_header_save(request, pk):
    visit = _editable_visit_or_404(request, pk)
    form = VisitHeaderForm(request.POST, colleagues=_colleagues(visit.office_id))
    if not form.is_valid():
        return _refused(request, visit, form.errors, anchor="visit-header")
    try:
        visit = visit_services.visit_update(visit=visit, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, visit, exc, anchor="visit-header")
    return _saved(request, visit, version=visit.updated_at, anchor="visit-header")


@login_required
@require_POST
def answer_save(request, pk, answer_pk):
    visit, answer, anchor = _editable_answer_or_404(request, pk, answer_pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _refused(request, visit, form.errors, anchor=anchor)
    try:
        saved = visit_services.answer_save(answer=answer, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        # The phone puts the server's value back (e.g. 发现问题 stays while problems are recorded).
        return _refused(request, visit, exc, anchor=anchor, current={"conclusion": answer.conclusion})
    return _saved(request, visit, version=saved.updated_at, anchor=anchor)


@login_required
@require_POST
def recheck_save(request, pk, problem_pk):
    visit = _editable_visit_or_404(request, pk)
    # Re-checks during a visit concern that school's earlier problems only (the service checks it too).
    problem = get_object_or_404(Problem.objects.filter(school_id=visit.school_id), pk=problem_pk)
    anchor = f"recheck-{problem.pk}"
    form = RecheckForm(request.POST)
    form.is_valid()
    try:
        recheck = ticket_services.recheck_record(
            problem=problem, user=request.user, visit=visit,
            result=form.cleaned_data.get("result", ""), notes=form.cleaned_data.get("notes", ""),
        )
    except ValidationError as exc:
        return _refused(request, visit, exc, anchor=anchor)
    return _saved(request, visit, version=recheck.created_at, anchor=anchor)


# --- Photos ------------------------------------------------------------------------------------------


def _photos_html(request, visit: Visit, answer: ChecklistAnswer) -> str:
    return render_to_string(
        "inspections/partials/checklist_photos.html",
        {"visit": visit, "a": answer, "editable": True,
         "max_photos": visit_services.MAX_PHOTOS_PER_ITEM},
        request=request,
    )


@login_required
@require_POST
def photo_upload(request, pk, answer_pk):
    visit, answer, anchor = _editable_answer_or_404(request, pk, answer_pk)
    upload = request.FILES.get("image")
    if upload is None:
        return _refused(request, visit, ValidationError(_("请选择一张照片。")), anchor=anchor)
    try:
        visit_services.photo_add(answer=answer, user=request.user, upload=upload)
    except ValidationError as exc:
        return _refused(request, visit, exc, anchor=anchor)
    return _saved(request, visit, anchor=anchor, html=_photos_html(request, visit, answer))


def _delete_from_item(request, pk, model, obj_pk, delete, partial):
    """Delete a photo or a problem of a draft item and answer with the item's refreshed list."""
    visit = _editable_visit_or_404(request, pk)
    obj = get_object_or_404(model.objects.filter(answer__checklist__visit=visit).select_related("answer__checklist"), pk=obj_pk)
    answer, anchor = obj.answer, f"item-{obj.answer_id}"
    try:
        delete(obj, user=request.user)
    except ValidationError as exc:
        return _refused(request, visit, exc, anchor=anchor)
    return _saved(request, visit, anchor=anchor, html=partial(request, visit, answer))


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    return _delete_from_item(request, pk, Photo, photo_pk, lambda p, user: visit_services.photo_delete(photo=p, user=user), _photos_html)


@login_or_token_required
def photo(request, pk):
    """A photo, only for users who may open its visit (uploads are never served directly)."""
    photo = get_object_or_404(Photo.objects.filter(answer__checklist__visit__in=access.visits_readable_by(request.user)), pk=pk)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- Problems ----------------------------------------------------------------------------------------


def _problems_html(request, visit: Visit, answer: ChecklistAnswer) -> str:
    return render_to_string(
        "inspections/partials/checklist_problems.html",
        {"visit": visit, "a": answer, "problems": list(answer.problems.order_by("created_at")), "editable": True},
        request=request,
    )


@login_required
@require_POST
def problem_add(request, pk, answer_pk):
    visit, answer, anchor = _editable_answer_or_404(request, pk, answer_pk)
    form = ProblemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit_services.problem_add(
                answer=answer, user=request.user, description=data["description"], opinion=data["opinion"],
                severity=data["severity"], deadline=data["deadline"],
            )
        except ValidationError as exc:
            for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if _wants_json(request):
                return _saved(request, visit, anchor=anchor, html=_problems_html(request, visit, answer),
                              conclusion=Conclusion.PROBLEM)
            messages.success(request, _("已记录问题。"))
            return _back(visit, anchor)
    if _wants_json(request):
        return _refused(request, visit, form.errors, anchor=anchor)
    return _render_detail(request, visit, status=400, problem_form=(answer.pk, form))


@login_required
@require_POST
def problem_delete(request, pk, problem_pk):
    return _delete_from_item(
        request, pk, Problem, problem_pk, lambda p, user: visit_services.problem_delete(problem=p, user=user), _problems_html
    )


# --- Submit, reopen, discard -------------------------------------------------------------------------


@login_required
@require_POST
def checklist_submit(request, pk):
    visit = _editable_visit_or_404(request, pk)
    try:
        visit_services.checklist_submit(checklist=visit.checklist, user=request.user, ip=request_ip(request))
    except ValidationError as exc:
        return _render_detail(request, visit, status=400, submit_errors=exc.messages)
    messages.success(request, _("清单已提交并锁定。"))
    return redirect("inspections:visit_detail", pk=visit.pk)


@login_required
@require_POST
def checklist_reopen(request, pk):
    visit = get_object_or_404(access.visits_readable_by(request.user).select_related("checklist"), pk=pk)
    form = ReopenForm(request.POST)
    form.is_valid()
    try:
        visit_services.checklist_reopen(checklist=visit.checklist, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        form.add_error("reason" if hasattr(exc, "error_dict") else None, exc.messages)
        return _render_detail(request, visit, status=400, reopen_form=form)
    messages.success(request, _("清单已重新打开,可以继续修改。"))
    return redirect("inspections:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_discard(request, pk):
    visit = _editable_visit_or_404(request, pk)
    school = visit.school.name
    try:
        visit_services.visit_discard(visit=visit, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(visit)
    messages.success(request, _("已删除“%(school)s”的督导草稿。") % {"school": school})
    return redirect("supervisor_home")
