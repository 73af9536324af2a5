"""Survey pages. Office pages: build, publish, print posters and codes, read results (scope from
``supervision.access``; a missing and a forbidden survey both answer 404). Public pages: answer on a
phone without login (``/surveys/q/<token>/``), with flood protection."""
from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from reports.services import job_start
from schools.plaque import plaque_qr_svg
from supervision import access, clock
from supervision.downloads import login_or_token_required
from supervision.filters import whole_number
from supervision.forms import add_service_errors
from supervision.throttle import client_ip, throttle_hit

from . import selectors, services
from .choices import Audience, OncePer, QuestionKind, SurveyStatus
from .forms import (
    MIN_FILL_SECONDS,
    AnswerForm,
    CodesForm,
    PublishForm,
    QuestionForm,
    SurveyForm,
    started_age,
    started_token,
)
from .models import Question, Survey, SurveyLink
from .poster import link_poster_pdf
from .report import POSTERS_KIND, REPORT_KIND, results_chart_options

DEVICE_COOKIE = "svq_device"
DEVICE_COOKIE_AGE = 400 * 86400

# Flood protection (see the README notes): a class answering in a computer room shares one IP,
# so the per-IP limit is per link and allows a large class; the per-link limit stops a bot that
# rotates addresses without blocking a real school (its parents answer over hours, not seconds).
THROTTLE_DEFAULTS = {
    "SURVEY_ANSWERS_PER_IP_PER_LINK_HOUR": 60,
    "SURVEY_ANSWERS_PER_IP_HOUR": 300,
    "SURVEY_ANSWERS_PER_LINK_HOUR": 1500,
}


def _limit(name: str) -> int:
    return int(getattr(settings, name, THROTTLE_DEFAULTS[name]))


def _editable_or_404(request, pk) -> Survey:
    return get_object_or_404(access.surveys_editable_by(request.user).select_related("office"), pk=pk)


def _visible_or_404(request, pk) -> Survey:
    return get_object_or_404(access.surveys_visible_to(request.user).select_related("office"), pk=pk)


def _offices_editing(request):
    """Offices whose surveys the user builds (admin or director of the office)."""
    from supervision.models import Office

    user = request.user
    return Office.objects.filter(
        Q(pk__in=access.offices_managed_by(user).values("pk")) | Q(pk__in=access.offices_directed_by(user).values("pk"))
    )


# --- Office pages ---------------------------------------------------------------------------------


@login_required
def survey_list(request):
    surveys = selectors.survey_list_for(request.user)
    if not (access.offices_overseen_by(request.user).exists() or access.schools_acted_for_by(request.user).exists()):
        raise Http404  # supervisors have no survey pages
    can_create = _offices_editing(request).exists()
    return render(request, "surveys/survey_list.html", {"surveys": surveys[:200], "can_create": can_create})


@login_required
def survey_create(request):
    offices = _offices_editing(request)
    office = offices.order_by("pk").first()
    if office is None:
        raise Http404
    form = SurveyForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                office=office, year=form.cleaned_data["year"], title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"], once_per=form.cleaned_data["once_per"], actor=request.user,
                from_template=form.cleaned_data["from_template"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("surveys:detail", pk=survey.pk)
    if not form.is_bound:
        form.initial.setdefault("title", _("家长满意度调查问卷"))
    return render(request, "surveys/survey_form.html", {"form": form, "office": office})


@login_required
def survey_edit(request, pk):
    survey = _editable_or_404(request, pk)
    form = SurveyForm(request.POST or None, editing=True, initial={"title": survey.title, "intro": survey.intro, "once_per": survey.once_per})
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, title=form.cleaned_data["title"], intro=form.cleaned_data["intro"],
                                   once_per=form.cleaned_data["once_per"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey, "office": survey.office})


@login_required
def survey_detail(request, pk):
    survey = _visible_or_404(request, pk)
    editable = access.surveys_editable_by(request.user).filter(pk=survey.pk).exists()
    links = survey.links.select_related("school").annotate(n_responses=Count("responses"))
    schools = access.survey_results_schools(request.user, survey)
    if schools is not None:
        links = links.filter(school__in=schools.values("pk"))
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "editable": editable, "questions": survey.questions.all(),
        "links": links, "has_answers": survey.responses.exists(), "Status": SurveyStatus, "OncePer": OncePer,
    })


def _question_form_view(request, survey, question=None):
    initial = {"kind": QuestionKind.SCALE, "required": True}
    if question is not None:
        initial = {"kind": question.kind, "text": question.text, "options": "\n".join(question.options), "required": question.required}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], options=form.option_list(),
                    required=form.cleaned_data["required"])
        try:
            if question is None:
                services.question_add(survey=survey, **data)
            else:
                services.question_update(question=question, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")
    return render(request, "surveys/question_form.html", {"form": form, "survey": survey, "question": question})


@login_required
def question_add(request, pk):
    return _question_form_view(request, _editable_or_404(request, pk))


@login_required
def question_edit(request, pk, qid):
    survey = _editable_or_404(request, pk)
    return _question_form_view(request, survey, get_object_or_404(Question, survey=survey, pk=qid))


@login_required
@require_POST
def question_delete(request, pk, qid):
    survey = _editable_or_404(request, pk)
    try:
        services.question_delete(question=get_object_or_404(Question, survey=survey, pk=qid))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")


@login_required
@require_POST
def question_move(request, pk, qid):
    survey = _editable_or_404(request, pk)
    services.question_move(question=get_object_or_404(Question, survey=survey, pk=qid), up=request.POST.get("up") == "1")
    return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")


@login_required
def survey_publish(request, pk):
    survey = _editable_or_404(request, pk)
    existing = set(survey.links.values_list("school_id", flat=True))
    form = PublishForm(request.POST or None, office=survey.office,
                       initial={"schools": list(existing) or None, "audiences": [Audience.PARENT]})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.survey_publish(survey=survey, schools=form.cleaned_data["schools"], audiences=form.cleaned_data["audiences"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发布，新增问卷链接%(n)d个。") % {"n": len(new)})
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/publish_form.html", {"form": form, "survey": survey})


@login_required
@require_POST
def survey_copy(request, pk):
    survey = _editable_or_404(request, pk)
    copy = services.survey_copy(survey=survey, actor=request.user, year=clock.today().year)
    messages.success(request, _("已复制为新问卷(草稿)，可修改题目后发布。"))
    return redirect("surveys:detail", pk=copy.pk)


@login_required
@require_POST
def survey_close(request, pk):
    survey = _editable_or_404(request, pk)
    try:
        services.survey_close(survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("调查已结束，不再接收答卷。"))
    return redirect("surveys:detail", pk=survey.pk)


def _link_or_404(request, pk, link_id, *, edit: bool = False) -> SurveyLink:
    survey = _editable_or_404(request, pk) if edit else _visible_or_404(request, pk)
    links = survey.links.select_related("school", "survey", "survey__office")
    schools = access.survey_results_schools(request.user, survey)
    if schools is not None:
        links = links.filter(school__in=schools.values("pk"))
    return get_object_or_404(links, pk=link_id)


@login_required
def link_detail(request, pk, link_id):
    link = _link_or_404(request, pk, link_id)
    editable = access.surveys_editable_by(request.user).filter(pk=link.survey_id).exists()
    form = CodesForm(request.POST or None) if editable else None
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                codes = services.access_codes_generate(link=link, count=form.cleaned_data["count"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已生成访问码%(n)d个。") % {"n": len(codes)})
                return redirect("surveys:link", pk=link.survey_id, link_id=link.pk)
    # The codes themselves are for the survey's editors only, as on the print and the Excel (a school
    # holding its own parents' codes could answer for them); everyone else sees how many are used.
    by_code = link.survey.once_per == OncePer.CODE
    codes = link.codes.select_related("response").order_by("pk") if by_code and editable else None
    code_counts = link.codes.aggregate(total=Count("pk"), used=Count("response")) if by_code and not editable else None
    return render(request, "surveys/link_detail.html", {
        "link": link, "survey": link.survey, "qr_svg": plaque_qr_svg(link.public_url), "form": form,
        "editable": editable, "codes": codes, "code_counts": code_counts, "OncePer": OncePer,
        "n_responses": link.responses.count(),
    })


@login_or_token_required
def link_poster(request, pk, link_id):
    link = _link_or_404(request, pk, link_id)
    response = HttpResponse(link_poster_pdf(link), content_type="application/pdf")
    name = _("问卷二维码-%(school)s-%(audience)s.pdf") % {"school": link.school.name, "audience": link.get_audience_display()}
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def link_codes_print(request, pk, link_id):
    link = _link_or_404(request, pk, link_id, edit=True)
    return render(request, "surveys/codes_print.html", {"link": link, "codes": link.codes.select_related("response").order_by("pk")})


@login_or_token_required
def link_codes_xlsx(request, pk, link_id):
    from openpyxl import Workbook

    link = _link_or_404(request, pk, link_id, edit=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("访问码")
    ws.append([_("学校"), _("调查对象"), _("问卷链接"), _("访问码"), _("状态")])
    for code in link.codes.select_related("response").order_by("pk"):
        used = hasattr(code, "response")
        ws.append([link.school.name, link.get_audience_display(), link.public_url, code.code, _("已使用") if used else _("未使用")])
    for column, width in zip("ABCDE", (28, 10, 48, 14, 10), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = _("访问码-%(school)s-%(audience)s.xlsx") % {"school": link.school.name, "audience": link.get_audience_display()}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _int_or_none(value):
    return whole_number(value)


@login_required
def survey_results(request, pk):
    survey = _visible_or_404(request, pk)
    schools = access.survey_results_schools(request.user, survey)
    school_id = _int_or_none(request.GET.get("school"))
    audience = request.GET.get("audience", "")
    audience = audience if audience in Audience.values else ""
    results = selectors.survey_results(survey=survey, schools=schools, school_id=school_id, audience=audience)
    links = survey.links.all() if schools is None else survey.links.filter(school__in=schools.values("pk"))
    school_choices = list(links.order_by("school__code").values_list("school_id", "school__name").distinct())
    charts = results_chart_options(results, base_url=reverse("surveys:results", args=[survey.pk]), audience=audience)
    for q in results["questions"]:
        q["chart"], q["chart_id"] = charts["questions"].get(q["question"].pk), f"chart-q{q['question'].pk}"
    return render(request, "surveys/results.html", {
        "survey": survey, "results": results, "school_choices": school_choices, "school_id": school_id,
        "audience": audience, "audience_choices": Audience.choices, "charts": charts,
        "can_report": access.surveys_editable_by(request.user).filter(pk=survey.pk).exists(),
    })


def _start_job(request, survey, kind, params, back):
    try:
        job = job_start(kind=kind, office=survey.office, user=request.user, params=params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back, pk=survey.pk)
    return redirect("reports:job_detail", pk=job.pk)


@login_required
@require_POST
def survey_report(request, pk):
    survey = _editable_or_404(request, pk)
    return _start_job(request, survey, REPORT_KIND, {"survey": survey.pk, "school": request.POST.get("school") or None}, "surveys:results")


@login_required
@require_POST
def survey_posters(request, pk):
    """Every QR poster of the survey in one PDF, made by the report-job worker."""
    survey = _editable_or_404(request, pk)
    return _start_job(request, survey, POSTERS_KIND, {"survey": survey.pk}, "surveys:detail")


# --- Public answering page ------------------------------------------------------------------------


def _public_link_or_404(token) -> SurveyLink:
    link = get_object_or_404(SurveyLink.objects.select_related("survey", "school"), token=token)
    if link.survey.status == SurveyStatus.DRAFT:
        raise Http404
    return link


def _public(request, template, context, *, status=200, device_token=""):
    response = render(request, template, context, status=status)
    if device_token and request.COOKIES.get(DEVICE_COOKIE) != device_token:
        response.set_cookie(DEVICE_COOKIE, device_token, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def answer(request, token):
    """The questionnaire on a phone. Anonymous; one answer per device (cookie + server record) or per
    access code, as the office chose; floods answered 429 with what was typed kept."""
    link = _public_link_or_404(token)
    survey = link.survey
    context = {"link": link, "survey": survey, "school": link.school}
    device_token = ""
    if survey.once_per == OncePer.DEVICE:
        device_token = request.COOKIES.get(DEVICE_COOKIE) or services.new_device_token()
        if link.responses.filter(device_hash=services.device_hash(device_token)).exists():
            return _public(request, "surveys/public_done.html", {**context, "already": True}, device_token=device_token)
    if survey.status == SurveyStatus.CLOSED:
        return _public(request, "surveys/public_closed.html", context, device_token=device_token)
    questions = list(survey.questions.all())
    with_code = survey.once_per == OncePer.CODE
    if request.method != "POST":
        form = AnswerForm(questions=questions, with_code=with_code,
                          initial={"started": started_token(), "code": request.GET.get("code", "")})
        return _public(request, "surveys/public_form.html", {**context, "form": form}, device_token=device_token)

    form = AnswerForm(request.POST, questions=questions, with_code=with_code)
    ip = client_ip(request)
    allowed = all([
        throttle_hit(scope="survey-ip-link", key=f"{ip}:{link.pk}", limit=_limit("SURVEY_ANSWERS_PER_IP_PER_LINK_HOUR"), window_seconds=3600),
        throttle_hit(scope="survey-ip", key=ip, limit=_limit("SURVEY_ANSWERS_PER_IP_HOUR"), window_seconds=3600),
        throttle_hit(scope="survey-link", key=str(link.pk), limit=_limit("SURVEY_ANSWERS_PER_LINK_HOUR"), window_seconds=3600),
    ])
    if not allowed:
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试。您填写的内容已保留。"))
        return _public(request, "surveys/public_form.html", {**context, "form": form}, status=429, device_token=device_token)
    if request.POST.get("website"):
        # A honeypot no person sees was filled in: a script. Thank it and keep nothing.
        return redirect("surveys:answer_done", token=link.token)
    age = started_age(request.POST.get("started", ""))
    if form.is_valid():
        if age is None or age < int(getattr(settings, "SURVEY_MIN_FILL_SECONDS", MIN_FILL_SECONDS)):
            form.add_error(None, _("提交过快，请确认各题作答后再次提交。"))
        else:
            try:
                services.response_submit(link=link, answers=form.answers(), device_token=request.COOKIES.get(DEVICE_COOKIE, "") if device_token else "",
                                         code=form.cleaned_data.get("code", ""), fill_seconds=age)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("surveys:answer_done", token=link.token)
    if age is None:
        form.data = form.data.copy()
        form.data["started"] = started_token()
    return _public(request, "surveys/public_form.html", {**context, "form": form}, status=400, device_token=device_token)


@never_cache
def answer_done(request, token):
    link = _public_link_or_404(token)
    return _public(request, "surveys/public_done.html", {"link": link, "survey": link.survey, "school": link.school})
