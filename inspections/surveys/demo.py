"""Demo data of surveys for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

A 家长满意度 survey of the demo year, published to every active school and kindergarten of the
county (parents everywhere, students in the schools), with a few hundred generated answers —
bulk-created, so the seed stays fast. Each school gets its own tendency, so results differ."""
from __future__ import annotations

import hashlib
import random

from django.db import transaction

from schools.choices import SchoolKind
from schools.models import School

from . import services
from .choices import Audience, QuestionKind
from .models import Answer, Response, Survey

COMMENTS = [
    "希望学校多组织亲子活动。", "老师很负责，孩子进步很大。", "放学时校门口交通拥堵，建议错峰放学。",
    "希望食堂饭菜再丰富一些。", "课后服务很好，解决了接送难题。", "建议加强家校沟通，及时反馈孩子在校情况。",
    "希望增加体育活动时间。", "作业量合适，孩子睡眠有保障。",
]


@transaction.atomic
def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    title = "%d年家长满意度调查" % today.year
    if Survey.objects.filter(office=office, year=today.year, title=title).exists():
        return
    survey = services.survey_create(office=office, year=today.year, title=title, from_template=True)
    # Schools and kindergartens (not the adult-education school nor tutoring institutions).
    schools = list(
        School.objects.current(office=office)
        .exclude(kind__in=[SchoolKind.ADULT, SchoolKind.TUTORING]).order_by("code")
    )
    services.survey_publish(survey=survey, schools=schools, audiences=[Audience.PARENT])
    services.survey_publish(
        survey=survey, schools=[s for s in schools if s.kind != SchoolKind.KINDERGARTEN], audiences=[Audience.STUDENT]
    )
    questions = list(survey.questions.all())
    rng = random.Random(2026)
    responses, plans = [], []
    for link in survey.links.select_related("school").order_by("pk"):
        mood = rng.uniform(0.82, 0.98)  # this school's share of 非常满意 + 满意
        for n in range(rng.randint(8, 18) if link.audience == Audience.PARENT else rng.randint(4, 9)):
            token = hashlib.sha256(f"demo-{link.pk}-{n}".encode()).hexdigest()
            responses.append(Response(link=link, survey=survey, school_id=link.school_id, audience=link.audience,
                                      device_hash=token, fill_seconds=rng.randint(60, 400)))
            plans.append(mood)
    Response.objects.bulk_create(responses)
    answers = []
    for response, mood in zip(responses, plans, strict=True):
        for q in questions:
            if q.kind == QuestionKind.SCALE:
                r = rng.random()
                level = rng.choice((0, 1)) if r < mood else (2 if r < mood + (1 - mood) * 0.6 else rng.choice((3, 4)))
                answers.append(Answer(response=response, question=q, option=level))
            elif q.kind == QuestionKind.SINGLE:
                answers.append(Answer(response=response, question=q, option=rng.randrange(len(q.choices))))
            elif q.kind == QuestionKind.MULTIPLE and rng.random() < 0.7:
                answers += [Answer(response=response, question=q, option=o) for o in rng.sample(range(len(q.choices)), rng.randint(1, 2))]
            elif q.kind == QuestionKind.TEXT and rng.random() < 0.25:
                answers.append(Answer(response=response, question=q, text=rng.choice(COMMENTS)))
    Answer.objects.bulk_create(answers, batch_size=2000)
