"""Writes of the satisfaction surveys (社会满意度调查): build a questionnaire, publish it to schools
and audiences, print access codes, take anonymous answers, close it."""
from __future__ import annotations

import hashlib
import secrets
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supervision import clock
from supervision.models import Office
from supervision.services import rows_added

from .choices import SCALE_LEVELS, Audience, OncePer, QuestionKind, SurveyStatus
from .defaults import PARENT_SATISFACTION_INTRO, PARENT_SATISFACTION_QUESTIONS, PARENT_SATISFACTION_TITLE
from .models import AccessCode, Answer, Question, Response, Survey, SurveyLink

MAX_OPTIONS = 20
MAX_CODES_AT_ONCE = 2000
TEXT_MAX = 1000
# No 0/O, 1/I/L: a code copied from paper by a parent must not be misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def _clean_options(kind: str, options) -> list[str]:
    if kind in (QuestionKind.SCALE, QuestionKind.TEXT):
        return []
    cleaned = [str(o).strip() for o in (options or []) if str(o).strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": _("单选题和多选题至少需要两个选项。")})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": _("选项不能超过%(n)d个。") % {"n": MAX_OPTIONS}})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"options": _("选项不能重复。")})
    if any(len(o) > 100 for o in cleaned):
        raise ValidationError({"options": _("每个选项不超过100个字。")})
    return cleaned


def _ensure_questions_editable(survey: Survey) -> None:
    """Once answers arrived the questions are fixed: changing them would mix answers to different questions."""
    if survey.responses.exists():
        raise ValidationError(
            _("问卷已收到%(n)d份答卷，不能再修改题目(否则前后答卷不可比)。如需调整，请复制为新问卷。")
            % {"n": survey.responses.count()}
        )
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("问卷已结束，不能修改题目。"))


@transaction.atomic
def survey_create(*, office: Office, year: int, title: str, intro: str = "", once_per: str = OncePer.DEVICE,
                  actor=None, from_template: bool = False, questions=()) -> Survey:
    """A new questionnaire in draft; ``from_template`` starts from the default 家长满意度 questions, and
    ``questions`` (kind, text, options, required) are added after them, each checked as one added alone."""
    if once_per not in OncePer.values:
        raise ValidationError({"once_per": _("请选择防重复作答方式。")})
    # The questionnaire speaks the respondents' language (the site's), whatever the admin's menu language.
    with translation.override(settings.LANGUAGE_CODE):
        survey = Survey.objects.create(
            office=office, year=year, title=(title or "").strip() or str(PARENT_SATISFACTION_TITLE),
            intro=intro if intro or not from_template else str(PARENT_SATISFACTION_INTRO),
            once_per=once_per, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if from_template:
            Question.objects.bulk_create(
                Question(survey=survey, order=i, kind=kind, text=str(text), options=[str(o) for o in options], required=required)
                for i, (kind, text, options, required) in enumerate(PARENT_SATISFACTION_QUESTIONS, start=1)
            )
    rows_added(questions, partial(question_add, survey=survey), field="questions", label=_("第%(n)d题:%(error)s"))
    return survey


@transaction.atomic
def survey_copy(*, survey: Survey, actor=None, year: int | None = None) -> Survey:
    """复制为新问卷: a new draft with the same questions (to adjust a questionnaire that has answers,
    or to run last year's again). Links, codes and answers are not copied."""
    copy = Survey.objects.create(
        office=survey.office, year=year or survey.year, title=survey.title, intro=survey.intro, once_per=survey.once_per,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Question.objects.bulk_create(
        Question(survey=copy, order=q.order, kind=q.kind, text=q.text, options=list(q.options), required=q.required)
        for q in survey.questions.all()
    )
    return copy


@transaction.atomic
def survey_update(*, survey: Survey, title: str, intro: str, once_per: str) -> Survey:
    """Title and 卷首语 may change at any time; the once-per rule only before answers arrive."""
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写问卷标题。")})
    if once_per != survey.once_per and survey.responses.exists():
        raise ValidationError({"once_per": _("问卷已收到答卷，不能再更改防重复作答方式。")})
    survey.title, survey.intro, survey.once_per = title.strip(), intro, once_per
    survey.save(update_fields=["title", "intro", "once_per"])
    return survey


@transaction.atomic
def question_add(*, survey: Survey, kind: str, text: str, options=(), required: bool = True) -> Question:
    _ensure_questions_editable(survey)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("请选择题型。")})
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写题目。")})
    last = survey.questions.order_by("-order").values_list("order", flat=True).first() or 0
    return Question.objects.create(
        survey=survey, order=last + 1, kind=kind, text=text.strip(), options=_clean_options(kind, options), required=required
    )


@transaction.atomic
def question_update(*, question: Question, kind: str, text: str, options=(), required: bool = True) -> Question:
    _ensure_questions_editable(question.survey)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("请选择题型。")})
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写题目。")})
    question.kind, question.text, question.required = kind, text.strip(), required
    question.options = _clean_options(kind, options)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _ensure_questions_editable(question.survey)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap a question with its neighbour (order only: answers are unaffected, so always allowed)."""
    siblings = list(question.survey.questions.order_by("order", "pk"))
    i = next(n for n, q in enumerate(siblings) if q.pk == question.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(siblings):
        return
    siblings[i], siblings[j] = siblings[j], siblings[i]
    for n, q in enumerate(siblings, start=1):
        q.order = n
    Question.objects.bulk_update(siblings, ["order"])


@transaction.atomic
def survey_publish(*, survey: Survey, schools, audiences) -> list[SurveyLink]:
    """Publish to chosen schools of the office and audiences (学生/家长/教师): one public link per
    (school, audience). Publishing again adds links; existing links (and their posters) stay valid."""
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("问卷已结束，不能再发布。"))
    if not survey.questions.exists():
        raise ValidationError(_("问卷还没有题目，请先添加题目。"))
    schools = list(schools)
    audiences = [a for a in audiences if a in Audience.values]
    if not schools:
        raise ValidationError({"schools": _("请至少选择一所学校。")})
    if not audiences:
        raise ValidationError({"audiences": _("请至少选择一类调查对象。")})
    if any(s.office_id != survey.office_id for s in schools):
        raise ValidationError({"schools": _("只能发布到本督导室的学校。")})
    existing = set(survey.links.values_list("school_id", "audience"))
    new = [
        SurveyLink(survey=survey, school=s, audience=a, token=secrets.token_urlsafe(12))
        for s in schools for a in audiences if (s.pk, a) not in existing
    ]
    SurveyLink.objects.bulk_create(new)
    if survey.status == SurveyStatus.DRAFT:
        survey.status, survey.published_at = SurveyStatus.PUBLISHED, clock.now()
        survey.save(update_fields=["status", "published_at"])
    return new


@transaction.atomic
def survey_close(*, survey: Survey) -> Survey:
    """结束调查: the public pages stop taking answers; the results stay."""
    if survey.status != SurveyStatus.PUBLISHED:
        raise ValidationError(_("只有进行中的问卷可以结束。"))
    survey.status, survey.closed_at = SurveyStatus.CLOSED, clock.now()
    survey.save(update_fields=["status", "closed_at"])
    return survey


@transaction.atomic
def access_codes_generate(*, link: SurveyLink, count: int) -> list[AccessCode]:
    """N single-use codes for a link (once_per = code), printed and handed out one per person."""
    if link.survey.once_per != OncePer.CODE:
        raise ValidationError(_("该问卷按设备防重复作答，不需要访问码。"))
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise ValidationError({"count": _("每次可生成1至%(n)d个访问码。") % {"n": MAX_CODES_AT_ONCE}})
    taken = set(link.codes.values_list("code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return AccessCode.objects.bulk_create(AccessCode(link=link, code=c) for c in codes)


def normalize_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def _answer_rows(questions, answers: dict) -> list[Answer]:
    rows, errors = [], {}
    for q in questions:
        value = answers.get(q.pk)
        n = len(q.choices)
        if q.kind == QuestionKind.TEXT:
            value = (value or "").strip()
            if len(value) > TEXT_MAX:
                errors[q.pk] = _("请不要超过%(n)d个字。") % {"n": TEXT_MAX}
            elif value:
                rows.append(Answer(question=q, text=value))
        elif q.kind == QuestionKind.MULTIPLE:
            picked = sorted({int(v) for v in (value or [])})
            if any(not 0 <= v < n for v in picked):
                errors[q.pk] = _("选项无效。")
            rows += [Answer(question=q, option=v) for v in picked]
            value = picked
        else:
            if value not in (None, ""):
                value = int(value)
                if not 0 <= value < n:
                    errors[q.pk] = _("选项无效。")
                else:
                    rows.append(Answer(question=q, option=value))
        if q.required and value in (None, "", []) and q.pk not in errors:
            errors[q.pk] = _("此题为必答题。")
    if errors:
        raise ValidationError({f"q{pk}": message for pk, message in errors.items()})
    return rows


@transaction.atomic
def response_submit(*, link: SurveyLink, answers: dict, device_token: str = "", code: str = "",
                    fill_seconds: int = 0) -> Response:
    """Record one anonymous answer sheet. One per device or per access code, as the office chose:
    a device or code that already answered is refused and its first answer is kept."""
    survey = link.survey
    if survey.status != SurveyStatus.PUBLISHED:
        raise ValidationError(_("本次调查已结束，感谢您的关注。") if survey.status == SurveyStatus.CLOSED else _("本次调查尚未开始。"))
    rows = _answer_rows(list(survey.questions.all()), answers)
    access_code, dhash = None, ""
    if survey.once_per == OncePer.CODE:
        normalized = normalize_code(code)
        if not normalized:
            raise ValidationError({"code": _("请填写访问码。")})
        # Locked so two people typing the same code at once cannot both answer.
        access_code = AccessCode.objects.select_for_update().filter(link=link, code=normalized).first()
        if access_code is None:
            raise ValidationError({"code": _("访问码不正确，请核对纸条上的访问码。")})
        if Response.objects.filter(access_code=access_code).exists():
            raise ValidationError({"code": _("该访问码已使用过，每个访问码只能提交一次。")})
    else:
        dhash = device_hash(device_token)
        if not dhash:
            raise ValidationError(_("请通过问卷链接打开后再提交(浏览器需允许Cookie)。"))
        if Response.objects.filter(link=link, device_hash=dhash).exists():
            raise ValidationError(_("您已提交过本问卷，感谢您的参与。"))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                link=link, survey_id=link.survey_id, school_id=link.school_id, audience=link.audience,
                device_hash=dhash, access_code=access_code, fill_seconds=max(0, min(int(fill_seconds), 86400)),
            )
    except IntegrityError:  # the same device submitted twice at the same moment
        raise ValidationError(_("您已提交过本问卷，感谢您的参与。")) from None
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


def scale_label(index: int) -> str:
    return str(SCALE_LEVELS[index])
