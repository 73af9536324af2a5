"""Surveys built through the services, and answers as the public page records them."""
import itertools

from django.core import signing
from django.utils import timezone

from inspections.surveys import services
from inspections.surveys.choices import Audience, OncePer, QuestionKind
from inspections.surveys.forms import STARTED_SALT
from inspections.surveys.models import Survey

_devices = itertools.count(1)


def survey_published(*, office, schools, audiences=(Audience.PARENT,), once_per=OncePer.DEVICE, year=2026,
                     title="家长满意度调查问卷") -> Survey:
    """The default 家长满意度 questionnaire, published."""
    survey = services.survey_create(office=office, year=year, title=title, once_per=once_per, from_template=True)
    services.survey_publish(survey=survey, schools=schools, audiences=list(audiences))
    return survey


def small_survey(*, office, schools, audiences=(Audience.PARENT,), once_per=OncePer.DEVICE, year=2026) -> Survey:
    """Three questions: a scale, a multiple choice and a text (easy to compute by hand)."""
    survey = services.survey_create(office=office, year=year, title="食堂满意度调查", once_per=once_per)
    services.question_add(survey=survey, kind=QuestionKind.SCALE, text="您对食堂是否满意？")
    services.question_add(survey=survey, kind=QuestionKind.MULTIPLE, text="您常吃哪些？", options=["米饭", "面条", "饺子"], required=False)
    services.question_add(survey=survey, kind=QuestionKind.TEXT, text="建议", required=False)
    services.survey_publish(survey=survey, schools=schools, audiences=list(audiences))
    return survey


def answers_for(survey, *, level: int = 0, picks=(), text: str = "") -> dict:
    """Answers keyed by question id: ``level`` for every scale question (0 = 非常满意), the first
    option of single-choice questions, ``picks`` for multiple choice, ``text`` for text."""
    out = {}
    for q in survey.questions.all():
        if q.kind == QuestionKind.SCALE:
            out[q.pk] = level
        elif q.kind == QuestionKind.SINGLE:
            out[q.pk] = 0
        elif q.kind == QuestionKind.MULTIPLE:
            out[q.pk] = list(picks)
        else:
            out[q.pk] = text
    return out


def respond(link, **kwargs):
    """One answer sheet from a new device."""
    return services.response_submit(link=link, answers=answers_for(link.survey, **kwargs),
                                    device_token=f"device-{next(_devices)}", fill_seconds=60)


def form_data(survey, *, level: int = 1, picks=(), text: str = "", started_ago: int = 60, **extra) -> dict:
    """What the public form posts: q<id> fields, a signed start time ``started_ago`` seconds back."""
    data = {"started": signing.TimestampSigner(salt=STARTED_SALT).sign(str(int(timezone.now().timestamp()) - started_ago)),
            "website": ""}
    for qid, value in answers_for(survey, level=level, picks=picks, text=text).items():
        data[f"q{qid}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(extra)
    return data
