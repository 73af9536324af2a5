"""Reads of the satisfaction surveys: lists, results (per school, audience and question) and the
satisfaction index other parts of the product show.

满意度 (satisfaction index) = the share of 满意 + 非常满意 among all answers to the five-level
scale questions (非常满意/满意/一般/不满意/非常不满意), in percent with one decimal.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from supervision import access, clock

from .choices import SATISFIED_LEVELS, Audience, QuestionKind, SurveyStatus
from .models import Answer, Response, Survey, SurveyLink

TEXTS_SHOWN = 200  # latest text answers listed on the results page (all of them go in the count)
COUNTED_STATUSES = (SurveyStatus.PUBLISHED, SurveyStatus.CLOSED)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _satisfied():
    return Count("pk", filter=Q(option__in=SATISFIED_LEVELS))


def survey_list_for(user) -> QuerySet[Survey]:
    """Surveys the user reads, with the number of answers they may see (one query)."""
    surveys = access.surveys_visible_to(user).select_related("office")
    responses = Response.objects.filter(survey=OuterRef("pk"))
    if not access.offices_overseen_by(user).exists():
        responses = responses.filter(school__in=access.schools_acted_for_by(user).values("pk"))
    counted = responses.order_by().values("survey").annotate(n=Count("pk")).values("n")
    links = SurveyLink.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("pk")).values("n")
    return surveys.annotate(
        n_responses=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        n_links=Coalesce(Subquery(links, output_field=IntegerField()), Value(0)),
    ).order_by("-year", "-created_at", "-pk")


def survey_results(*, survey: Survey, schools=None, school_id: int | None = None, audience: str = "") -> dict:
    """Everything the results page, the API and the PDF report show, in a constant number of queries.

    ``schools``: None for every school of the survey, else a queryset the reader is limited to
    (a school user reads their own school). ``school_id``/``audience`` narrow further (filters).
    """
    responses = Response.objects.filter(survey=survey)
    links = SurveyLink.objects.filter(survey=survey)
    if schools is not None:
        responses = responses.filter(school__in=schools.values("pk"))
        links = links.filter(school__in=schools.values("pk"))
    school_names = dict(links.values_list("school_id", "school__name").distinct())
    school_order = list(dict.fromkeys(links.order_by("school__code").values_list("school_id", flat=True)))
    if school_id:
        responses = responses.filter(school_id=school_id)
    if audience:
        responses = responses.filter(audience=audience)
    answers = Answer.objects.filter(response__in=responses.values("pk"))

    counts = defaultdict(dict)
    for row in responses.order_by().values("school_id", "audience").annotate(n=Count("pk")):
        counts[row["school_id"]][row["audience"]] = row["n"]
    audiences = [a for a in Audience if any(a.value in c for c in counts.values())] or [
        a for a in Audience if a.value in set(links.values_list("audience", flat=True))
    ]
    scale = answers.filter(question__kind=QuestionKind.SCALE, option__isnull=False).order_by()
    by_school_sat = {
        r["response__school_id"]: percent(r["sat"], r["n"])
        for r in scale.values("response__school_id").annotate(n=Count("pk"), sat=_satisfied())
    }
    by_audience_sat = {
        r["response__audience"]: percent(r["sat"], r["n"])
        for r in scale.values("response__audience").annotate(n=Count("pk"), sat=_satisfied())
    }
    overall = scale.aggregate(n=Count("pk"), sat=_satisfied())

    option_counts = defaultdict(dict)
    for r in answers.filter(option__isnull=False).order_by().values("question_id", "option").annotate(n=Count("pk")):
        option_counts[r["question_id"]][r["option"]] = r["n"]
    answered = dict(
        answers.order_by().values("question_id").annotate(n=Count("response", distinct=True)).values_list("question_id", "n")
    )
    texts = defaultdict(list)
    for r in (
        answers.exclude(text="").order_by("-response__submitted_at", "-pk")
        .values("question_id", "text", "response__school_id", "response__audience", "response__submitted_at")[:TEXTS_SHOWN]
    ):
        texts[r["question_id"]].append({
            "text": r["text"], "school": school_names.get(r["response__school_id"], ""),
            "audience": Audience(r["response__audience"]).label, "submitted_at": r["response__submitted_at"],
        })

    questions = []
    for q in survey.questions.all():
        n = answered.get(q.pk, 0)
        dist = option_counts.get(q.pk, {})
        options = [{"label": label, "count": dist.get(i, 0), "percent": percent(dist.get(i, 0), n)} for i, label in enumerate(q.choices)]
        sat = None
        if q.kind == QuestionKind.SCALE:
            sat = percent(sum(dist.get(i, 0) for i in SATISFIED_LEVELS), sum(dist.values()))
        questions.append({
            "question": q, "answered": n, "options": options, "satisfaction": sat,
            "texts": texts.get(q.pk, []), "text_count": n if q.kind == QuestionKind.TEXT else 0,
        })

    rows = [
        {
            "school_id": sid, "name": school_names.get(sid, ""),
            "counts": [counts.get(sid, {}).get(a.value, 0) for a in audiences],
            "total": sum(counts.get(sid, {}).values()), "satisfaction": by_school_sat.get(sid),
        }
        for sid in school_order if not school_id or sid == school_id
    ]
    return {
        "survey": survey,
        "total": sum(r["total"] for r in rows),
        "satisfaction": percent(overall["sat"], overall["n"]),
        "audiences": audiences,
        "audience_totals": [sum(counts.get(s, {}).get(a.value, 0) for s in counts) for a in audiences],
        "audience_satisfaction": [by_audience_sat.get(a.value) for a in audiences],
        "audience_rows": [
            {"value": a.value, "label": a.label, "count": sum(counts.get(s, {}).get(a.value, 0) for s in counts),
             "satisfaction": by_audience_sat.get(a.value)}
            for a in audiences
        ],
        "schools": rows,
        "questions": questions,
    }


def _year_answers(*, office, year: int):
    return Answer.objects.filter(
        response__survey__office=office, response__survey__year=year, response__survey__status__in=COUNTED_STATUSES,
        question__kind=QuestionKind.SCALE, option__isnull=False,
    ).order_by()


def satisfaction_by_school(*, office, year: int) -> dict[int, float]:
    """School id → 满意度 (percent, one decimal) over every published or closed survey of ``office``
    in ``year``, every audience; schools without scale answers are absent."""
    return {
        r["response__school_id"]: percent(r["sat"], r["n"])
        for r in _year_answers(office=office, year=year).values("response__school_id").annotate(n=Count("pk"), sat=_satisfied())
    }


def year_figures(*, office, year: int, until=None) -> dict:
    """The year's answers (those given by the cut-off ``until``) by audience and the parents' overall
    satisfaction (year-end summary)."""
    surveys = Survey.objects.filter(office=office, year=year, status__in=COUNTED_STATUSES)
    responses = Response.objects.filter(survey__in=surveys)
    answers = _year_answers(office=office, year=year)
    if until is not None:
        before = clock.start_of(until + dt.timedelta(days=1))
        responses = responses.filter(submitted_at__lt=before)
        answers = answers.filter(response__submitted_at__lt=before)
    by_audience = dict(responses.order_by().values("audience").annotate(n=Count("pk")).values_list("audience", "n"))
    parents = answers.filter(response__audience=Audience.PARENT).aggregate(n=Count("pk"), sat=_satisfied())
    overall = answers.aggregate(n=Count("pk"), sat=_satisfied())
    return {
        "surveys": surveys.count(),
        "responses": sum(by_audience.values()),
        "by_audience": by_audience,
        "schools": responses.values("school").distinct().count(),
        "parent_satisfaction": percent(parents["sat"], parents["n"]),
        "satisfaction": percent(overall["sat"], overall["n"]),
    }
