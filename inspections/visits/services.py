"""Writes of a visit (入校督导) and its checklist: start, autosave, photos, problems, submit, reopen, discard."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import School
from schools.selectors import Placement, placement_on
from supervision import access, clock
from supervision.uploads import image_reencode
from supervision.models import Supervisor

from supervision import calendar
from inspections.models.choices import (
    ChecklistStatus,
    Conclusion,
    ItemSource,
    ProblemSource,
    Severity,
    TicketAction,
    VisitKind,
)
from inspections.models import Checklist, ChecklistAnswer, ChecklistReopening, Photo, PlanMonth, Problem, Visit
from inspections.plans.services import audience_of, template_ensure
from inspections.tickets.rules import default_deadline
from inspections.visits.rules import check_editable, check_methods, problem_text_errors


MAX_PHOTOS_PER_ITEM = 9


def _placement(school: School, day: dt.date) -> Placement:
    """Where the school was on the visit's day; a day it was not in any roster is refused."""
    placement = placement_on(school, day)
    if placement is None:
        raise ValidationError({"date": _(
            "%(d)s “%(school)s”不在本督导室名册中(尚未列入或已停办),不能记录该日的督导。"
        ) % {"d": calendar.day_label(day), "school": school.name}})
    return placement


def _check_visit_date(date: dt.date, school: School, user) -> Placement:
    if date > clock.today():
        raise ValidationError({"date": _("督导日期不能晚于今天。")})
    access.entry_date_check(day=date, office=school.office, user=user, what=_("督导日期"))
    return _placement(school, date)


def _supervisor_of(user) -> Supervisor:
    supervisor = getattr(user, "supervisor", None)
    if supervisor is None or not supervisor.is_active:
        raise ValidationError(_("只有在岗的责任督学可以填报入校督导。"))
    return supervisor


@transaction.atomic
def visit_start(
    *, user, school: School, date: dt.date, arrived_at: dt.time | None = None, left_at: dt.time | None = None,
    methods: Iterable[str] = (), co_supervisors: Iterable[Supervisor] = (),
) -> Visit:
    """Start a visit and its checklist: the standing items of the school's template, this month's
    focus items pre-selected, and the plan's every-month topics appended.

    A supervisor visits the schools of their zones *on the visit's day*; a visit entered late is
    checked against its own day, and counts for the zone the school was in then. A 补录 holder enters
    a past visit for the supervisors who made it (``co_supervisors``: the first one is its author)."""
    co_supervisors = list(co_supervisors)
    _check_visit_date(date, school, user)  # a day the school was not in the roster is refused first
    if getattr(user, "supervisor", None) is None and access.may_backfill(user, school.office_id):
        if not co_supervisors:
            raise ValidationError({"co_supervisors": _("补录入校督导时请选择参加督导的督学。")})
        supervisor, co_supervisors, entered_by = co_supervisors[0], co_supervisors[1:], user
    else:
        supervisor, entered_by = _supervisor_of(user), None
        in_zone = access.schools_of_supervisor_on(user, date).filter(pk=school.pk).exists()
        if not in_zone and not (date <= clock.today() and access.may_backfill(user, school.office_id)):
            raise ValidationError(_("“%(school)s”%(when)s不在您的责任区内,不能填报。") % {
                "school": school.name, "when": "" if date == clock.today() else calendar.day_label(date) + " ",
            })
    visit = _visit_create(
        user=user, supervisor=supervisor, school=school, date=date, arrived_at=arrived_at, left_at=left_at,
        methods=methods, co_supervisors=co_supervisors, kind=VisitKind.ROUTINE, entered_by=entered_by,
    )
    _checklist_build(visit)
    return visit


def _visit_create(
    *, user, supervisor, school, date, arrived_at, left_at, methods, co_supervisors, kind, entered_by=None,
) -> Visit:
    placement = _check_visit_date(date, school, user)
    co = [s for s in co_supervisors if s.pk != supervisor.pk]
    foreign = [s.name for s in [supervisor, *co] if s.office_id != placement.office_id]
    if foreign:
        raise ValidationError({"co_supervisors": _("以下督学不属于本督导室:%(n)s") % {"n": "、".join(foreign)}})
    visit = Visit.objects.create(
        office_id=placement.office_id, school=school, zone_id=placement.zone_id, date=date, arrived_at=arrived_at,
        left_at=left_at, methods=check_methods(methods), created_by=supervisor, kind=kind, entered_by=entered_by,
    )
    visit.supervisors.set([supervisor, *co])
    return visit


def facts_restamp(*, school: School, start: dt.date) -> None:
    """After the school's memberships changed from ``start``: its visits, problems and tickets dated
    from then on are credited to the office and zone of their own day (a back-dated move, a
    correction of the day it joined)."""
    from inspections.models import Ticket

    for period in school.memberships.overlapping(start, dt.date.max):
        since = max(start, period.valid_from)
        until = {"__lt": period.valid_to} if period.valid_to else {}
        Visit.objects.filter(school=school, date__gte=since, **{f"date{k}": v for k, v in until.items()}).update(
            office=period.office_id, zone=period.zone_id
        )
        problems = Problem.objects.filter(
            school=school, found_on__gte=since, **{f"found_on{k}": v for k, v in until.items()}
        )
        problems.update(office=period.office_id, zone=period.zone_id)
        Ticket.objects.filter(problem__in=problems.values("pk")).update(office=period.office_id)


@transaction.atomic
def special_visit_start(
    *, user, school: School, date: dt.date, items: Iterable[tuple[str, str, str]], version: int = 1,
    arrived_at: dt.time | None = None, methods: Iterable[str] = (), co_supervisors: Iterable[Supervisor] = (),
) -> Visit:
    """Start a special-inspection visit (专项督导, ``VisitKind.SPECIAL``) whose checklist is the
    campaign's own items (code, title, guidance) instead of the routine template. The caller (the
    campaign, ``inspections.campaigns.services``) has checked that its team may visit this school,
    which may lie outside the supervisor's zones. Special visits never count for coverage or 人次."""
    supervisor = _supervisor_of(user)
    items = list(items)
    visit = _visit_create(
        user=user, supervisor=supervisor, school=school, date=date, arrived_at=arrived_at, left_at=None, methods=methods,
        co_supervisors=co_supervisors, kind=VisitKind.SPECIAL,
    )
    checklist = Checklist.objects.create(visit=visit, template=None, template_version=version)
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(
            checklist=checklist, position=n, source=ItemSource.CAMPAIGN, code=code, title=title, guidance=guidance,
        )
        for n, (code, title, guidance) in enumerate(items, start=1)
    )
    return visit


def _checklist_build(visit: Visit) -> Checklist:
    audience = audience_of(visit.school)
    template = template_ensure(office=visit.office, year=visit.date.year, audience=audience)
    plan_month = PlanMonth.objects.filter(
        plan__office=visit.office_id, plan__year=visit.date.year, month=visit.date.month
    ).select_related("plan").first()
    focus = set(plan_month.focus_codes(audience)) if plan_month else set()
    checklist = Checklist.objects.create(
        visit=visit, template=template, template_version=template.version, plan_month=plan_month
    )
    answers = [
        ChecklistAnswer(
            checklist=checklist, position=n, source=ItemSource.STANDING, code=item.code, title=item.title,
            guidance=item.guidance, sub_points=item.sub_points, is_focus=item.code in focus,
        )
        for n, item in enumerate(template.items.all(), start=1)
    ]
    topics = plan_month.plan.monthly_topic_list if plan_month else []
    answers += [
        ChecklistAnswer(
            checklist=checklist, position=len(answers) + n, source=ItemSource.MONTHLY, code=f"M{n}", title=topic,
            is_focus=True,
        )
        for n, topic in enumerate(topics, start=1)
    ]
    ChecklistAnswer.objects.bulk_create(answers)
    return checklist


@transaction.atomic
def visit_update(
    *, visit: Visit, user, date: dt.date | None = None, arrived_at: dt.time | None = None,
    left_at: dt.time | None = None, methods: Iterable[str] | None = None,
    co_supervisors: Iterable[Supervisor] | None = None, summary: str | None = None,
) -> Visit:
    """Autosave of the visit header; only fields given change."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("checklist", "school__office").get(pk=visit.pk)
    check_editable(visit.checklist, user)
    if date is not None and date != visit.date:
        placement = _check_visit_date(date, visit.school, user)
        if visit.kind == VisitKind.ROUTINE and visit.entered_by_id is None:
            if not access.schools_of_supervisor_on(user, date).filter(pk=visit.school_id).exists() and not (
                access.may_backfill(user, visit.school.office_id)
            ):
                raise ValidationError({"date": _("%(d)s “%(school)s”不在您的责任区内。") % {
                    "d": calendar.day_label(date), "school": visit.school.name}})
        visit.date, visit.office_id, visit.zone_id = date, placement.office_id, placement.zone_id
        # The problems found on a draft are found on the visit's day, in the zone of that day.
        Problem.objects.filter(visit=visit).update(found_on=date, office=placement.office_id, zone=placement.zone_id)
    if arrived_at is not None:
        visit.arrived_at = arrived_at
    if left_at is not None:
        visit.left_at = left_at
    if visit.arrived_at and visit.left_at and visit.left_at < visit.arrived_at:
        raise ValidationError({"left_at": _("离校时间不能早于到校时间。")})
    if methods is not None:
        visit.methods = check_methods(methods)
    if summary is not None:
        visit.summary = summary
    # Write only the fields given: two autosaves of one header in flight must not undo each other.
    given = {"date": date, "arrived_at": arrived_at, "left_at": left_at, "methods": methods, "summary": summary}
    fields = [name for name, value in given.items() if value is not None]
    if "date" in fields:
        fields += ["office", "zone"]
    visit.save(update_fields=fields + ["updated_at"])
    if co_supervisors is not None:
        co = [s for s in co_supervisors if s.office_id == visit.office_id]
        visit.supervisors.set([visit.created_by, *[s for s in co if s.pk != visit.created_by_id]])
    return visit


@transaction.atomic
def answer_save(*, answer: ChecklistAnswer, user, conclusion: str | None = None, notes: str | None = None) -> ChecklistAnswer:
    """Autosave of one item: its conclusion and/or notes."""
    answer = ChecklistAnswer.objects.select_for_update().select_related("checklist__visit").get(pk=answer.pk)
    check_editable(answer.checklist, user)
    if conclusion is not None:
        if conclusion and conclusion not in Conclusion.values:
            raise ValidationError({"conclusion": _("无效的结论。")})
        if conclusion != Conclusion.PROBLEM and answer.problems.exists():
            raise ValidationError(
                {"conclusion": _("该事项已记录问题,请先删除问题再修改结论。")}
            )
        answer.conclusion = conclusion
    if notes is not None:
        answer.notes = notes
    # Write only the fields given: a conclusion and a note saved at the same moment both stay.
    given = {"conclusion": conclusion, "notes": notes}
    answer.save(update_fields=[name for name, value in given.items() if value is not None] + ["updated_at"])
    return answer


@transaction.atomic
def photo_add(*, answer: ChecklistAnswer, user, upload) -> Photo:
    """A photo from the camera: checked to be an image, re-encoded and downscaled; the original's hash kept."""
    check_editable(answer.checklist, user)
    if answer.photos.count() >= MAX_PHOTOS_PER_ITEM:
        raise ValidationError(_("每个事项最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS_PER_ITEM})
    content = image_reencode(upload=upload, max_side=1600)
    photo = Photo(answer=answer, original_sha256=content.sha256, original_name=(upload.name or "")[:200], uploaded_by=user)
    photo.image.save("photo.jpg", content, save=False)
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, user) -> None:
    check_editable(photo.answer.checklist, user)
    photo.image.delete(save=False)
    photo.delete()


@transaction.atomic
def problem_add(
    *, answer: ChecklistAnswer, user, description: str, opinion: str, severity: str = Severity.MINOR,
    deadline: dt.date | None = None,
) -> Problem:
    """Record a problem on an item (which then reads 发现问题), with opinion and deadline."""
    checklist = answer.checklist
    check_editable(checklist, user)
    visit = checklist.visit
    errors = problem_text_errors(description=description, opinion=opinion, severity=severity)
    deadline = deadline or default_deadline(visit.date)
    if deadline <= visit.date:
        errors["deadline"] = _("整改期限应晚于督导日期。")
    if errors:
        raise ValidationError(errors)
    problem = Problem.objects.create(
        office_id=visit.office_id, school_id=visit.school_id, zone_id=visit.zone_id, visit=visit, answer=answer,
        source=ProblemSource.CAMPAIGN if visit.kind == VisitKind.SPECIAL else ProblemSource.CHECKLIST,
        item_code=answer.code,
        item_title=answer.title, description=description.strip(), opinion=opinion.strip(), severity=severity,
        deadline=deadline, found_on=visit.date, created_by=user,
    )
    if answer.conclusion != Conclusion.PROBLEM:
        ChecklistAnswer.objects.filter(pk=answer.pk).update(conclusion=Conclusion.PROBLEM)
        answer.conclusion = Conclusion.PROBLEM
    return problem


@transaction.atomic
def problem_delete(*, problem: Problem, user) -> None:
    check_editable(problem.answer.checklist, user)
    ticket = getattr(problem, "ticket", None)
    if ticket is not None and ticket.events.exclude(action=TicketAction.CREATED).exists():
        raise ValidationError(_("该问题的整改已在进行,不能删除。"))
    problem.delete()


@transaction.atomic
def checklist_submit(*, checklist: Checklist, user, ip: str | None = None, announce: bool = True) -> Checklist:
    """Submit and lock: every item answered, each 发现问题 item has at least one problem recorded,
    and the visit says how it was done. The problems become tickets and the visit's re-checks of
    earlier problems close (销号) or return (退回) their tickets. ``announce=False`` (a past year
    brought in from the ledger) opens the tickets without telling the school of problems it has long
    known."""
    checklist = Checklist.objects.select_for_update().select_related("visit").get(pk=checklist.pk)
    check_editable(checklist, user)
    answers = list(checklist.answers.prefetch_related("problems"))
    errors = []
    unanswered = [a.title for a in answers if not a.conclusion]
    if unanswered:
        errors.append(_("以下事项尚未填写结论:%(items)s") % {"items": "、".join(unanswered)})
    bare = [a.title for a in answers if a.conclusion == Conclusion.PROBLEM and not a.problems.all()]
    if bare:
        errors.append(_("以下事项标记为“发现问题”但未记录问题:%(items)s") % {"items": "、".join(bare)})
    if not checklist.visit.methods:
        errors.append(_("请至少选择一种督导方式。"))
    if errors:
        raise ValidationError(errors)
    checklist.status = ChecklistStatus.SUBMITTED
    checklist.submitted_at = clock.now()
    checklist.submitted_by = user
    checklist.save()
    # Every problem found becomes a rectification ticket the school sees at once.
    from inspections.tickets.services import tickets_apply_visit_rechecks, tickets_open

    tickets_open(problems=Problem.objects.filter(visit=checklist.visit_id), actor=user, announce=announce)
    tickets_apply_visit_rechecks(visit=checklist.visit, actor=user, ip=ip)
    return checklist


@transaction.atomic
def checklist_reopen(*, checklist: Checklist, user, reason: str) -> Checklist:
    """Reopen a submitted checklist; the reason is required and kept."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if not checklist.is_locked:
        raise ValidationError(_("清单尚未提交,无需重新打开。"))
    if not reason.strip():
        raise ValidationError({"reason": _("重新打开清单必须填写原因。")})
    if not checklist.visit.supervisors.filter(user=user).exists() and not access.offices_managed_by(user).filter(
        pk=checklist.visit.office_id
    ).exists():
        raise ValidationError(_("您无权重新打开该清单。"))
    ChecklistReopening.objects.create(checklist=checklist, reason=reason.strip(), by=user)
    checklist.status = ChecklistStatus.DRAFT
    checklist.submitted_at = None
    checklist.save()
    return checklist


@transaction.atomic
def visit_discard(*, visit: Visit, user) -> None:
    """Throw away a draft visit that was started by mistake (never a submitted one)."""
    check_editable(visit.checklist, user)
    if visit.created_by.user_id != user.pk:
        raise ValidationError(_("只有创建者可以删除草稿。"))
    for photo in Photo.objects.filter(answer__checklist__visit=visit):
        photo.image.delete(save=False)
    Problem.objects.filter(visit=visit).delete()
    visit.delete()
