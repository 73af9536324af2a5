"""Rectification tickets: the state machine and every write that changes a ticket.

问题必整改、整改必落实 (seed 003): each problem of a submitted checklist becomes a ticket; the school
answers with a report and evidence; the supervisor re-checks and closes it (销号) or returns it.
Every change goes through ``_move`` (a move of ``MACHINE``) or ``ticket_event_record``, which lock the
row, check the version the user acted on, and write the history (who, when, what, from where). Each act carries the day it happened
(``TicketEvent.occurred_on``: today, or — entered late — its real day) beside the instant it was
recorded; a back-dated act never comes before what it acts on (a close before its report).
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from supervision import access, clock
from supervision.states import StateMachine

from supervision import calendar
from inspections.models.choices import (
    ExtensionStatus,
    ProblemSource,
    RecheckMode,
    RecheckResult,
    Severity,
    TicketAction,
    TicketStatus,
)
from inspections.models import (
    Evidence,
    Extension,
    Problem,
    Recheck,
    RecheckPhoto,
    Ticket,
    TicketEvent,
    TicketReport,
    Visit,
)
from inspections.notifications import services as notifications
from inspections.tickets.rules import default_deadline
from inspections.visits.rules import check_editable, problem_text_errors

O, P, S, C = TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.SUBMITTED, TicketStatus.CLOSED

# The one table of allowed moves: (from, action) -> to. Anything else is refused.
MACHINE = StateMachine(TicketStatus, TicketAction, {
    (O, TicketAction.STARTED): P,
    (O, TicketAction.REPORT_SUBMITTED): S,
    (P, TicketAction.REPORT_SUBMITTED): S,
    (S, TicketAction.RETURNED): P,
    (S, TicketAction.CLOSED): C,
    # An on-site re-check (回访) that finds the problem rectified may close it before a report.
    (O, TicketAction.CLOSED): C,
    (P, TicketAction.CLOSED): C,
})


class StaleTicket(ValidationError):
    """Someone else changed the ticket since this user loaded it."""


def _act_day(ticket: Ticket, *, on: dt.date | None, actor, what: str, not_before: dt.date | None = None,
             not_before_what: str = "") -> dt.date:
    """The day an act happened: today, or a day given (within the late-entry window, earlier with 补录),
    never before ``not_before`` (the thing it acts on)."""

    day = on or clock.today()
    if on is not None:
        access.entry_date_check(day=day, office=ticket.office, user=actor, field="on", what=what)
    if not_before is not None and day < not_before:
        raise ValidationError({"on": _("%(what)s %(d)s 不能早于%(before)s %(b)s。") % {
            "what": what, "d": calendar.day_label(day), "before": not_before_what, "b": calendar.day_label(not_before)}})
    return day


def ticket_lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    """The ticket locked for this transaction and read again; a user who acted on an older version
    (``expected_version``) is told someone else changed it (StaleTicket) and keeps what they wrote."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleTicket(
            _("该整改通知刚被他人更新(当前状态:%(status)s),请刷新页面后再操作;您填写的内容已保留。")
            % {"status": fresh.get_status_display()}
        )
    return fresh


def _bump(ticket: Ticket) -> None:
    """The ticket changed: a page or client holding the old version is now stale (StaleTicket)."""
    Ticket.objects.filter(pk=ticket.pk).update(version=ticket.version + 1, updated_at=clock.now())
    ticket.version += 1


def ticket_event_record(ticket: Ticket, action: str, *, actor, note: str = "", ip: str | None = None,
                        from_status: str = "", to_status: str = "", on: dt.date | None = None) -> TicketEvent:
    """Write an act into the ticket's history (who, the day it happened, from where) and bump its
    version. Call it on a locked ticket (``ticket_lock``)."""
    _bump(ticket)
    return TicketEvent.objects.create(
        ticket=ticket, action=action, actor=actor, note=note, ip_address=ip, from_status=from_status,
        to_status=to_status, occurred_on=on or clock.today(),
    )


def _move(ticket: Ticket, action: str, *, actor, expected_version: int | None, note: str = "",
          ip: str | None = None, on: dt.date | None = None) -> Ticket:
    ticket = ticket_lock(ticket, expected_version)
    target = MACHINE.target(ticket.status, action)
    origin = ticket.status
    ticket.status = target
    fields = ["status"]
    if target == C:
        ticket.closed_on, ticket.closed_at, ticket.closed_by = on or clock.today(), clock.now(), actor
        fields += ["closed_on", "closed_at", "closed_by"]
    ticket.save(update_fields=fields)
    ticket_event_record(ticket, action, actor=actor, note=note, ip=ip, from_status=origin, to_status=target, on=on)
    return ticket


@transaction.atomic
def tickets_open(*, problems, actor, announce: bool = True) -> list[Ticket]:
    """Turn the problems of a submitted checklist into tickets (idempotent: one ticket a problem);
    the school is told of them unless ``announce`` is off (the past brought in by the ledger import)."""
    created = []
    for problem in problems:
        ticket, was_created = Ticket.objects.get_or_create(
            problem=problem,
            defaults={"office_id": problem.office_id, "school_id": problem.school_id, "deadline": problem.deadline,
                      "opened_on": problem.found_on},
        )
        if was_created:
            TicketEvent.objects.create(ticket=ticket, action=TicketAction.CREATED, actor=actor, to_status=O,
                                       note=problem.opinion, occurred_on=problem.found_on)
            created.append(ticket)
    # The school sees the ticket at once: its users are told (inbox and e-mail).
    if announce:
        notifications.ticket_opened_notify(tickets=created)
    return created


@transaction.atomic
def problem_raise(
    *, school, source: str, item_code: str, item_title: str, description: str, opinion: str, found_on: dt.date,
    actor, severity: str = Severity.MINOR, deadline: dt.date | None = None,
) -> Problem:
    """A problem found outside a visit's checklist — a weak score in an evaluation (督导评估), a
    complaint verified as founded (举报投诉) — with its opinion and deadline; its rectification
    ticket opens at once, exactly like one from a submitted checklist (问题必整改). It counts for the
    office and zone the school was in on ``found_on``."""
    from schools.selectors import placement_on

    errors = {}
    placement = placement_on(school, found_on)
    if found_on > clock.today():
        errors["found_on"] = _("发现日期不能晚于今天。")
    elif placement is None:
        errors["found_on"] = _("%(d)s “%(school)s”不在名册中(尚未列入或已停办)。") % {
            "d": calendar.day_label(found_on), "school": school.name}
    if source not in ProblemSource.values or source == ProblemSource.CHECKLIST:
        errors["source"] = _("无效的问题来源。")
    errors.update(problem_text_errors(description=description, opinion=opinion, severity=severity))
    deadline = deadline or default_deadline(found_on)
    if deadline <= found_on:
        errors["deadline"] = _("整改期限应晚于发现日期。")
    if errors:
        raise ValidationError(errors)
    problem = Problem.objects.create(
        office_id=placement.office_id, school=school, zone_id=placement.zone_id, source=source, item_code=item_code[:16],
        item_title=item_title[:200], description=description.strip(), opinion=opinion.strip(), severity=severity,
        deadline=deadline, found_on=found_on, created_by=actor,
    )
    tickets_open(problems=[problem], actor=actor)
    return problem


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor, expected_version: int | None = None, ip: str | None = None,
                 on: dt.date | None = None) -> Ticket:
    """The school starts rectifying (整改中)."""
    day = _act_day(ticket, on=on, actor=actor, what=_("开始整改日期"), not_before=ticket.opened_on,
                   not_before_what=_("下达日期"))
    return _move(ticket, TicketAction.STARTED, actor=actor, expected_version=expected_version, ip=ip, on=day)


def current_report(ticket: Ticket) -> TicketReport:
    """The report of the current round (created on demand; a returned ticket opens a new round)."""
    report = ticket.reports.order_by("-round").first()
    if report is None or report.submitted_at is not None and ticket.status != S:
        round_no = (report.round + 1) if report else 1
        report = TicketReport.objects.create(ticket=ticket, round=round_no)
    return report


@transaction.atomic
def ticket_report_submit(*, ticket: Ticket, actor, text: str, expected_version: int | None = None,
                         ip: str | None = None, on: dt.date | None = None) -> Ticket:
    """The school submits its rectification report (整改报告) — today, or (entered late) on its real
    day ``on``, never before the ticket was issued nor before the round's return; report and evidence
    become immutable."""
    if not text.strip():
        raise ValidationError({"text": _("请填写整改情况说明。")})
    locked = ticket_lock(ticket, expected_version)
    report = current_report(locked)
    if not report.evidence.exists():
        raise ValidationError(_("请至少上传一份佐证材料(照片或文件)后再提交。"))
    ticket = _report_file(locked, report, actor=actor, text=text, on=on, ip=ip,
                          note=_("第%(n)d轮整改报告") % {"n": report.round})
    notifications.ticket_report_submitted_notify(ticket=ticket, report=report)
    return ticket


def _report_file(locked: Ticket, report: TicketReport, *, actor, text: str, on: dt.date | None, ip: str | None,
                 note: str) -> Ticket:
    """File the round's report on its day and move the ticket to 已提交."""
    # A round begins when the ticket is issued or last sent back (退回): its report comes no earlier.
    returned = locked.events.filter(action=TicketAction.RETURNED).order_by("-occurred_on").values_list(
        "occurred_on", flat=True
    ).first()
    day = _act_day(locked, on=on, actor=actor, what=_("整改报告提交日期"),
                   not_before=max(locked.opened_on, returned or locked.opened_on),
                   not_before_what=_("本轮整改开始日期(下达或退回之日)"))
    # Rectification had begun by the day of its report: a start the system noted when a file was
    # uploaded later (entering a past report) is dated that day.
    locked.events.filter(action=TicketAction.STARTED, occurred_on__gt=day).update(occurred_on=day)
    report.text, report.submitted_on, report.submitted_at, report.submitted_by = text.strip(), day, clock.now(), actor
    report.save(update_fields=["text", "submitted_on", "submitted_at", "submitted_by"])
    return _move(locked, TicketAction.REPORT_SUBMITTED, actor=actor, expected_version=None, note=note, ip=ip, on=day)


@transaction.atomic
def ticket_report_record_past(*, ticket: Ticket, actor, on: dt.date, text: str, ip: str | None = None) -> Ticket:
    """补录 of a past rectification report (整改报告) kept on paper or in an Excel ledger: it is
    recorded on its real day ``on`` without a file (the signed original stays in the archive, which
    ``text`` says). Only a 补录 holder of the ticket's office; like any report, never before the
    ticket was issued nor before the round's return, never in the future. Nobody is notified: it
    happened long ago."""

    if not access.tickets_backfilled_by(actor).filter(pk=ticket.pk).exists():
        raise ValidationError(_("只有有“补录”权限的人员可以补录过去的整改报告。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写整改情况说明。")})
    locked = ticket_lock(ticket, None)
    report = current_report(locked)
    return _report_file(locked, report, actor=actor, text=text, on=on, ip=ip,
                        note=_("第%(n)d轮整改报告(补录)") % {"n": report.round})


@transaction.atomic
def ticket_return(*, ticket: Ticket, actor, reason: str, expected_version: int | None = None,
                  ip: str | None = None, on: dt.date | None = None) -> Ticket:
    """The supervisor sends the report back (退回) with reasons; the school rectifies again."""
    if not reason.strip():
        raise ValidationError({"reason": _("退回必须说明原因。")})
    submitted = ticket.reports.exclude(submitted_on=None).order_by("-round").values_list("submitted_on", flat=True).first()
    day = _act_day(ticket, on=on, actor=actor, what=_("退回日期"), not_before=submitted,
                   not_before_what=_("整改报告提交日期"))
    ticket = _move(ticket, TicketAction.RETURNED, actor=actor, expected_version=expected_version, note=reason.strip(),
                   ip=ip, on=day)
    report = ticket.reports.order_by("-round").first()
    report.return_reason = reason.strip()
    report.save(update_fields=["return_reason"])
    notifications.ticket_returned_notify(ticket=ticket, report=report)
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor, recheck: Recheck, expected_version: int | None = None,
                 ip: str | None = None) -> Ticket:
    """销号: a ticket closes only after a re-check that found the problem rectified; it is closed on the
    re-check's day, which may not come before the latest rectification report."""
    if recheck is None or recheck.problem_id != ticket.problem_id or recheck.result != RecheckResult.RECTIFIED:
        raise ValidationError(_("销号前必须完成复查,且复查结果为“已整改到位”。"))
    last_report = ticket.reports.exclude(submitted_at=None).order_by("-submitted_at").first()
    if last_report and recheck.created_at < last_report.submitted_at:
        raise ValidationError(_("复查早于最新一次整改报告,请针对最新报告重新复查。"))
    if last_report and last_report.submitted_on and recheck.date < last_report.submitted_on:
        raise ValidationError({"date": _("复查(销号)日期 %(d)s 不能早于整改报告提交日期 %(r)s。") % {
            "d": calendar.day_label(recheck.date), "r": calendar.day_label(last_report.submitted_on)}})
    return _move(ticket, TicketAction.CLOSED, actor=actor, expected_version=expected_version,
                 note=recheck.notes, ip=ip, on=recheck.date)


# --- The school's report draft and its evidence (整改报告、佐证材料) ----------------------------------

MAX_EVIDENCE_PER_REPORT = 20
MAX_RECHECK_PHOTOS = 9
DRAFT_STATUSES = (O, P)


def _draft_report(ticket: Ticket) -> TicketReport:
    """The report the school is still writing; once submitted its text and files are final."""
    if ticket.status not in DRAFT_STATUSES:
        raise ValidationError(
            _("整改报告已提交或已销号(当前状态:%(status)s),内容和佐证材料不能再修改。")
            % {"status": ticket.get_status_display()}
        )
    return current_report(ticket)


def _start_if_open(ticket: Ticket, *, actor, ip: str | None, on: dt.date | None = None) -> Ticket:
    """Writing the report or adding a file is starting the rectification (待整改 → 整改中)."""
    if ticket.status == O:
        return _move(ticket, TicketAction.STARTED, actor=actor, expected_version=None, ip=ip,
                     on=max(on, ticket.opened_on) if on else None)
    return ticket


def _evidence_store(ticket: Ticket, report: TicketReport, inspected, *, actor, ip: str | None) -> Evidence:
    evidence = Evidence(
        report=report, original_name=inspected.name, content_type=inspected.kind.content_type,
        extension=inspected.kind.extension, size=inspected.size, sha256=inspected.sha256, uploaded_by=actor,
    )
    evidence.file.save(f"evidence{inspected.kind.extension}", ContentFile(inspected.content), save=False)
    evidence.save()
    ticket_event_record(ticket, TicketAction.EVIDENCE_ADDED, actor=actor, note=inspected.name, ip=ip)
    return evidence


def _inspect_all(report: TicketReport, uploads) -> list:
    from inspections.tickets.evidence import inspect_uploads

    return inspect_uploads(
        uploads, already=list(report.evidence.values_list("sha256", flat=True)), most=MAX_EVIDENCE_PER_REPORT,
        too_many=_("每份整改报告最多 %(n)d 个佐证材料。") % {"n": MAX_EVIDENCE_PER_REPORT},
    )


@transaction.atomic
def evidence_add(*, ticket: Ticket, actor, upload, expected_version: int | None = None,
                 ip: str | None = None) -> Evidence:
    """Add one evidence file to the report being written. Its type is decided by its content, its
    SHA-256 kept; once the report is submitted nothing can be added."""
    ticket = ticket_lock(ticket, expected_version)
    report = _draft_report(ticket)
    inspected = _inspect_all(report, [upload])[0]
    ticket = _start_if_open(ticket, actor=actor, ip=ip)
    return _evidence_store(ticket, report, inspected, actor=actor, ip=ip)


def _evidence_remove(ticket: Ticket, report: TicketReport, evidence: Evidence) -> None:
    if evidence.report_id != report.pk or report.submitted_at is not None:
        raise ValidationError(_("已提交的整改报告中的佐证材料不能删除。"))
    evidence.file.delete(save=False)
    evidence.delete()
    # No history row (the model has no such action) but the version moves: a page showing the file is stale.
    _bump(ticket)


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor, expected_version: int | None = None, ip: str | None = None) -> None:
    """Remove a file from the report while it is still a draft (never after submission)."""
    ticket = ticket_lock(evidence.report.ticket, expected_version)
    _evidence_remove(ticket, _draft_report(ticket), evidence)


@transaction.atomic
def ticket_report_save(*, ticket: Ticket, actor, text: str, uploads=(), remove=(), submit: bool = False,
                       expected_version: int | None = None, ip: str | None = None,
                       on: dt.date | None = None) -> Ticket:
    """The school's report form: keep the text typed so far, drop the files taken back, add the files
    chosen (all or none) and, if asked, submit the report (整改报告) — which needs the text and at
    least one file. Two colleagues writing at once: every change moves the version, so the second,
    sending the version they loaded, is refused (StaleTicket) instead of overwriting the first."""
    ticket = ticket_lock(ticket, expected_version)
    report = _draft_report(ticket)
    for evidence in remove:
        _evidence_remove(ticket, report, evidence)
    inspected = _inspect_all(report, uploads)
    if text.strip() or inspected or submit:
        ticket = _start_if_open(ticket, actor=actor, ip=ip, on=on)
    if report.text != text.strip():
        report.text = text.strip()
        report.save(update_fields=["text"])
        _bump(ticket)  # a colleague's page with the old text is stale: their save is refused, not lost
    for item in inspected:
        _evidence_store(ticket, report, item, actor=actor, ip=ip)
    if submit:
        ticket = ticket_report_submit(ticket=ticket, actor=actor, text=text, expected_version=None, ip=ip, on=on)
    return ticket


# --- Deadline extensions (申请延期) -------------------------------------------------------------------


@transaction.atomic
def extension_request(*, ticket: Ticket, actor, requested_deadline: dt.date, reason: str,
                      expected_version: int | None = None, ip: str | None = None,
                      on: dt.date | None = None) -> Extension:
    """The school asks for a later deadline, with a reason; not past the end of the school year (of
    the day it asks)."""
    ticket = ticket_lock(ticket, expected_version)
    day = _act_day(ticket, on=on, actor=actor, what=_("申请日期"), not_before=ticket.opened_on,
                   not_before_what=_("下达日期"))
    if ticket.status == C:
        raise ValidationError(_("该整改通知已销号,无需延期。"))
    if ticket.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(_("已有一份延期申请在等待督学审批,请勿重复申请。"))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("请说明延期理由。")
    if requested_deadline is None:
        errors["requested_deadline"] = _("请选择新的整改期限。")
    else:
        year_end = calendar.school_year_end(day)
        if requested_deadline <= ticket.deadline:
            errors["requested_deadline"] = _("新的整改期限应晚于当前期限(%(d)s)。") % {"d": calendar.day_label(ticket.deadline)}
        elif requested_deadline > year_end:
            errors["requested_deadline"] = _(
                "延期不能超过本学年结束(%(d)s);跨学年的问题请与责任督学另行商定整改方案。"
            ) % {"d": calendar.day_label(year_end)}
    if errors:
        raise ValidationError(errors)
    extension = Extension.objects.create(
        ticket=ticket, requested_deadline=requested_deadline, reason=reason.strip(), requested_by=actor,
        requested_on=day,
    )
    ticket_event_record(ticket, TicketAction.EXTENSION_REQUESTED, actor=actor, ip=ip, on=day,
            note=_("申请延期至%(d)s:%(reason)s") % {"d": calendar.day_label(requested_deadline), "reason": extension.reason})
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, actor, approve: bool, note: str = "",
                     expected_version: int | None = None, ip: str | None = None,
                     on: dt.date | None = None) -> Extension:
    """The supervisor approves (the deadline moves) or refuses (with a note) a pending request, on the
    day given (today by default), never before it was asked."""
    ticket = ticket_lock(extension.ticket, expected_version)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    day = _act_day(ticket, on=on, actor=actor, what=_("审批日期"), not_before=extension.requested_on,
                   not_before_what=_("申请日期"))
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(_("该延期申请已处理(%(s)s)。") % {"s": extension.get_status_display()})
    if ticket.status == C:
        raise ValidationError(_("该整改通知已销号,无需延期。"))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("不同意延期时请写明意见。")})
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_on, extension.decided_at, extension.decision_note = (
        actor, day, clock.now(), note
    )
    extension.save(update_fields=["status", "decided_by", "decided_on", "decided_at", "decision_note"])
    if approve:
        old = ticket.deadline
        ticket.deadline = extension.requested_deadline
        ticket.save(update_fields=["deadline"])
        text = _("整改期限由%(old)s延至%(new)s") % {"old": calendar.day_label(old), "new": calendar.day_label(ticket.deadline)}
        ticket_event_record(ticket, TicketAction.EXTENSION_APPROVED, actor=actor, ip=ip, on=day,
                note=f"{text}。{note}".rstrip("。") + "。")
    else:
        ticket_event_record(ticket, TicketAction.EXTENSION_REFUSED, actor=actor, ip=ip, on=day, note=note)
    return extension


# --- Re-check (复查/回访), then close or return ---------------------------------------------------------


def _recheck_note(recheck: Recheck) -> str:
    return _("%(mode)s,%(result)s。%(notes)s") % {
        "mode": recheck.get_mode_display(), "result": recheck.get_result_display(), "notes": recheck.notes,
    }


@transaction.atomic
def ticket_recheck(*, ticket: Ticket, actor, result: str, notes: str = "", mode: str = RecheckMode.EVIDENCE,
                   date: dt.date | None = None, photos=(), expected_version: int | None = None,
                   ip: str | None = None) -> Ticket:
    """The supervisor re-checks (on site or on the evidence, with notes and photos): rectified →
    销号; not rectified → a submitted report goes back (退回) with the notes as the reason,
    otherwise the re-check is recorded in the history."""
    from supervision.uploads import image_reencode


    ticket = ticket_lock(ticket, expected_version)
    if ticket.status == C:
        raise ValidationError(_("该整改通知已销号。"))
    if mode not in RecheckMode.values:
        raise ValidationError({"mode": _("请选择复查方式。")})
    if result == RecheckResult.NOT_RECTIFIED and not notes.strip():
        raise ValidationError({"notes": _("未整改到位时请写明复查情况和退回原因。")})
    photos = list(photos)
    if len(photos) > MAX_RECHECK_PHOTOS:
        raise ValidationError({"photos": _("复查照片最多 %(n)d 张。") % {"n": MAX_RECHECK_PHOTOS}})
    encoded = [image_reencode(upload=photo, max_side=1600) for photo in photos]
    recheck = recheck_record(problem=ticket.problem, user=actor, result=result, notes=notes, mode=mode, date=date)
    for content in encoded:
        photo = RecheckPhoto(recheck=recheck, sha256=content.sha256)
        photo.image.save("recheck.jpg", content, save=False)
        photo.save()
    if result == RecheckResult.RECTIFIED:
        return ticket_close(ticket=ticket, actor=actor, recheck=recheck, expected_version=None, ip=ip)
    if ticket.status == S:
        return ticket_return(ticket=ticket, actor=actor, reason=recheck.notes, expected_version=None, ip=ip,
                             on=recheck.date)
    ticket_event_record(ticket, TicketAction.RECHECKED, actor=actor, ip=ip, note=_recheck_note(recheck), on=recheck.date)
    return ticket


@transaction.atomic
def tickets_apply_visit_rechecks(*, visit, actor, ip: str | None = None) -> list[Ticket]:
    """On checklist submit, the visit's re-checks (复查上月问题) act on the tickets: found rectified →
    销号 with that re-check; not rectified on a submitted report → 退回 with the re-check's notes;
    otherwise the re-check is written in the ticket's history."""
    changed = []
    rechecks = Recheck.objects.filter(visit=visit).select_related("problem__ticket").order_by("pk")
    for recheck in rechecks:
        ticket = getattr(recheck.problem, "ticket", None)
        if ticket is None or ticket.status == C:
            continue
        ticket = ticket_lock(ticket, None)
        latest = ticket.reports.exclude(submitted_at=None).order_by("-submitted_at").first()
        later_report = latest and (
            recheck.created_at < latest.submitted_at or (latest.submitted_on and recheck.date < latest.submitted_on)
        )
        if recheck.result == RecheckResult.RECTIFIED and later_report:
            # The school reported after the visit's re-check: the new report needs its own look.
            ticket_event_record(ticket, TicketAction.RECHECKED, actor=actor, ip=ip, on=recheck.date, note=_recheck_note(recheck) + _(
                "学校其后提交了新的整改报告,请针对最新报告复查后销号。"))
        elif recheck.result == RecheckResult.RECTIFIED:
            ticket = ticket_close(ticket=ticket, actor=actor, recheck=recheck, expected_version=None, ip=ip)
        elif ticket.status == S and not later_report:
            reason = recheck.notes or _("入校复查:未整改到位。")
            ticket = ticket_return(ticket=ticket, actor=actor, reason=reason, expected_version=None, ip=ip,
                                   on=recheck.date)
        else:
            ticket_event_record(ticket, TicketAction.RECHECKED, actor=actor, ip=ip, note=_recheck_note(recheck), on=recheck.date)
        changed.append(ticket)
    return changed


@transaction.atomic
def recheck_record(
    *, problem: Problem, user, result: str, notes: str = "", visit: Visit | None = None,
    mode: str = RecheckMode.ON_SITE, date: dt.date | None = None,
) -> Recheck:
    """Record a re-check of an earlier problem — during a visit to that school (one per problem
    and visit; recording again updates it) or on the school's evidence."""
    if result not in RecheckResult.values:
        raise ValidationError({"result": _("请选择复查结果。")})
    # One rule for every path that records a re-check (the ticket's page, the API, a visit's page —
    # special and joint visits included): a special visit elsewhere or an invitation to a joint visit
    # does not make one the school's supervisor.
    if not access.may_recheck(user, problem, on=visit.date if visit is not None else None):
        raise ValidationError(_("只有该校的责任督学可以复查。"))
    if visit is not None:
        check_editable(visit.checklist, user)
        if visit.school_id != problem.school_id:
            raise ValidationError(_("只能复查本校的问题。"))
        if problem.visit_id == visit.pk:
            raise ValidationError(_("本次督导发现的问题无需在本次复查。"))
        date = visit.date
        mode = RecheckMode.ON_SITE
    else:
        date = date or clock.today()
        if date > clock.today():
            raise ValidationError({"date": _("复查日期不能晚于今天。")})
        access.entry_date_check(day=date, office=problem.office, user=user, what=_("复查日期"))
    if date < problem.found_on:
        raise ValidationError({"date": _("复查日期 %(d)s 不能早于问题发现日期 %(f)s。") % {
            "d": calendar.day_label(date), "f": calendar.day_label(problem.found_on)}})
    values = {"date": date, "mode": mode, "result": result, "notes": notes.strip(), "by": user}
    if visit is not None:
        recheck, _created = Recheck.objects.update_or_create(problem=problem, visit=visit, defaults=values)
    else:
        recheck = Recheck.objects.create(problem=problem, **values)
    return recheck
