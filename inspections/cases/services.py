"""Supervision cases (督导案例): the state machine and every write that changes a case.

A supervisor writes a case and submits it; the office (admin or director) returns it with a comment,
accepts it, marks it excellent (优秀案例) and recommends the excellent ones upward (推荐上报).
Every change goes through ``_move`` (a move of ``MACHINE``) or ``_record``, which write the history (who, when, comment).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.tickets.evidence import inspect_uploads
from schools.models import School
from supervision import clock
from supervision.states import StateMachine
from supervision.models import Supervisor, Zone

from .choices import CaseAction as A
from .choices import CaseStatus as S
from .models import Case, CaseAttachment, CaseEvent
from .richtext import clean_html, plain_text

# The one table of allowed moves: (from, action) -> to. Anything else is refused.
MACHINE = StateMachine(S, A, {
    (S.DRAFT, A.SUBMITTED): S.SUBMITTED,
    (S.RETURNED, A.SUBMITTED): S.SUBMITTED,
    (S.SUBMITTED, A.RETURNED): S.RETURNED,
    (S.SUBMITTED, A.ACCEPTED): S.ACCEPTED,
    (S.ACCEPTED, A.EXCELLENT): S.EXCELLENT,
    (S.EXCELLENT, A.RECOMMENDED): S.RECOMMENDED,
}, refusal=gettext_lazy("案例当前状态为“%(status)s”,不能执行“%(action)s”。"))
AUTHOR_ACTIONS = {A.SUBMITTED}
REVIEW_ACTIONS = (A.RETURNED, A.ACCEPTED, A.EXCELLENT, A.RECOMMENDED)
EDITABLE = (S.DRAFT, S.RETURNED)
MAX_ATTACHMENTS = 20


def settings_max_bytes() -> int:
    from django.conf import settings

    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def _record(case: Case, action: str, *, actor, comment: str = "", from_status: str = "", to_status: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, actor=actor, comment=comment, from_status=from_status, to_status=to_status
    )


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _move(case: Case, action: str, *, actor, comment: str = "") -> Case:
    target = MACHINE.target(case.status, action)
    origin, case.status = case.status, target
    fields = ["status", "updated_at"]
    if target == S.SUBMITTED:
        case.submitted_at = clock.now()
        fields.append("submitted_at")
    if target == S.RECOMMENDED:
        case.recommended_at = clock.now()
        fields.append("recommended_at")
    case.save(update_fields=fields)
    event = _record(case, action, actor=actor, comment=comment, from_status=origin, to_status=target)
    _tell(case, event)
    return case


def _tell(case: Case, event: CaseEvent) -> None:
    """The office's director hears of a submitted case; the author hears of every review decision
    (a return with its comment). Written in the office's language, whoever acted."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from inspections.notifications.services import notify
    from supervision import access

    if event.action == A.SUBMITTED:
        users = access.directors_of(case.office)
    else:
        users = [case.author.user] if case.author.user.is_active else []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("督导案例“%(title)s”:%(action)s") % {"title": case.title[:60], "action": A(event.action).label}
        body = event.comment or _("当前状态:%(status)s") % {"status": case.get_status_display()}
    notify(users=users, key=f"case:{case.pk}:{event.pk}", title=title, body=body,
           url=reverse("cases:detail", args=[case.pk]))


def _author_of(actor) -> Supervisor:
    supervisor = Supervisor.objects.filter(user=actor, is_active=True).select_related("office").first()
    if supervisor is None:
        raise ValidationError(_("只有在岗的责任督学可以撰写督导案例。"))
    return supervisor


def _check_place(office_id: int, school: School | None, zone: Zone | None) -> None:
    if school is not None and school.office_id != office_id:
        raise ValidationError({"school": _("只能选择本督导室的学校。")})
    if zone is not None and zone.office_id != office_id:
        raise ValidationError({"zone": _("只能选择本督导室的责任区。")})


def normalise_tags(raw: str) -> str:
    """“课后服务, 校园安全;双减” → “课后服务、校园安全、双减” (one separator, no repeats)."""
    seen: list[str] = []
    for part in raw.replace(",", "、").replace(",", "、").replace(";", "、").replace(";", "、").replace(" ", "、").split("、"):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return "、".join(seen)[:200]


def _inspect_all(case: Case | None, uploads) -> list:
    """Check every file before storing any (the text typed is kept by the form that re-renders)."""
    return inspect_uploads(
        uploads, already=list(case.attachments.values_list("sha256", flat=True)) if case else [],
        most=MAX_ATTACHMENTS, too_many=_("每个案例最多 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS},
    )


def _store(case: Case, item, *, actor) -> CaseAttachment:
    attachment = CaseAttachment(
        case=case, original_name=item.name, content_type=item.kind.content_type, extension=item.kind.extension,
        size=item.size, sha256=item.sha256, uploaded_by=actor,
    )
    attachment.file.save(f"case{item.kind.extension}", ContentFile(item.content), save=False)
    attachment.save()
    _record(case, A.FILE_ADDED, actor=actor, comment=item.name)
    return attachment


def _check_submittable(case: Case) -> None:
    if not plain_text(case.body):
        raise ValidationError({"body": _("正文不能为空,请写好案例再提交。")})


@transaction.atomic
def case_save(*, actor, case: Case | None = None, title: str, year: int, body: str, tags: str = "",
              school: School | None = None, zone: Zone | None = None, uploads=(), remove=(),
              submit: bool = False) -> Case:
    """Write or revise one's own case (a draft, or one returned for revision): the body is
    sanitised, the files are checked by content (all or none), and, if asked, the case is submitted."""
    author = _author_of(actor)
    if case is not None:
        case = _locked(case)
        if case.author_id != author.pk:
            raise ValidationError(_("只能修改自己撰写的案例。"))
        if case.status not in EDITABLE:
            raise ValidationError(
                _("案例已提交(当前状态:%(status)s),不能再修改。") % {"status": case.get_status_display()}
            )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写案例标题。")})
    office_id = case.office_id if case else author.office_id
    _check_place(office_id, school, zone)
    inspected = _inspect_all(case, uploads)
    values = {"title": title, "year": year, "body": clean_html(body), "tags": normalise_tags(tags or ""),
              "school": school, "zone": zone}
    if case is None:
        case = Case.objects.create(office_id=office_id, author=author, **values)
        _record(case, A.CREATED, actor=actor, to_status=case.status)
    else:
        changed = [name for name, value in values.items() if getattr(case, name) != value]
        if changed:
            for name in changed:
                setattr(case, name, values[name])
            case.save(update_fields=changed + ["updated_at"])
            _record(case, A.EDITED, actor=actor)
    for attachment in remove:
        if attachment.case_id != case.pk:
            raise ValidationError(_("附件不属于该案例。"))
        name = attachment.original_name
        attachment.file.delete(save=False)
        attachment.delete()
        _record(case, A.FILE_REMOVED, actor=actor, comment=name)
    for item in inspected:
        _store(case, item, actor=actor)
    if submit:
        _check_submittable(case)
        case = _move(case, A.SUBMITTED, actor=actor)
    return case


@transaction.atomic
def case_submit(*, case: Case, actor) -> Case:
    """The author submits the case to the office (a draft, or a returned case after revision)."""
    case = _locked(case)
    if case.author.user_id != actor.pk:
        raise ValidationError(_("只能提交自己撰写的案例。"))
    _check_submittable(case)
    return _move(case, A.SUBMITTED, actor=actor)


@transaction.atomic
def case_review(*, case: Case, actor, action: str, comment: str = "") -> Case:
    """The office reviews a submitted case: 退回修改 (with the reason), 采纳, 评为优秀案例, and
    推荐上报 of an excellent one to the parent office."""
    if action not in REVIEW_ACTIONS:
        raise ValidationError(_("未知的审核操作。"))
    comment = (comment or "").strip()
    if action == A.RETURNED and not comment:
        raise ValidationError({"comment": _("退回时请写明修改意见。")})
    case = _locked(case)
    if action == A.RECOMMENDED and case.office.parent_id is None:
        raise ValidationError(_("本督导室没有上级督导室,无法推荐上报。"))
    return _move(case, action, actor=actor, comment=comment)
